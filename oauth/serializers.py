"""Input serializers and output rendering for OAuth apps (the secret is write-only)."""

from typing import Any

from rest_framework import serializers

from oauth.models import OAuthApp
from oauth.services import redirect_uri
from weavz.api.render import iso
from weavz.api.serializers import StrictSerializer


def render_oauth_app(app: OAuthApp) -> dict[str, Any]:
    return {
        "id": app.id,
        "pieceName": app.piece_id,
        "clientId": app.client_id,
        "scopes": app.scopes,
        "redirectUri": redirect_uri(),
        "createdAt": iso(app.created_at),
        "updatedAt": iso(app.updated_at),
    }


class TextField(serializers.CharField):
    """A string and only a string: a number or boolean is an error, not silently converted."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class OAuthAppSerializer(serializers.Serializer[OAuthApp]):
    id = serializers.CharField()
    pieceName = serializers.CharField()
    clientId = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    redirectUri = serializers.URLField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()


def _scopes(required: bool) -> "serializers.ListField":
    return serializers.ListField(
        child=TextField(min_length=1, max_length=255, trim_whitespace=False),
        max_length=100,
        required=required,
    )


class OAuthAppCreateSerializer(StrictSerializer):
    pieceName = TextField(max_length=100)
    clientId = TextField(min_length=1, max_length=255, trim_whitespace=False)
    clientSecret = TextField(min_length=1, max_length=4096, trim_whitespace=False, write_only=True)
    scopes = _scopes(required=False)


class OAuthAppUpdateSerializer(StrictSerializer):
    clientId = TextField(required=False, min_length=1, max_length=255, trim_whitespace=False)
    clientSecret = TextField(
        required=False, min_length=1, max_length=4096, trim_whitespace=False, write_only=True
    )
    scopes = _scopes(required=False)
