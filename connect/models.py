"""Connect sessions: a hosted page where an end user supplies their own credentials.

The session's token is a 256-bit secret kept only as a SHA-256 hash (like API keys). Every
one-time step (the token's exchange for a cookie, the OAuth ``state``, the completion) is a
conditional UPDATE, so the database decides races and expiry, not the process.
"""

from django.db import models

from connections.fields import EncryptedJSONField
from connections.models import Connection, Piece
from orgs.models import Organization, Project
from weavz.api.ids import id_field
from weavz.api.timestamps import UpdatedAtField, created_at_field


class AllowedRedirectUri(models.Model):
    """A URI a connect session may send the end user's browser to, set by operators."""

    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="allowed_redirect_uris"
    )
    uri = models.URLField(max_length=2000)
    created_at = created_at_field()

    class Meta:
        verbose_name = "allowed redirect URI"
        constraints = [
            models.UniqueConstraint(fields=["org", "uri"], name="redirect_uri_unique_org_uri")
        ]

    def __str__(self) -> str:
        return self.uri


class SessionStatus(models.TextChoices):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    # Never stored: a PENDING session past ``expires_at`` is shown as EXPIRED.
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


class ConnectSession(models.Model):
    id = id_field("cs")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    piece = models.ForeignKey(Piece, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True, default="")
    # The reconnect target when given at creation; the created connection once completed.
    connection = models.ForeignKey(
        Connection, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    success_redirect_uri = models.URLField(max_length=2000, blank=True, default="")
    error_redirect_uri = models.URLField(max_length=2000, blank=True, default="")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_exchanged_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.PENDING
    )
    error = models.CharField(max_length=500, blank=True, default="")
    created_by = models.CharField(max_length=255)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = created_at_field()
    updated_at = UpdatedAtField()

    class Meta:
        indexes = [models.Index(fields=["org", "-id"], name="connect_session_org_page")]

    def __str__(self) -> str:
        return f"{self.piece_id} for {self.external_id} ({self.id})"

    def __repr__(self) -> str:
        return f"<ConnectSession {self.id} {self.status}>"


class OAuthAttempt(models.Model):
    """One press of "Connect with …": the one-time ``state`` (hashed) and the PKCE verifier
    (sealed), bound to the session. The callback consumes it once, by a conditional UPDATE."""

    # A prefixed id set before the insert: the sealed verifier's AAD binds it to the row id.
    id = id_field("csa")
    # The sealed verifier is bound to the org too (rotation and verify read it from the row).
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(ConnectSession, on_delete=models.CASCADE, related_name="+")
    state_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_verifier = EncryptedJSONField(label="connect.code_verifier")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = created_at_field()

    def __str__(self) -> str:
        return f"OAuth attempt of {self.session_id}"

    def __repr__(self) -> str:
        return f"<OAuthAttempt {self.pk} session={self.session_id}>"

    def verifier(self) -> str:
        field = self._meta.get_field("code_verifier")
        assert isinstance(field, EncryptedJSONField)
        verifier: str = field.unseal(self)["code_verifier"]
        return verifier
