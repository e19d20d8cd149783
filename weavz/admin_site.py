"""The operators' console: Django's admin with a dashboard index.

``WeavzAdminConfig`` replaces ``django.contrib.admin`` in INSTALLED_APPS so that ``admin.site``
(and every ``@admin.register``) is this site. Models are imported inside methods: this module is
loaded while the app registry is still being populated. No app imports this module (the audit
actor of a console change is ``orgs.audit.admin_actor``), so there is no cycle through it.
"""

import math
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

_STRICT_CHANGELISTS: dict[type[ChangeList], type[ChangeList]] = {}


def _list_filter_lookups_only(changelist: type[ChangeList]) -> type[ChangeList]:
    strict = _STRICT_CHANGELISTS.get(changelist)
    if strict is None:
        strict = _STRICT_CHANGELISTS[changelist] = _make_strict(changelist)
    return strict


def _make_strict(changelist: type[ChangeList]) -> type[ChangeList]:
    class ListFilterLookupsOnly(changelist):  # type: ignore[valid-type,misc]
        """Refuses every lookup in the query string that no list filter consumed."""

        def get_filters(self, request: HttpRequest) -> Any:
            specs, has_filters, remaining, may_have_duplicates, active = super().get_filters(
                request
            )
            # What the date hierarchy turned its year/month/day into.
            allowed = {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
            refused = sorted(set(remaining) - allowed if self.date_hierarchy else set(remaining))
            if refused:
                raise DisallowedModelAdminLookup(f"Filtering by {refused[0]} not allowed")
            return specs, has_filters, remaining, may_have_duplicates, active

    return ListFilterLookupsOnly


class OnlyListFilterLookups:
    """Every admin of the console filters only through its declared list filters (and date
    hierarchy). Django's admin otherwise applies any lookup on the model's own fields from the
    query string (``?value__regex=…``, ``?secret_hash__startswith=…``), which lets a view-only
    user recover, one yes/no page at a time, what the pages never show."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        changelist: type[ChangeList] = super().get_changelist(request, **kwargs)  # type: ignore[misc]
        return _list_filter_lookups_only(changelist)


class WeavzAdminSite(admin.AdminSite):
    site_header = "Weavz Connections"
    site_title = "Weavz console"
    index_title = "Operator console"
    index_template = "admin/weavz_index.html"

    @property
    def login_form(self) -> Any:  # type: ignore[override]
        """The sign-in form with the failed-sign-in limit (weavz/console_login.py)."""
        from weavz.console_login import ConsoleAuthenticationForm

        return ConsoleAuthenticationForm

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        from weavz.console_login import LOCKED_ATTR

        response = super().login(request, extra_context)
        wait = getattr(request, LOCKED_ATTR, None)
        if wait is not None:
            # The page explains; the status and Retry-After say it to scripts and monitoring.
            response.status_code = 429
            response["Retry-After"] = str(max(1, math.ceil(wait)))
        return response

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every admin registered here, this project's or a library's (users, groups), gets
        ``OnlyListFilterLookups``: no admin can forget it."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, OnlyListFilterLookups):
            admin_class = type(
                admin_class.__name__,
                (OnlyListFilterLookups, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

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
