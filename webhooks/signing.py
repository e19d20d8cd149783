"""Standard Webhooks signing (https://www.standardwebhooks.com), by the reference package.

A message is signed with every active secret of its endpoint: the current one, and the previous
one for the 24 hours after a rotation, so receivers verify with either while they switch over.
"""

import base64
import secrets as random_secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix, not a secret)
# How long the secret replaced by a rotation keeps signing.
ROTATION_OVERLAP = timedelta(hours=24)


def generate_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes, the format the reference verifiers take."""
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(32)).decode("ascii")


def signed_headers(
    *, message_id: str, body: str, secrets: Sequence[str], now: datetime
) -> dict[str, str]:
    """The headers of one attempt: the id stays the same across retries, the timestamp is now."""
    moment = now.astimezone(UTC)
    signatures = " ".join(Webhook(secret).sign(message_id, moment, body) for secret in secrets)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signatures,
    }
