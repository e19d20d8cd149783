"""A tests-only app with a second sealed column, so rotation and verification are proven to find
sealed columns by their field type rather than by a list of models."""
