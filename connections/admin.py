"""Operators' console for the piece catalog and connections.

Connection writes go through ``connections.services`` so they are validated and audited exactly
as API writes are, with the actor ``admin:<username>``. The stored value (and its ciphertext) is
never a form field, a column, a readonly field or part of a ``__str__``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from connections.fields import Sealed
from connections.forms import ConnectionForm, PieceForm
from connections.models import Connection, ConnectionStatus, Piece
from connections.services import connection_create, connection_delete, connection_update
from connections.values import VALUE_TYPES
from orgs.admin import ConflictAsMessageAdmin, DeletesThroughServiceAdmin, OrganizationAdmin, adopt
from orgs.audit import admin_actor, audit_record


@admin.register(Piece)
class PieceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = PieceForm
    list_display = ["name", "display_name", "auth_type_list", "base_url", "updated_at"]
    search_fields = ["name", "display_name"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The name is the key connections and policies refer to.
        return ["name", *self.readonly_fields] if obj is not None else list(self.readonly_fields)

    @admin.display(description="Auth types")
    def auth_type_list(self, piece: Piece) -> str:
        return ", ".join(piece.auth_types) or "—"

    def save_model(
        self,
        request: HttpRequest,
        obj: Piece,
        form: ModelForm[Any],
        change: bool,
    ) -> None:
        obj.save()
        # Pieces belong to the installation, not to an org: their events have no org.
        if change:
            fields = list(form.changed_data)
            if fields:
                audit_record(
                    org_id=None,
                    action="piece.updated",
                    actor=admin_actor(request),
                    target_id=obj.name,
                    metadata={"fields": fields},
                )
        else:
            audit_record(
                org_id=None, action="piece.created", actor=admin_actor(request), target_id=obj.name
            )

    def delete_model(self, request: HttpRequest, obj: Piece) -> None:
        audit_record(
            org_id=None, action="piece.deleted", actor=admin_actor(request), target_id=obj.name
        )
        obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Piece]) -> None:
        for piece in queryset:
            self.delete_model(request, piece)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class HasExternalIdFilter(admin.SimpleListFilter):
    title = "external id"
    parameter_name = "has_external_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "End user's (has external id)"), ("no", "Shared (no external id)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(external_id__isnull=False)
        if self.value() == "no":
            return queryset.filter(external_id__isnull=True)
        return queryset


class ValueTypeFilter(admin.SimpleListFilter):
    """The known types, without a SELECT DISTINCT over every connection."""

    title = "value type"
    parameter_name = "value_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(t, t) for t in VALUE_TYPES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(value_type=self.value()) if self.value() else queryset


@admin.register(Connection)
class ConnectionAdmin(DeletesThroughServiceAdmin, ConflictAsMessageAdmin):
    form = ConnectionForm
    list_display = [
        "display_name",
        "id",
        "org",
        "project",
        "piece",
        "external_id",
        "value_type",
        "status",
        "token_expires_at",
        "last_used_at",
        "updated_at",
    ]
    list_filter = ["org", "piece", "status", ValueTypeFilter, HasExternalIdFilter]
    search_fields = ["=id", "display_name", "external_id"]
    list_select_related = ["org", "project", "piece"]
    ordering = ["-id"]
    show_full_result_count = False
    actions = ["mark_error", "mark_active"]
    readonly_fields = [
        "id",
        "credentials_info",
        "token_info",
        "last_used_at",
        "created_at",
        "updated_at",
    ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["org", "project", "piece", "display_name", "external_id", "credentials"]
        return [
            "id",
            "org",
            "project",
            "piece",
            "external_id",
            "display_name",
            "status",
            "credentials_info",
            "token_info",
            "credentials",
            "last_used_at",
            "created_at",
            "updated_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        # What the API cannot change after creation, the console cannot either.
        return ["org", "project", "piece", "external_id", *self.readonly_fields]

    @admin.display(description="Stored credentials")
    def credentials_info(self, connection: Connection) -> str:
        sealed = connection.value
        kid = sealed.kid if isinstance(sealed, Sealed) else "?"
        return f"{connection.value_type}, encrypted (key {kid}). Never displayed."

    @admin.display(description="OAuth2 token")
    def token_info(self, connection: Connection) -> str:
        """Expiry and the last refresh's outcome: bookkeeping only, never a token."""
        if connection.value_type != "OAUTH2":
            return "—"
        expires = connection.token_expires_at
        parts = [f"expires {_when(expires)}" if expires else "no expiry given (refreshed on a 401)"]
        if connection.refreshed_at is not None:
            parts.append(
                f"last refresh {connection.refresh_outcome or '—'} at "
                f"{_when(connection.refreshed_at)}"
            )
        else:
            parts.append("never refreshed")
        if connection.refresh_failing_since is not None:
            parts.append(
                f"failing since {_when(connection.refresh_failing_since)} "
                f"({connection.refresh_failures} attempts)"
            )
        if connection.refresh_retry_at is not None:
            parts.append(f"next attempt {_when(connection.refresh_retry_at)}")
        return "; ".join(parts) + "."

    def save_model(
        self,
        request: HttpRequest,
        obj: Connection,
        form: ModelForm[Any],
        change: bool,
    ) -> None:
        data = form.cleaned_data
        actor = admin_actor(request)
        if not change:
            project = data.get("project")
            created = connection_create(
                org_id=data["org"].id,
                piece_name=data["piece"].name,
                project_id=project.id if project else None,
                display_name=data["display_name"],
                external_id=data.get("external_id"),
                value=data["credentials"],
                actor=actor,
            )
            adopt(obj, created)
            return
        # The form already wrote its changes onto ``obj``; the service compares with the row.
        current = Connection.objects.select_for_update().select_related("piece").get(pk=obj.pk)
        changed = set(form.changed_data)
        updated = connection_update(
            connection=current,
            actor=actor,
            display_name=data["display_name"] if "display_name" in changed else None,
            value=data.get("credentials"),
            status=data["status"] if "status" in changed else None,
        )
        adopt(obj, updated)

    def delete_through_service(self, obj: Connection, actor: str) -> None:
        connection_delete(connection=obj, actor=actor)

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[Connection], status: ConnectionStatus
    ) -> None:
        changed = 0
        for connection in queryset.exclude(status=status).select_related("piece"):
            connection_update(connection=connection, actor=admin_actor(request), status=status)
            changed += 1
        self.message_user(
            request, f"Marked {changed} connection(s) {status.value}.", messages.SUCCESS
        )

    @admin.action(description="Mark selected connections ERROR", permissions=["change"])
    def mark_error(self, request: HttpRequest, queryset: QuerySet[Connection]) -> None:
        self._set_status(request, queryset, ConnectionStatus.ERROR)

    @admin.action(description="Mark selected connections ACTIVE", permissions=["change"])
    def mark_active(self, request: HttpRequest, queryset: QuerySet[Connection]) -> None:
        self._set_status(request, queryset, ConnectionStatus.ACTIVE)


OrganizationAdmin.add_count(Connection, "Connections")
