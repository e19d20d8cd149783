"""Writes the development ``.env`` once, for ``make run``. Production never generates keys."""

import secrets
import sys
from pathlib import Path

from connections.crypto import generate_key

TEMPLATE = """\
# Written once by `make run` for local development. Do not use these values in production.
SECRET_KEY={secret_key}
ENCRYPTION_KEY={encryption_key}
DEBUG=false
ALLOWED_HOSTS=127.0.0.1,localhost
SECURE_SSL_REDIRECT=false
SECURE_COOKIES=false
SECURE_HSTS_SECONDS=0
"""


def main(path: str = ".env") -> None:
    target = Path(path)
    if target.exists():
        print(f"Using the existing {target}.")
        return
    target.write_text(
        TEMPLATE.format(secret_key=secrets.token_urlsafe(50), encryption_key=generate_key())
    )
    target.chmod(0o600)
    print(f"Wrote {target} with a new SECRET_KEY and ENCRYPTION_KEY (development only).")


if __name__ == "__main__":
    main(*sys.argv[1:])
