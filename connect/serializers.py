"""Request bodies and the rendered shape of a connect session (API.md, "Connect sessions")."""

from typing import Any

from django.conf import settings
from rest_framework import serializers

from connect.models import ConnectSession, SessionStatus
from connect.selectors import session_status
from connect.services import MAX_TTL_SECONDS, MIN_TTL_SECONDS
from weavz.api.render import iso
from weavz.api.serializers import StrictSerializer


def connect_url(token: str) -> str:
    return f"{settings.PUBLIC_URL}/connect/{token}"


def render_connect_session(session: ConnectSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "status": session_status(session),
        "pieceName": session.piece_id,
        "externalId": session.external_id,
        "projectId": session.project_id,
        "connectionId": session.connection_id,
        "error": session.error or None,
        "expiresAt": iso(session.expires_at),
        "completedAt": iso(session.completed_at),
    }


def render_new_connect_session(session: ConnectSession, token: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "token": token,
        "connectUrl": connect_url(token),
        "status": session_status(session),
        "expiresAt": iso(session.expires_at),
    }


class ConnectSessionCreateSerializer(StrictSerializer):
    pieceName = serializers.CharField(max_length=100)
    externalId = serializers.CharField(min_length=1, max_length=255, trim_whitespace=False)
    projectId = serializers.CharField(required=False, allow_null=True, max_length=40)
    connectionId = serializers.CharField(required=False, allow_null=True, max_length=40)
    displayName = serializers.CharField(
        required=False, allow_null=True, min_length=1, max_length=255
    )
    successRedirectUri = serializers.URLField(required=False, allow_null=True, max_length=2000)
    errorRedirectUri = serializers.URLField(required=False, allow_null=True, max_length=2000)
    ttlSeconds = serializers.IntegerField(
        required=False, min_value=MIN_TTL_SECONDS, max_value=MAX_TTL_SECONDS
    )


class NewConnectSessionSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    token = serializers.CharField(help_text="Shown once; only its hash is stored.")
    connectUrl = serializers.URLField()
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    expiresAt = serializers.DateTimeField()


class ConnectSessionSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    pieceName = serializers.CharField()
    externalId = serializers.CharField()
    projectId = serializers.CharField(allow_null=True)
    connectionId = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    expiresAt = serializers.DateTimeField()
    completedAt = serializers.DateTimeField(allow_null=True)
