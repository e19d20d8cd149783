from enum import StrEnum


class WebhookEventType(StrEnum):
    CONNECTION_CREATED = "connection.created"
    CONNECTION_DELETED = "connection.deleted"
    CONNECTION_REFRESH_FAILED = "connection.refresh_failed"
    CONNECTION_STATUS_CHANGED = "connection.status_changed"
    CONNECTION_UPDATED = "connection.updated"
    CONNECT_SESSION_COMPLETED = "connect_session.completed"
    CONNECT_SESSION_FAILED = "connect_session.failed"
    VALUE_7 = "*"

    def __str__(self) -> str:
        return str(self.value)
