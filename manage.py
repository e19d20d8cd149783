#!/usr/bin/env python
import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["generate_encryption_key"]:
        # Making the first key must not need the settings that refuse to start without one.
        from connections.crypto import generate_key

        print(generate_key())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weavz.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
