"""The Connections API's shapes (one ``Shape`` per object) and request bodies (strict serializers).

A connection object is read on every action, so it is rendered by a plain function
(``render_connection``), and documented by the same declaration (``CONNECTION.serializer``).
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from connections.models import ConnectionStatus
from connections.values import VALUE_TYPES
from weavz.api.ids import ID_MAX_LENGTH
from weavz.api.render import Shape, Timestamp
from weavz.api.serializers import StrictSerializer

VALUE_REF = {"$ref": "#/components/schemas/ConnectionValue"}


@extend_schema_field(VALUE_REF)
class ValueField(serializers.JSONField):
    """The credentials object (``ConnectionValue``: one schema per ``type``); its contents are
    checked against the piece by ``connections.values.validate_value``."""


def external_id_field(**kwargs: Any) -> serializers.CharField:
    """An optional end-user id in a request body: 1–255 characters, kept exactly as sent."""
    return serializers.CharField(
        required=False,
        allow_null=True,
        min_length=1,
        max_length=255,
        trim_whitespace=False,
        **kwargs,
    )


def _status_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=ConnectionStatus.choices, **kwargs)


CONNECTION = Shape(
    "Connection",
    id=("id", serializers.CharField()),
    pieceName=("piece_id", serializers.CharField()),
    displayName=("display_name", serializers.CharField()),
    externalId=("external_id", serializers.CharField(allow_null=True)),
    projectId=("project_id", serializers.CharField(allow_null=True)),
    status=("status", _status_field()),
    createdAt=("created_at", Timestamp()),
    updatedAt=("updated_at", Timestamp()),
    lastUsedAt=(
        "last_used_at",
        Timestamp(
            allow_null=True, help_text="When a call last used it (updated at most once a minute)."
        ),
    ),
)
render_connection = CONNECTION.render


# A connection with its decrypted ``value`` (``?include=value``).
RevealedConnection = type(
    "RevealedConnection",
    (CONNECTION.serializer,),
    {"value": ValueField(required=False, help_text="Only with `?include=value`.")},
)


class OAuth2SettingsSerializer(serializers.Serializer[Any]):
    authorizeUrl = serializers.CharField()
    tokenUrl = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    pkce = serializers.BooleanField()
    tokenAuthMethod = serializers.ChoiceField(choices=["client_secret_basic", "client_secret_post"])


PIECE = Shape(
    "Piece",
    name=("name", serializers.CharField()),
    displayName=("display_name", serializers.CharField()),
    authTypes=("auth_types", serializers.ListField(child=serializers.ChoiceField(VALUE_TYPES))),
    props=(
        "props",
        serializers.DictField(
            help_text="CUSTOM_AUTH only: prop name -> {displayName, required, secret}.",
            required=False,
        ),
    ),
    baseUrl=(
        lambda piece: piece.base_url or None,
        serializers.CharField(
            allow_null=True, help_text="The API root; null when each connection carries its own."
        ),
    ),
    auth=(
        "auth",
        serializers.DictField(
            help_text="Per value type: where the credential goes (headers, query, basic, path)."
        ),
    ),
    oauth2=("oauth2", OAuth2SettingsSerializer(allow_null=True)),
)


def render_piece(piece: Any) -> dict[str, Any]:
    body = PIECE.render(piece)
    if "CUSTOM_AUTH" not in piece.auth_types:
        del body["props"]
    return body


class Success(serializers.Serializer[Any]):
    success = serializers.BooleanField()


class ConnectionCreate(StrictSerializer):
    """A new connection: the piece, a name, the credentials, and optionally a project and the
    end user it belongs to."""

    pieceName = serializers.CharField(max_length=100, help_text="A piece of the catalog.")
    displayName = serializers.CharField(min_length=1, max_length=255)
    value = ValueField()
    projectId = serializers.CharField(
        required=False, allow_null=True, max_length=ID_MAX_LENGTH, help_text="A project of the org."
    )
    externalId = external_id_field(
        help_text="The end user this connection belongs to; unique per org and piece."
    )


class ConnectionUpdate(StrictSerializer):
    """Any of the fields; absent ones are left as they are."""

    displayName = serializers.CharField(required=False, min_length=1, max_length=255)
    value = ValueField(required=False, help_text="Replaces the credentials; status -> ACTIVE.")
    status = _status_field(required=False)
