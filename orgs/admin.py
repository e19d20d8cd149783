"""Operators' console for tenancy: organizations, projects, API keys and the audit log.

Every change is written through the services (or, where no service exists, beside an
``audit_record`` in the admin's own transaction) with the actor ``admin:<username>``. Orgs and
projects are not deletable here: the cascade would remove connections and audit history without
passing through the audited services. API keys are revoked, never edited or deleted.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, cast

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from orgs.audit import admin_actor, audit_record
from orgs.forms import ApiKeyCreateForm
from orgs.models import ApiKey, AuditEvent, Organization, Project
from orgs.selectors import rows_per_org
from orgs.services import api_key_create, api_key_revoke, project_create
from weavz.api.errors import Conflict

# The secret of a key made in this request; it lives only on the request that renders it.
_NEW_SECRET_ATTR = "_weavz_new_api_key_secret"  # noqa: S105 (an attribute name)


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service just created, for logging/redirects."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ConflictAsMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A save that loses a uniqueness race at the database (the service raises ``Conflict``
    after the form's own check passed) is an error message on the page, not a 500. Nothing
    was saved."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Conflict as exc:
            self.message_user(request, str(exc.detail), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Viewable only: nothing is added, changed or deleted here, not even by superusers (the
    rows are made elsewhere: the API, end users, the job engine)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """Rows shown beside their parent, never added or changed there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeletesThroughServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A delete, of one object or of a selection, is one call of the app's delete service per
    object, so it is checked and audited exactly like the API's."""

    def delete_through_service(self, obj: Any, actor: str) -> None:
        raise NotImplementedError

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_through_service(obj, admin_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        actor = admin_actor(request)
        for obj in queryset:
            self.delete_through_service(obj, actor)


def audit_change(request: HttpRequest, obj: Any, action: str, fields: list[str]) -> None:
    if fields:
        audit_record(
            org_id=obj.org_id if hasattr(obj, "org_id") else obj.pk,
            action=action,
            actor=admin_actor(request),
            target_id=obj.pk,
            metadata={"fields": fields},
        )


class ProjectInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Project
    fields = ["name", "id", "created_at"]
    readonly_fields = ["id", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = True


class ApiKeyInline(ReadOnlyInline):
    """Read-only: keys are made on the API key add page (which shows the secret once)."""

    model = ApiKey
    fields = readonly_fields = (
        "name",
        "prefix",
        "scope_list",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    show_change_link = True
    verbose_name_plural = "API keys (read-only; add one from the API keys page)"

    @admin.display(description="Scopes")
    def scope_list(self, key: ApiKey) -> str:
        return ", ".join(key.scopes) or "—"


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "id", "created_at", "project_count", "key_count"]
    # Apps above orgs add a count column of their own rows with ``add_count`` (orgs imports
    # none of them): model -> (annotation, label).
    extra_counts: ClassVar[dict[type[models.Model], tuple[str, str]]] = {}
    search_fields = ["id", "name"]
    fields = ["name", "id", "created_at"]
    readonly_fields = ["id", "created_at"]
    inlines = [ProjectInline, ApiKeyInline]
    ordering = ["-id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        extra = {name: rows_per_org(model) for model, (name, _label) in self.extra_counts.items()}
        queryset: QuerySet[Organization] = (
            super()
            .get_queryset(request)
            .annotate(
                n_projects=rows_per_org(Project),
                n_keys=rows_per_org(ApiKey, revoked_at__isnull=True),
                **extra,
            )
        )
        return queryset

    @classmethod
    def add_count(cls, model: type[models.Model], label: str) -> None:
        """Adds a column counting ``model``'s rows per organization (``model.org`` is the FK)."""
        name = f"n_{model._meta.model_name}"

        def column(self: OrganizationAdmin, org: Any) -> int:
            return int(getattr(org, name))

        setattr(cls, f"{name}_count", admin.display(description=label, ordering=name)(column))
        cls.extra_counts = {**cls.extra_counts, model: (name, label)}
        cls.list_display = [*cls.list_display, f"{name}_count"]

    @admin.display(description="Projects", ordering="n_projects")
    def project_count(self, org: Any) -> int:
        return int(org.n_projects)

    @admin.display(description="Unrevoked keys", ordering="n_keys")
    def key_count(self, org: Any) -> int:
        return int(org.n_keys)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: Organization,
        form: ModelForm[Any],
        change: bool,
    ) -> None:
        obj.save()
        if change:
            audit_change(request, obj, "org.updated", list(form.changed_data))
        else:
            audit_record(
                org_id=obj.id, action="org.created", actor=admin_actor(request), target_id=obj.id
            )

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: BaseInlineFormSet,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        if formset.model is not Project:
            super().save_formset(request, form, formset, change)
            return
        org = form.instance
        formset.save(commit=False)
        for index, project in enumerate(formset.new_objects):
            created = project_create(org=org, name=project.name, actor=admin_actor(request))
            adopt(project, created)
            formset.new_objects[index] = project
        for project, changed in formset.changed_objects:
            project.save()
            audit_change(request, project, "project.updated", list(changed))


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "id", "org", "created_at"]
    list_filter = ["org"]
    search_fields = ["id", "name"]
    list_select_related = ["org"]
    fields = ["org", "name", "id", "created_at"]
    readonly_fields = ["id", "created_at"]
    autocomplete_fields = ["org"]
    ordering = ["-id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A project never changes org: its connections and policies belong to that org.
        return ["org", *self.readonly_fields] if obj is not None else list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: Project,
        form: ModelForm[Any],
        change: bool,
    ) -> None:
        if change:
            obj.save()
            audit_change(request, obj, "project.updated", list(form.changed_data))
        else:
            adopt(obj, project_create(org=obj.org, name=obj.name, actor=admin_actor(request)))


class KeyStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() == "live":
            return queryset.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Keys are immutable once made: create (secret shown once), view, revoke."""

    list_display = [
        "name",
        "id",
        "org",
        "prefix",
        "scope_list",
        "created_at",
        "last_used_at",
        "expires_at",
        "state",
    ]
    list_filter = [KeyStateFilter, "org"]
    search_fields = ["id", "name", "prefix"]
    list_select_related = ["org"]
    ordering = ["-id"]
    actions = ["revoke_keys"]
    autocomplete_fields = ["org"]
    view_fields = [
        "org",
        "name",
        "id",
        "prefix",
        "scope_list",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "state",
    ]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            # A class made for this request by modelform_factory: setting it here is per request.
            cast(type[ApiKeyCreateForm], form).may_grant_reveal = request.user.is_superuser
        return form

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return list(ApiKeyCreateForm.Meta.fields) if obj is None else self.view_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else self.view_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("orgs.change_apikey")

    @admin.display(description="Scopes")
    def scope_list(self, key: ApiKey) -> str:
        return ", ".join(key.scopes) or "—"

    @admin.display(description="State")
    def state(self, key: ApiKey) -> str:
        if key.revoked_at is not None:
            return "revoked"
        if key.expires_at is not None and key.expires_at <= timezone.now():
            return "expired"
        return "live"

    @admin.action(description="Revoke selected API keys", permissions=["revoke"])
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        live = list(queryset.filter(revoked_at__isnull=True))
        for key in live:
            api_key_revoke(key=key, actor=admin_actor(request))
        self.message_user(request, f"Revoked {len(live)} API key(s).", messages.SUCCESS)

    def save_model(
        self,
        request: HttpRequest,
        obj: ApiKey,
        form: ModelForm[Any],
        change: bool,
    ) -> None:
        data = form.cleaned_data
        key, secret = api_key_create(
            org=data["org"],
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data["expires_at"],
            actor=admin_actor(request),
        )
        adopt(obj, key)
        setattr(request, _NEW_SECRET_ATTR, secret)

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The only page that shows the secret; it is never stored, so never shown again."""
        response = TemplateResponse(
            request,
            "admin/orgs/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "API key created",
                "key": obj,
                "secret": getattr(request, _NEW_SECRET_ATTR),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Append-only: no add, change or delete, not even for superusers."""

    list_display = ["created_at", "action", "actor", "target_id", "org", "metadata_summary"]
    list_filter = ["action", "actor", ("created_at", admin.DateFieldListFilter), "org"]
    search_fields = ["=id", "=target_id", "actor", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["org"]
    ordering = ["-id"]
    fields = readonly_fields = (
        "id",
        "created_at",
        "org",
        "action",
        "actor",
        "target_id",
        "metadata_pretty",
    )
    show_full_result_count = False
    actions = None

    @admin.display(description="Metadata")
    def metadata_summary(self, event: AuditEvent) -> str:
        text = ", ".join(f"{k}={v}" for k, v in sorted(event.metadata.items())) or "—"
        # Long metadata would push the list wider than the page; the event page shows it all.
        return text if len(text) <= 60 else text[:59] + "…"

    @admin.display(description="Metadata")
    def metadata_pretty(self, event: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(event.metadata, indent=2, sort_keys=True))
