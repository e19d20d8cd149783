"""The OAuth app's shape (one ``Shape``) and request bodies; the client secret is write-only."""

from typing import Any

from rest_framework import serializers

from oauth.services import redirect_uri
from weavz.api.render import Shape, Timestamp
from weavz.api.serializers import StrictCharField, StrictSerializer

OAUTH_APP = Shape(
    "OAuthApp",
    id=("id", serializers.CharField()),
    pieceName=("piece_id", serializers.CharField()),
    clientId=("client_id", serializers.CharField()),
    scopes=("scopes", serializers.ListField(child=serializers.CharField())),
    redirectUri=(
        lambda _app: redirect_uri(),
        serializers.URLField(help_text="This service's callback, to register with the provider."),
    ),
    createdAt=("created_at", Timestamp()),
    updatedAt=("updated_at", Timestamp()),
)
render_oauth_app = OAUTH_APP.render


def _client_id(**kwargs: Any) -> serializers.CharField:
    return StrictCharField(min_length=1, max_length=255, trim_whitespace=False, **kwargs)


def _client_secret(**kwargs: Any) -> serializers.CharField:
    return StrictCharField(
        min_length=1,
        max_length=4096,
        trim_whitespace=False,
        write_only=True,
        help_text="Stored encrypted; never returned.",
        **kwargs,
    )


def _scopes() -> serializers.ListField:
    return serializers.ListField(
        child=StrictCharField(min_length=1, max_length=255, trim_whitespace=False),
        max_length=100,
        required=False,
        help_text="The OAuth scopes to ask for (default: the piece's).",
    )


class OAuthAppCreate(StrictSerializer):
    """The organization's OAuth client for one piece."""

    pieceName = serializers.CharField(max_length=100, help_text="An OAUTH2 piece of the catalog.")
    clientId = _client_id()
    clientSecret = _client_secret()
    scopes = _scopes()


class OAuthAppUpdate(StrictSerializer):
    """Any of the fields; absent ones are left as they are."""

    clientId = _client_id(required=False)
    clientSecret = _client_secret(required=False)
    scopes = _scopes()
