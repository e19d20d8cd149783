"""The piece catalog and connections (credentials encrypted at rest)."""

from typing import Any

from django.db import models
from django.db.models import Q

from connections.fields import EncryptedJSONField
from orgs.models import Organization, Project
from weavz.api.ids import id_field
from weavz.api.timestamps import UpdatedAtField, created_at_field


class Piece(models.Model):
    """A third-party service this installation accepts credentials for."""

    name = models.SlugField(primary_key=True, max_length=100)
    display_name = models.CharField(max_length=255)
    auth_types = models.JSONField(default=list, help_text="Value types this piece accepts.")
    props = models.JSONField(
        default=dict,
        blank=True,
        help_text='CUSTOM_AUTH only: {"name": {"displayName": …, "required": …, "secret": …}}',
    )
    # NULL: each connection carries its own root (a base_url or instance_url prop).
    base_url = models.CharField(  # noqa: DJ001
        max_length=500,
        null=True,
        blank=True,
        help_text="The provider's API root, e.g. https://slack.com/api; empty when each "
        "connection carries its own (a CUSTOM_AUTH prop base_url or instance_url).",
    )
    auth = models.JSONField(
        default=dict,
        blank=True,
        help_text='Where each value type\'s credential goes, e.g. {"SECRET_TEXT": {"headers": '
        '{"Authorization": "Bot {secret_text}"}}}; keys headers, query, basic, path. A type '
        "left out gets the default (Bearer for OAUTH2 and SECRET_TEXT, Basic for BASIC_AUTH).",
    )
    oauth2 = models.JSONField(
        null=True,
        blank=True,
        help_text='{"authorizeUrl", "tokenUrl", "scopes": [...], "pkce": true, '
        '"tokenAuthMethod": "client_secret_basic" | "client_secret_post"}',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name


class ConnectionStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    ERROR = "ERROR"
    EXPIRED = "EXPIRED"


class Connection(models.Model):
    id = id_field("conn")
    # No index of its own: every index below starts with org, which serves org lookups too.
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="connections", db_index=False
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="connections", null=True, blank=True
    )
    piece = models.ForeignKey(Piece, on_delete=models.PROTECT, related_name="connections")
    display_name = models.CharField(max_length=255)
    # NULL, not "", for "no external id": the unique constraint applies only to set ones.
    external_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(
        max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    # The value's type is metadata (admin filters on it); the value itself is only ciphertext.
    value_type = models.CharField(max_length=16)
    value = EncryptedJSONField(label="connections.value")
    # Written by a call at most once a minute (actions), never by an edit.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = created_at_field()
    updated_at = UpdatedAtField()
    # OAuth2 token bookkeeping (oauth/refresh.py): metadata only, never a token. The expiry is
    # the value's `expires_at`, kept in the clear so the sweep finds expiring tokens by index.
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    refreshed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The last refresh attempt."
    )
    refresh_outcome = models.CharField(max_length=32, blank=True, default="", editable=False)
    # The first of the current run of failed refreshes (the give-up window starts here), how
    # many there were, and when the sweep may try again (back-off).
    refresh_failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    refresh_failures = models.PositiveIntegerField(default=0, editable=False)
    refresh_retry_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "piece", "external_id"],
                condition=Q(external_id__isnull=False),
                name="connection_unique_external_id",
            )
        ]
        # Every list filter plus the keyset order is one index range scan.
        indexes = [
            models.Index(fields=["org", "-id"], name="conn_org_page"),
            models.Index(fields=["org", "piece", "-id"], name="conn_org_piece_page"),
            models.Index(fields=["org", "project", "-id"], name="conn_org_project_page"),
            models.Index(fields=["org", "status", "-id"], name="conn_org_status_page"),
            models.Index(fields=["org", "external_id", "-id"], name="conn_org_external_page"),
            # The refresh sweep: ACTIVE tokens by expiry, and only those.
            models.Index(
                fields=["token_expires_at"],
                condition=Q(status="ACTIVE", token_expires_at__isnull=False),
                name="conn_refresh_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.id})"

    def __repr__(self) -> str:
        return f"<Connection {self.id} piece={self.piece_id}>"

    def decrypted_value(self) -> dict[str, Any]:
        """The plaintext credentials. Call only where they are used (reveal, execution)."""
        field = self._meta.get_field("value")
        assert isinstance(field, EncryptedJSONField)
        return field.unseal(self)
