"""Connect sessions' shapes (one ``Shape`` each) and the request body (API.md, "Connect
sessions")."""

from rest_framework import serializers

from connect.models import ConnectSession, SessionStatus
from connect.selectors import session_status
from connect.services import DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS
from weavz.api.ids import ID_MAX_LENGTH
from weavz.api.render import Shape, Timestamp
from weavz.api.serializers import StrictSerializer


def _status_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=SessionStatus.choices, help_text="EXPIRED once past `expiresAt` while PENDING."
    )


def _error(session: ConnectSession) -> str | None:
    return session.error or None


CONNECT_SESSION = Shape(
    "ConnectSession",
    id=("id", serializers.CharField()),
    status=(session_status, _status_field()),
    pieceName=("piece_id", serializers.CharField()),
    externalId=("external_id", serializers.CharField()),
    projectId=("project_id", serializers.CharField(allow_null=True)),
    connectionId=(
        "connection_id",
        serializers.CharField(allow_null=True, help_text="Once COMPLETED: the connection."),
    ),
    error=(_error, serializers.CharField(allow_null=True, help_text="Why it FAILED.")),
    expiresAt=("expires_at", Timestamp()),
    completedAt=("completed_at", Timestamp(allow_null=True)),
)
render_connect_session = CONNECT_SESSION.render

# A session just created (``connect.services.NewSession``): the one time its token is shown.
NEW_CONNECT_SESSION = Shape(
    "NewConnectSession",
    id=("session.id", serializers.CharField()),
    token=("token", serializers.CharField(help_text="Shown once; only its hash is stored.")),
    connectUrl=(
        "connect_url",
        serializers.URLField(help_text="The hosted page to send the end user to."),
    ),
    status=(lambda new: session_status(new.session), _status_field()),
    expiresAt=("session.expires_at", Timestamp()),
)
render_new_connect_session = NEW_CONNECT_SESSION.render


def _optional_id(help_text: str) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_null=True, max_length=ID_MAX_LENGTH, help_text=help_text
    )


def _redirect_uri(help_text: str) -> serializers.URLField:
    return serializers.URLField(
        required=False, allow_null=True, max_length=2000, help_text=help_text
    )


class ConnectSessionCreate(StrictSerializer):
    """Which end user connects which piece (in which project), and where their browser goes
    afterwards."""

    pieceName = serializers.CharField(max_length=100, help_text="A piece of the catalog.")
    externalId = serializers.CharField(
        min_length=1,
        max_length=255,
        trim_whitespace=False,
        help_text="The end user the connection will belong to.",
    )
    projectId = _optional_id("A project of the org.")
    connectionId = _optional_id("Reconnect: this end user's connection keeps its id.")
    displayName = serializers.CharField(
        required=False, allow_null=True, min_length=1, max_length=255
    )
    successRedirectUri = _redirect_uri("One of the org's allowed redirect URIs.")
    errorRedirectUri = _redirect_uri("One of the org's allowed redirect URIs.")
    ttlSeconds = serializers.IntegerField(
        default=DEFAULT_TTL_SECONDS,
        min_value=MIN_TTL_SECONDS,
        max_value=MAX_TTL_SECONDS,
    )
