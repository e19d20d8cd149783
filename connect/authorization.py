"""Authorization code + PKCE (S256) for the connect page's "Connect with …" button.

- ``oauth_start`` makes a one-time ``state`` (256 bits, stored as a hash) and a PKCE verifier
  (sealed, never sent anywhere but the token endpoint), bound to the session, and returns the
  provider's authorize URL built by authlib.
- ``oauth_consume`` takes the ``state`` back from the callback, once: a conditional UPDATE on
  ``used_at IS NULL AND expires_at > now`` lets exactly one request through.
- ``oauth_exchange`` swaps the code for tokens server-side (``oauth.transport``: authlib's
  request through the egress module), with the verifier and the exact redirect URI
  ``<PUBLIC_URL>/api/v1/connect/oauth/callback``.

The client is the organization's OAuth app for the piece; the piece's catalog entry says where
its authorize and token endpoints are.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.utils import timezone

from connect.models import ConnectSession, OAuthAttempt
from oauth.selectors import oauth_app_exists, oauth_app_for_piece
from oauth.services import redirect_uri
from oauth.transport import AUTH_METHODS, OAuthClient, token_request
from orgs.keys import hash_key
from weavz.api.errors import Gone, ValidationFailed

STATE_TTL = timedelta(minutes=10)
TOKEN_TIMEOUT_SECONDS = 15.0
# Token response fields an OAUTH2 value keeps at its top level; anything else goes in ``data``.
_TOKEN_FIELDS = ("access_token", "refresh_token", "token_type", "scope")


@dataclass(frozen=True)
class Provider:
    """Where to send the browser, for which scopes, and the token endpoint's client."""

    authorize_url: str
    scopes: tuple[str, ...]
    client: OAuthClient


class ProviderRefused(Exception):
    """The token endpoint said no; ``code`` is its OAuth error code (``invalid_grant``, …), or
    ``provider_error`` when it gave none that looks like one."""

    def __init__(self, code: str) -> None:
        super().__init__(f"The provider refused the sign-in ({code}).")
        self.code = code


def _endpoints(session: ConnectSession) -> tuple[str, str] | None:
    settings = session.piece.oauth2 or {}
    authorize_url, token_url = settings.get("authorizeUrl"), settings.get("tokenUrl")
    if "OAUTH2" not in session.piece.auth_types or not authorize_url or not token_url:
        return None
    return authorize_url, token_url


def authorize_url_of(session: ConnectSession) -> str | None:
    """Where the button sends the browser (for the page's ``form-action``), if anywhere."""
    endpoints = _endpoints(session)
    return endpoints[0] if endpoints else None


def oauth_configured(session: ConnectSession) -> bool:
    """Whether the button can work: the catalog knows the endpoints, the org has an app."""
    return _endpoints(session) is not None and oauth_app_exists(
        org_id=session.org_id, piece_name=session.piece_id
    )


def provider_for(session: ConnectSession) -> Provider | None:
    """The flow's settings, or ``None`` when the piece or the org is not set up for it."""
    endpoints = _endpoints(session)
    app = oauth_app_for_piece(org_id=session.org_id, piece_name=session.piece_id)
    if endpoints is None or app is None:
        return None
    settings = session.piece.oauth2 or {}
    method = settings.get("tokenAuthMethod")
    return Provider(
        authorize_url=endpoints[0],
        scopes=tuple(app.scopes or settings.get("scopes") or ()),
        client=OAuthClient(
            token_url=endpoints[1],
            client_id=app.client_id,
            client_secret=app.decrypted_client_secret(),
            auth_method=method if method in AUTH_METHODS else AUTH_METHODS[0],
        ),
    )


def oauth_start(*, session: ConnectSession, provider: Provider) -> str:
    """A new one-time state and verifier for ``session``; the URL to send the browser to."""
    state = secrets.token_urlsafe(32)
    verifier = generate_token(64)
    OAuthAttempt.objects.create(
        org_id=session.org_id,
        session=session,
        state_hash=hash_key(state),
        code_verifier={"code_verifier": verifier},
        expires_at=min(timezone.now() + STATE_TTL, session.expires_at),
    )
    url: str = prepare_grant_uri(
        provider.authorize_url,
        provider.client.client_id,
        "code",
        redirect_uri=redirect_uri(),
        scope=" ".join(provider.scopes) or None,
        state=state,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    return url


def oauth_consume(*, state: str) -> OAuthAttempt:
    """The attempt ``state`` names, consumed: a second use, or one past its expiry, is ``Gone``;
    a state this service never issued is a ``ValidationFailed``."""
    attempt = (
        OAuthAttempt.objects.select_related("session__piece")
        .filter(state_hash=hash_key(state))
        .first()
    )
    if attempt is None:
        raise ValidationFailed({"state": ["Unknown state."]}, "This sign-in is not valid.")
    now = timezone.now()
    claimed = OAuthAttempt.objects.filter(
        pk=attempt.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:
        raise Gone("This sign-in was already used or has expired.")
    return attempt


def oauth_exchange(*, provider: Provider, code: str, verifier: str) -> dict[str, Any]:
    """The OAUTH2 value for the tokens the code is worth; ``ProviderRefused`` if it is worth
    none. Raises the egress module's errors when the provider cannot be reached."""
    answer = token_request(
        client=provider.client,
        grant_type="authorization_code",
        timeout=TOKEN_TIMEOUT_SECONDS,
        code=code,
        redirect_uri=redirect_uri(),
        code_verifier=verifier,
    )
    if not answer.ok:
        raise ProviderRefused(oauth_error_code(answer.error or ""))
    return token_value(answer.body)


def oauth_error_code(error: str) -> str:
    """A provider's ``error`` as shown to people: only when it looks like an OAuth error code."""
    return error if error.isidentifier() and len(error) <= 64 else "provider_error"


def token_value(answer: dict[str, Any]) -> dict[str, Any]:
    """A token response as an OAUTH2 value: the known fields, ``expires_in`` as whole seconds,
    everything else under ``data``."""
    value: dict[str, Any] = {"type": "OAUTH2"}
    for name in _TOKEN_FIELDS:
        item = answer.get(name)
        if isinstance(item, list):
            item = " ".join(str(part) for part in item)
        if isinstance(item, str) and item:
            value[name] = item
    expires_in = answer.get("expires_in")
    if isinstance(expires_in, str) and expires_in.isdigit():
        expires_in = int(expires_in)
    if isinstance(expires_in, int) and not isinstance(expires_in, bool) and expires_in >= 0:
        value["expires_in"] = expires_in
    extra = {k: v for k, v in answer.items() if k not in (*_TOKEN_FIELDS, "expires_in")}
    if extra:
        value["data"] = extra
    return value
