"""Operators' console for connection policies, written through ``policies.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from orgs.admin import DeletesThroughServiceAdmin, adopt
from orgs.audit import admin_actor
from policies.forms import PolicyForm
from policies.models import ConnectionPolicy
from policies.services import policy_delete, policy_put


@admin.register(ConnectionPolicy)
class ConnectionPolicyAdmin(DeletesThroughServiceAdmin):
    form = PolicyForm
    list_display = ["piece", "type", "org", "scope", "connection", "updated_at"]
    list_filter = ["org", "piece", "type"]
    search_fields = ["=id", "=project__id", "=connection__id"]
    list_select_related = ["org", "project", "piece", "connection"]
    ordering = ["-id"]
    readonly_fields = ["id", "created_at", "updated_at"]

    @admin.display(description="Applies to")
    def scope(self, policy: ConnectionPolicy) -> str:
        return str(policy.project) if policy.project_id else "Whole organization"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["org", "project", "piece", "type", "connection"]
        return fields if obj is None else ["id", *fields, "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # (org, project, piece) is the policy's identity; another one is another policy.
        if obj is None:
            return []
        return ["org", "project", "piece", *self.readonly_fields]

    def save_model(
        self, request: HttpRequest, obj: ConnectionPolicy, form: ModelForm[Any], change: bool
    ) -> None:
        data = form.cleaned_data
        connection = data.get("connection")
        saved, _created = policy_put(
            org=obj.org,
            piece_name=obj.piece_id,
            project_id=obj.project_id,
            type=data["type"],
            connection_id=connection.id if connection else None,
            actor=admin_actor(request),
        )
        adopt(obj, saved)

    def delete_through_service(self, obj: ConnectionPolicy, actor: str) -> None:
        policy_delete(policy=obj, actor=actor)
