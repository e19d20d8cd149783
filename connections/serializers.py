"""Input serializers (validation) and fast output rendering for the Connections API.

Output is rendered by plain functions (``render_connection``): a connection object is read on
every action, and DRF field machinery costs more than the query. The ``*Serializer`` output
classes describe the same shapes for the OpenAPI schema.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from connections.models import Connection, ConnectionStatus, Piece
from connections.selectors import ConnectionRow
from connections.values import VALUE_TYPES
from weavz.api.render import iso
from weavz.api.serializers import StrictSerializer


def render_connection(connection: Connection | ConnectionRow) -> dict[str, Any]:
    return {
        "id": connection.id,
        "pieceName": connection.piece_id,
        "displayName": connection.display_name,
        "externalId": connection.external_id,
        "projectId": connection.project_id,
        "status": connection.status,
        "createdAt": iso(connection.created_at),
        "updatedAt": iso(connection.updated_at),
        "lastUsedAt": iso(connection.last_used_at),
    }


def render_piece(piece: Piece) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": piece.name,
        "displayName": piece.display_name,
        "authTypes": piece.auth_types,
    }
    if "CUSTOM_AUTH" in piece.auth_types:
        body["props"] = piece.props
    body["baseUrl"] = piece.base_url or None
    body["auth"] = piece.auth
    body["oauth2"] = piece.oauth2
    return body


_VALUE_SCHEMA = {
    "type": "object",
    "description": "Credentials; `type` is one of " + ", ".join(VALUE_TYPES) + ". "
    "Keys inside are snake_case (see API.md, value types).",
    "required": ["type"],
    "properties": {"type": {"type": "string", "enum": list(VALUE_TYPES)}},
    "additionalProperties": True,
}


@extend_schema_field(_VALUE_SCHEMA)
class ValueField(serializers.JSONField):
    """The credentials object; its contents are checked against the piece by the service."""


class ConnectionSerializer(serializers.Serializer[Connection]):
    id = serializers.CharField()
    pieceName = serializers.CharField()
    displayName = serializers.CharField()
    externalId = serializers.CharField(allow_null=True)
    projectId = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=ConnectionStatus.choices)
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()
    lastUsedAt = serializers.DateTimeField(
        allow_null=True, help_text="When a call last used it (updated at most once a minute)."
    )


class RevealedConnectionSerializer(ConnectionSerializer):
    value = ValueField(required=False)


class ConnectionCreateSerializer(StrictSerializer):
    pieceName = serializers.CharField(max_length=100)
    displayName = serializers.CharField(min_length=1, max_length=255)
    value = ValueField()
    projectId = serializers.CharField(required=False, allow_null=True, max_length=40)
    externalId = serializers.CharField(
        required=False, allow_null=True, min_length=1, max_length=255, trim_whitespace=False
    )


class ConnectionUpdateSerializer(StrictSerializer):
    displayName = serializers.CharField(required=False, min_length=1, max_length=255)
    value = ValueField(required=False)
    status = serializers.ChoiceField(required=False, choices=ConnectionStatus.choices)


class OAuth2SettingsSerializer(serializers.Serializer[Any]):
    authorizeUrl = serializers.CharField()
    tokenUrl = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    pkce = serializers.BooleanField()
    tokenAuthMethod = serializers.ChoiceField(choices=["client_secret_basic", "client_secret_post"])


class PieceSerializer(serializers.Serializer[Piece]):
    name = serializers.CharField()
    displayName = serializers.CharField()
    authTypes = serializers.ListField(child=serializers.ChoiceField(choices=VALUE_TYPES))
    props = serializers.DictField(required=False)
    baseUrl = serializers.CharField(
        allow_null=True, help_text="The API root; null when each connection carries its own."
    )
    auth = serializers.DictField(
        help_text="Per value type: where the credential goes (headers, query, basic, path)."
    )
    oauth2 = OAuth2SettingsSerializer(allow_null=True)


@extend_schema_serializer(many=False)  # already the whole page: not an array of pages
class PieceListSerializer(serializers.Serializer[Any]):
    data = PieceSerializer(many=True)  # type: ignore[assignment]  # the field, not .data
    next = serializers.CharField(allow_null=True)


class SuccessSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
