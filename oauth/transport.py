"""The token endpoint call: authlib builds the request (grant parameters, client
authentication), the egress module sends it, and the answer is parsed here. Nothing in this
module stores anything; nothing it logs or raises holds a secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_token_request

from weavz import egress

AUTH_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass(frozen=True)
class OAuthClient:
    """Where and as whom to ask for tokens. ``repr`` never shows the secret."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    auth_method: str = "client_secret_basic"


@dataclass(frozen=True)
class TokenResponse:
    status: int
    body: dict[str, Any] = field(repr=False)

    @property
    def error(self) -> str | None:
        """The OAuth error code (``invalid_grant``, …) of a failed answer, if it gave one."""
        error = self.body.get("error")
        return error if isinstance(error, str) else None

    @property
    def ok(self) -> bool:
        token = self.body.get("access_token")
        return 200 <= self.status < 300 and isinstance(token, str) and token != ""


def _parse(body: bytes) -> dict[str, Any]:
    text = body.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        # Some providers (GitHub without Accept) still answer form-encoded.
        parsed = dict(parse_qsl(text))
    return parsed if isinstance(parsed, dict) else {}


def token_request(
    *, client: OAuthClient, grant_type: str, timeout: float, **params: str
) -> TokenResponse:
    """POSTs one token request (RFC 6749 §4.1.3, §6); raises the egress module's errors
    (UpstreamTimeout, UpstreamUnavailable, EgressDenied, …) when no answer came."""
    body = prepare_token_request(grant_type, **params)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    auth = ClientAuth(client.client_id, client.client_secret, client.auth_method)
    url, headers, body = auth.prepare("POST", client.token_url, headers, body)
    response = egress.request(
        "POST",
        url,
        headers=headers,
        body=body.encode(),
        timeout=timeout,
        secrets=[client.client_secret, *params.values()],
    )
    return TokenResponse(status=response.status, body=_parse(response.body))
