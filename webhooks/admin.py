"""Operators' console for webhooks: endpoints (the secret shown once, rotation, a test ping) and
deliveries with their attempts (read-only; a retry action).

Every change goes through webhooks/services.py, audited as ``admin:<username>``. A signing secret
appears only on the page rendered right after it was made, never again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from connections.fields import Sealed
from orgs.admin import DeletesThroughServiceAdmin, ReadOnlyAdmin, ReadOnlyInline, adopt
from orgs.audit import admin_actor
from weavz.api.errors import ApiError
from webhooks.forms import WebhookEndpointForm
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services import (
    delivery_retry,
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_test,
    endpoint_update,
)

# The secrets made in this request; they live only on the request that renders them.
_NEW_SECRETS_ATTR = "_weavz_new_webhook_secrets"


def _secrets_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    title: str,
    made: list[tuple[WebhookEndpoint, str]],
) -> TemplateResponse:
    response = TemplateResponse(
        request,
        "admin/webhooks/webhookendpoint/secrets.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            "made": made,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _queue_each(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    objects: QuerySet[Any],
    queue: Callable[[Any], None],
    what: str,
) -> None:
    """Runs ``queue`` on each selected object; a refusal (a disabled endpoint) is reported for
    that object and the others still go."""
    queued = 0
    for obj in objects:
        try:
            queue(obj)
            queued += 1
        except ApiError as exc:
            model_admin.message_user(request, f"{obj.pk}: {exc.detail}", messages.ERROR)
    if queued:
        model_admin.message_user(request, f"Queued {queued} {what}.", messages.SUCCESS)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(DeletesThroughServiceAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "id", "org", "event_list", "enabled", "created_at"]
    list_filter = ["enabled", "org"]
    search_fields = ["=id", "url"]
    list_select_related = ["org"]
    ordering = ["-id"]
    autocomplete_fields = ["org"]
    actions = ["rotate_secrets", "send_test_pings"]
    readonly_fields = [
        "id",
        "disabled_reason",
        "secret_info",
        "deliveries_link",
        "created_at",
        "updated_at",
    ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["org", "url", "events"]
        return [
            "id",
            "org",
            "url",
            "events",
            "enabled",
            "disabled_reason",
            "secret_info",
            "deliveries_link",
            "created_at",
            "updated_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else ["org", *self.readonly_fields]

    @admin.display(description="Events")
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events) or "—"

    @admin.display(description="Signing secret")
    def secret_info(self, endpoint: WebhookEndpoint) -> str:
        sealed = endpoint.signing_secrets
        kid = sealed.kid if isinstance(sealed, Sealed) else "?"
        overlap = endpoint.previous_secret_expires_at
        extra = (
            f"; the previous one also signs until {overlap:%Y-%m-%d %H:%M} UTC" if overlap else ""
        )
        return f"Encrypted (key {kid}); shown only when made{extra}. Never displayed."

    @admin.display(description="Deliveries")
    def deliveries_link(self, endpoint: WebhookEndpoint) -> str:
        url = reverse("admin:webhooks_webhookdelivery_changelist")
        return format_html('<a href="{}?endpoint__id__exact={}">Deliveries</a>', url, endpoint.id)

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: ModelForm[Any], change: bool
    ) -> None:
        data = form.cleaned_data
        actor = admin_actor(request)
        if not change:
            created, secret = endpoint_create(
                org=data["org"], url=data["url"], events=data["events"], actor=actor
            )
            adopt(obj, created)
            setattr(request, _NEW_SECRETS_ATTR, [(created, secret)])
            return
        current = WebhookEndpoint.objects.select_for_update().get(pk=obj.pk)
        changed = set(form.changed_data)
        adopt(
            obj,
            endpoint_update(
                endpoint=current,
                actor=actor,
                url=data["url"] if "url" in changed else None,
                events=data["events"] if "events" in changed else None,
                enabled=data["enabled"] if "enabled" in changed else None,
            ),
        )

    def response_add(
        self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The only page that shows the new endpoint's secret."""
        return _secrets_page(
            self, request, "Webhook endpoint created", getattr(request, _NEW_SECRETS_ATTR)
        )

    def delete_through_service(self, obj: WebhookEndpoint, actor: str) -> None:
        endpoint_delete(endpoint=obj, actor=actor)

    @admin.action(
        description="Rotate the signing secret of selected endpoints", permissions=["change"]
    )
    def rotate_secrets(
        self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]
    ) -> TemplateResponse:
        made = [
            endpoint_rotate_secret(endpoint=endpoint, actor=admin_actor(request))
            for endpoint in queryset
        ]
        return _secrets_page(self, request, "Signing secrets rotated", made)

    @admin.action(description="Send a test ping to selected endpoints", permissions=["change"])
    def send_test_pings(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        def ping(endpoint: WebhookEndpoint) -> None:
            endpoint_test(endpoint=endpoint, actor=admin_actor(request))

        _queue_each(self, request, queryset, ping, "test ping(s)")


class WebhookAttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = readonly_fields = ("number", "created_at", "status_code", "error", "duration_ms")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """Read-only, like the audit log; the one change is a retry, through the service."""

    list_display = [
        "id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "org"]
    search_fields = ["=id", "=event__id", "=endpoint__id"]
    list_select_related = ["endpoint", "event"]
    ordering = ["-id"]
    show_full_result_count = False
    actions = ["retry_deliveries"]
    inlines = [WebhookAttemptInline]
    fields = readonly_fields = (
        "id",
        "org",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
        "payload",
    )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhooks.change_webhookdelivery")

    @admin.display(description="Event", ordering="event__type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return f"{delivery.event.type} ({delivery.event_id})"

    @admin.display(description="Payload (as signed and sent)")
    def payload(self, delivery: WebhookDelivery) -> str:
        pretty = json.dumps(json.loads(delivery.event.body), indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", pretty)

    @admin.action(description="Retry selected deliveries now", permissions=["retry"])
    def retry_deliveries(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        def retry(delivery: WebhookDelivery) -> None:
            delivery_retry(delivery=delivery, actor=admin_actor(request))

        _queue_each(self, request, queryset, retry, "retry(ies)")
