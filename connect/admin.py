"""Operators' console: each org's allowed redirect URIs (audited), and connect sessions (read-only).

An allowed URI is added or removed, never edited: an edit would be a removal and an addition.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from connect.models import AllowedRedirectUri, ConnectSession
from connect.selectors import session_status
from connect.services import redirect_uri_add, redirect_uri_remove
from orgs.admin import DeletesThroughServiceAdmin, ReadOnlyAdmin, adopt
from orgs.audit import admin_actor


@admin.register(AllowedRedirectUri)
class AllowedRedirectUriAdmin(DeletesThroughServiceAdmin):
    list_display = ["uri", "org", "created_at"]
    list_filter = ["org"]
    search_fields = ["uri", "=org__id"]
    list_select_related = ["org"]
    ordering = ["org", "uri"]
    fields = ["org", "uri"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else ["org", "uri", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewable, not editable: the change page is read-only.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: AllowedRedirectUri, form: ModelForm[Any], change: bool
    ) -> None:
        saved = redirect_uri_add(org=obj.org, uri=obj.uri, actor=admin_actor(request))
        adopt(obj, saved)

    def delete_through_service(self, obj: AllowedRedirectUri, actor: str) -> None:
        redirect_uri_remove(allowed=obj, actor=actor)


@admin.register(ConnectSession)
class ConnectSessionAdmin(ReadOnlyAdmin):
    """Read-only: sessions are made through the API and completed by end users."""

    list_display = ["id", "piece", "external_id", "org", "shown_status", "expires_at"]
    list_filter = ["status", "piece", "org"]
    search_fields = ["=id", "=external_id", "=connection__id"]
    list_select_related = ["org", "piece"]
    ordering = ["-id"]
    fields = readonly_fields = (
        "id",
        "org",
        "project",
        "piece",
        "external_id",
        "display_name",
        "connection",
        "shown_status",
        "error",
        "success_redirect_uri",
        "error_redirect_uri",
        "created_by",
        "created_at",
        "expires_at",
        "completed_at",
    )
    actions = None

    @admin.display(description="Status")
    def shown_status(self, session: ConnectSession) -> str:
        return session_status(session)
