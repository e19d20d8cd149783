"""Every read of organizations, projects, API keys and the audit log (API, console, tests)."""

from typing import Any

from django.db.models import Count, Model, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from orgs.models import ApiKey, AuditEvent, Organization, Project
from weavz.api.filters import Filter, Filters
from weavz.api.pagination import Page, PageRequest, keyset_page
from weavz.api.sql import org_queryset

PROJECT_FILTERS = Filters()
AUDIT_FILTERS = Filters(
    Filter(
        "action", "action", "Only events of this action, e.g. `connection.created`.", max_length=64
    ),
    Filter("targetId", "target_id", "Only events about this object id.", max_length=64),
)


def project_get(*, org_id: str, project_id: str) -> Project | None:
    return org_queryset(Project, org_id).filter(pk=project_id).first()


def project_page(*, org_id: str, page: PageRequest) -> Page[Project]:
    return keyset_page(org_queryset(Project, org_id), page)


def audit_page(*, org_id: str, filters: dict[str, str], page: PageRequest) -> Page[AuditEvent]:
    return keyset_page(org_queryset(AuditEvent, org_id).filter(**filters), page)


def rows_per_org(model: type[Model], **filters: Any) -> Coalesce:
    """An annotation counting ``model``'s rows of each organization (a correlated subquery:
    COUNTs over joins would multiply projects × keys × connections)."""
    rows = model._default_manager.filter(org=OuterRef("pk"), **filters).order_by()
    return Coalesce(Subquery(rows.values("org").annotate(n=Count("*")).values("n")), 0)


def api_key_counts() -> dict[str, int]:
    """Keys over every organization: total, revoked, expired and live (the console)."""
    keys = ApiKey.objects.aggregate(
        total=Count("id"),
        revoked=Count("id", filter=Q(revoked_at__isnull=False)),
        expired=Count("id", filter=Q(revoked_at__isnull=True, expires_at__lte=timezone.now())),
    )
    return {**keys, "live": keys["total"] - keys["revoked"] - keys["expired"]}


def org_and_project_counts() -> dict[str, int]:
    return {"orgs": Organization.objects.count(), "projects": Project.objects.count()}


def recent_audit_events(limit: int = 10) -> list[AuditEvent]:
    return list(AuditEvent.objects.select_related("org").order_by("-id")[:limit])
