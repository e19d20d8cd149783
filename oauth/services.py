"""OAuth app services: each is one transaction and writes its audit event (never the secret).

Also the forced refresh of a connection's token (``connection_refresh``): the API's form of
``oauth.refresh.force_refresh``, its outcomes as typed errors.
"""

from django.conf import settings
from django.db import IntegrityError, transaction

from connections.models import Connection, Piece
from connections.selectors import connection_row, piece_get
from oauth.models import OAuthApp
from oauth.refresh import Outcome, force_refresh
from oauth.selectors import oauth_app_exists
from orgs.audit import audit_record
from orgs.models import Organization
from weavz.api.errors import (
    NO_SUCH_CONNECTION,
    Conflict,
    NotFound,
    UpstreamUnavailable,
    ValidationFailed,
    unknown_piece,
)

CALLBACK_PATH = "/api/v1/connect/oauth/callback"


def redirect_uri() -> str:
    """The service's own OAuth callback, registered with providers for every OAuth app."""
    return f"{settings.PUBLIC_URL}{CALLBACK_PATH}"


def oauth_app_errors(*, piece: Piece) -> dict[str, list[str]]:
    """What is wrong with registering an OAuth app for ``piece`` (the API and console share it)."""
    if "OAUTH2" not in piece.auth_types:
        return {"pieceName": [f"The piece {piece.name!r} does not use OAuth2."]}
    return {}


def oauth_app_create(
    *,
    org: Organization,
    piece_name: str,
    client_id: str,
    client_secret: str,
    scopes: list[str],
    actor: str,
) -> OAuthApp:
    """A new app; VALIDATION_ERROR for a piece that is unknown or not OAuth2, CONFLICT when
    the org already has one for the piece (also when two such requests race)."""
    piece = piece_get(piece_name)
    if piece is None:
        raise ValidationFailed({"pieceName": [unknown_piece(piece_name)]})
    errors = oauth_app_errors(piece=piece)
    if errors:
        raise ValidationFailed(errors)
    app = OAuthApp(
        org=org,
        piece=piece,
        client_id=client_id,
        client_secret={"client_secret": client_secret},
        scopes=scopes,
    )
    try:
        with transaction.atomic():
            app.save(force_insert=True)
            audit_record(
                org_id=org.id,
                action="oauth_app.created",
                actor=actor,
                target_id=app.id,
                metadata={"pieceName": piece.name, "clientId": client_id},
            )
    except IntegrityError:
        # The unique (org, piece) constraint decides races: one insert wins, the rest conflict.
        if oauth_app_exists(org_id=org.id, piece_name=piece.name):
            raise Conflict(
                f"This organization already has an OAuth app for {piece.name}."
            ) from None
        raise
    return app


@transaction.atomic
def oauth_app_update(
    *,
    app: OAuthApp,
    actor: str,
    client_id: str | None = None,
    client_secret: str | None = None,
    scopes: list[str] | None = None,
) -> OAuthApp:
    """Changes what is given, compared with the row as locked now; audits the field names."""
    app = OAuthApp.objects.select_for_update().get(pk=app.pk)
    changed: list[str] = []
    if client_id is not None and client_id != app.client_id:
        app.client_id = client_id
        changed.append("client_id")
    if client_secret is not None:
        app.client_secret = {"client_secret": client_secret}
        changed.append("client_secret")
    if scopes is not None and scopes != app.scopes:
        app.scopes = scopes
        changed.append("scopes")
    if changed:
        app.save(update_fields=[*changed, "updated_at"])
        audit_record(
            org_id=app.org_id,
            action="oauth_app.updated",
            actor=actor,
            target_id=app.id,
            metadata={"fields": changed},
        )
    return app


@transaction.atomic
def oauth_app_delete(*, app: OAuthApp, actor: str) -> None:
    audit_record(
        org_id=app.org_id,
        action="oauth_app.deleted",
        actor=actor,
        target_id=app.id,
        metadata={"pieceName": app.piece_id},
    )
    app.delete()


def connection_refresh(*, org_id: str, connection_id: str, actor: str) -> Connection:
    """Refreshes the connection's OAuth2 token now (single flight with any other refresh).

    The connection as stored afterwards: ACTIVE, ERROR (the provider rejected the refresh
    token) or EXPIRED. NOT_FOUND for another org's; CONFLICT when it cannot be refreshed; no
    usable answer from the provider is UPSTREAM_UNAVAILABLE (UPSTREAM_TIMEOUT on a timeout),
    the connection staying ACTIVE for the sweep to retry.
    """
    if connection_row(org_id=org_id, connection_id=connection_id) is None:
        raise NotFound(NO_SUCH_CONNECTION)
    # A connection deleted a moment ago is NOT_FOUND from the refresh itself.
    result = force_refresh(connection_id=connection_id, actor=actor)
    if result.outcome == Outcome.FAILED:
        raise result.error or UpstreamUnavailable(
            f"{result.detail} The connection stays ACTIVE; the refresh is retried later."
        )
    if result.outcome == Outcome.NOT_REFRESHABLE:
        raise Conflict(result.detail)
    return result.connection
