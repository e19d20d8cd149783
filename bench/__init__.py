"""The benchmark harness (`make bench`). Never imported by the app; never served in production."""
