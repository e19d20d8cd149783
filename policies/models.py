"""Connection policies: for a piece in a project (or the whole org), which connection is used."""

from django.db import models
from django.db.models import Q

from connections.models import Connection, Piece
from orgs.models import Organization, Project
from weavz.api.ids import id_field
from weavz.api.timestamps import UpdatedAtField, created_at_field


class PolicyType(models.TextChoices):
    ENFORCED_ORG = "ENFORCED_ORG"
    ENFORCED_PROJECT = "ENFORCED_PROJECT"
    USER_REQUIRED = "USER_REQUIRED"
    USER_WITH_DEFAULT = "USER_WITH_DEFAULT"


class ConnectionPolicy(models.Model):
    id = id_field("pol")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="policies")
    # NULL means the policy covers the whole organization.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="policies", null=True, blank=True
    )
    piece = models.ForeignKey(Piece, on_delete=models.PROTECT, related_name="policies")
    type = models.CharField(max_length=32, choices=PolicyType.choices)
    # SET_NULL so deleting a connection never deletes the rule; resolution then reports the
    # missing connection instead of silently falling back to something else.
    connection = models.ForeignKey(
        Connection, on_delete=models.SET_NULL, related_name="policies", null=True, blank=True
    )
    created_at = created_at_field()
    updated_at = UpdatedAtField()

    class Meta:
        verbose_name = "connection policy"
        verbose_name_plural = "connection policies"
        # NULLs are distinct in a plain unique index, so the org-level policy gets its own
        # partial index. Both double as the indexes resolution looks policies up by.
        constraints = [
            models.UniqueConstraint(
                fields=["org", "project", "piece"],
                condition=Q(project__isnull=False),
                name="policy_unique_project_piece",
            ),
            models.UniqueConstraint(
                fields=["org", "piece"],
                condition=Q(project__isnull=True),
                name="policy_unique_org_piece",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "-id"], name="policy_org_page"),
            models.Index(fields=["org", "piece", "-id"], name="policy_org_piece_page"),
            models.Index(fields=["org", "project", "-id"], name="policy_org_project_page"),
        ]

    def __str__(self) -> str:
        scope = self.project_id or "whole org"
        return f"{self.type} for {self.piece_id} ({scope}) ({self.id})"

    def __repr__(self) -> str:
        return f"<ConnectionPolicy {self.id} {self.type} piece={self.piece_id}>"
