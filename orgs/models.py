"""Tenancy and access: organizations, projects, API keys and the audit log."""

from typing import Any

from django.db import models

from weavz.api.ids import id_field


class Organization(models.Model):
    id = id_field("org")
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class Project(models.Model):
    id = id_field("proj")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["org", "-id"], name="project_org_page")]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class Scope(models.TextChoices):
    CONNECTIONS_READ = "connections:read"
    CONNECTIONS_WRITE = "connections:write"
    CONNECTIONS_REVEAL = "connections:reveal"
    CONNECTIONS_USE = "connections:use"
    POLICIES_READ = "policies:read"
    POLICIES_WRITE = "policies:write"
    PROJECTS_READ = "projects:read"
    PROJECTS_WRITE = "projects:write"
    AUDIT_READ = "audit:read"
    CONNECT_WRITE = "connect:write"
    OAUTH_APPS_READ = "oauth_apps:read"
    OAUTH_APPS_WRITE = "oauth_apps:write"
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_WRITE = "webhooks:write"


ALL_SCOPES: tuple[str, ...] = tuple(Scope.values)
# Revealing decrypted credentials is never granted by default; it must be asked for by name.
DEFAULT_SCOPES: tuple[str, ...] = tuple(s for s in ALL_SCOPES if s != Scope.CONNECTIONS_REVEAL)


class ApiKey(models.Model):
    """A bearer key. Only a SHA-256 of the secret is stored; the secret is shown once."""

    id = id_field("key")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=255)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} prefix={self.prefix}>"


class AuditEvent(models.Model):
    """Append-only record of who did what; holds ids and field names, never a value."""

    id = id_field("evt")
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_events", null=True, blank=True
    )
    action = models.CharField(max_length=64)
    actor = models.CharField(max_length=255)
    target_id = models.CharField(max_length=64, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["org", "-id"], name="audit_org_page"),
            models.Index(fields=["org", "action", "-id"], name="audit_org_action_page"),
            models.Index(fields=["org", "target_id", "-id"], name="audit_org_target_page"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor} on {self.target_id or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)


class IdempotencyRecord(models.Model):
    """The first response to a write sent with an ``Idempotency-Key`` (weavz/api/idempotency.py).

    The row is inserted before the write runs and in the same transaction, so a concurrent request
    with the same key waits on the unique index and then replays the committed response.
    """

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # HMAC-SHA256 (keyed with SECRET_KEY) of method, path and the canonical JSON body: same key +
    # other request = conflict; keyed so the stored digest cannot be used to test guesses.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "key"], name="idempotency_unique_org_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"idempotency {self.key} ({self.org_id})"
