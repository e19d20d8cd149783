"""The operators' console: Django's admin with a dashboard index.

``WeavzAdminConfig`` replaces ``django.contrib.admin`` in INSTALLED_APPS so that ``admin.site``
(and every ``@admin.register``) is this site. Models are imported inside methods: this module is
loaded while the app registry is still being populated.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone


def admin_actor(request: HttpRequest) -> str:
    """The audit actor for a change made in the console."""
    return f"admin:{request.user.get_username()}"


class WeavzAdminSite(admin.AdminSite):
    site_header = "Weavz Connections"
    site_title = "Weavz console"
    index_title = "Operator console"
    index_template = "admin/weavz_index.html"

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        return super().index(request, {**self.dashboard(), **(extra_context or {})})

    def dashboard(self) -> dict[str, Any]:
        """Counts and recent events: a handful of aggregate queries, whatever the data size."""
        from connections.models import Connection, ConnectionStatus, Piece
        from orgs.models import ApiKey, AuditEvent, Organization, Project

        by_status = dict(
            Connection.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        changelist = reverse(f"{self.name}:connections_connection_changelist")
        now = timezone.now()
        keys = ApiKey.objects.aggregate(
            total=Count("id"),
            revoked=Count("id", filter=Q(revoked_at__isnull=False)),
            expired=Count("id", filter=Q(revoked_at__isnull=True, expires_at__lte=now)),
        )
        return {
            "counts": {
                "orgs": Organization.objects.count(),
                "projects": Project.objects.count(),
                "pieces": Piece.objects.count(),
                "connections": sum(by_status.values()),
            },
            "connection_statuses": [
                {
                    "status": status,
                    "count": by_status.get(status, 0),
                    "url": f"{changelist}?status__exact={status}",
                }
                for status in ConnectionStatus.values
            ],
            "keys": {**keys, "live": keys["total"] - keys["revoked"] - keys["expired"]},
            "recent_events": list(AuditEvent.objects.select_related("org").order_by("-id")[:10]),
        }


class WeavzAdminConfig(AdminConfig):
    default_site = "weavz.admin_site.WeavzAdminSite"
