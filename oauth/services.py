"""OAuth app services: each is one transaction and writes its audit event (never the secret)."""

from django.conf import settings
from django.db import IntegrityError, transaction

from connections.models import Piece
from oauth.models import OAuthApp
from orgs.audit import audit_record
from orgs.models import Organization
from weavz.api.errors import Conflict

CALLBACK_PATH = "/api/v1/connect/oauth/callback"


def redirect_uri() -> str:
    """The service's own OAuth callback, registered with providers for every OAuth app."""
    return f"{settings.PUBLIC_URL}{CALLBACK_PATH}"


class InvalidOAuthApp(Exception):
    """``details`` maps API field names (``pieceName``) to messages."""

    def __init__(self, details: dict[str, list[str]]) -> None:
        self.details = details
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in details.items()))


def oauth_app_errors(*, piece: Piece) -> dict[str, list[str]]:
    """What is wrong with registering an OAuth app for ``piece`` (the API and console share it)."""
    if "OAUTH2" not in piece.auth_types:
        return {"pieceName": [f"The piece {piece.name!r} does not use OAuth2."]}
    return {}


def oauth_app_create(
    *,
    org: Organization,
    piece: Piece,
    client_id: str,
    client_secret: str,
    scopes: list[str],
    actor: str,
) -> OAuthApp:
    errors = oauth_app_errors(piece=piece)
    if errors:
        raise InvalidOAuthApp(errors)
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
        if OAuthApp.objects.filter(org=org, piece=piece).exists():
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
