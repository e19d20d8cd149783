"""The operators' console: Django's admin with a dashboard index.

``WeavzAdminConfig`` replaces ``django.contrib.admin`` in INSTALLED_APPS so that ``admin.site``
(and every ``@admin.register``) is this site. Models are imported inside methods: this module is
loaded while the app registry is still being populated. No app imports this module (the audit
actor of a console change is ``orgs.audit.admin_actor``), so there is no cycle through it.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse


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
        """Counts and recent events, from the apps' selectors: a handful of aggregate queries."""
        from connections.selectors import connection_counts_by_status, piece_count
        from orgs.selectors import api_key_counts, org_and_project_counts, recent_audit_events

        by_status = connection_counts_by_status()
        changelist = reverse(f"{self.name}:connections_connection_changelist")
        return {
            "counts": {
                **org_and_project_counts(),
                "pieces": piece_count(),
                "connections": sum(by_status.values()),
            },
            "connection_statuses": [
                {"status": status, "count": count, "url": f"{changelist}?status__exact={status}"}
                for status, count in by_status.items()
            ],
            "keys": api_key_counts(),
            "recent_events": recent_audit_events(),
        }


class WeavzAdminConfig(AdminConfig):
    default_site = "weavz.admin_site.WeavzAdminSite"
