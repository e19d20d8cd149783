"""Operators' console for OAuth apps: the client secret is write-only, never displayed.

Writes go through ``oauth.services`` so they are validated and audited as API writes are.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from connections.fields import Sealed
from oauth.models import OAuthApp
from oauth.services import (
    oauth_app_create,
    oauth_app_delete,
    oauth_app_errors,
    oauth_app_update,
    redirect_uri,
)
from orgs.admin import ConflictAsMessageAdmin, DeletesThroughServiceAdmin, adopt
from orgs.audit import admin_actor


class OAuthAppForm(forms.ModelForm):  # type: ignore[type-arg]
    new_client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(render_value=False),
        help_text="Write-only: stored encrypted, never shown. Leave empty to keep the current one.",
    )
    scopes = forms.CharField(
        required=False,
        help_text="Space-separated OAuth scopes to request.",
        widget=forms.TextInput(attrs={"size": 80}),
    )

    class Meta:
        model = OAuthApp
        fields = ["org", "piece", "client_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.initial["scopes"] = " ".join(self.instance.scopes)
        else:
            self.fields["new_client_secret"].required = True

    def clean_scopes(self) -> list[str]:
        return str(self.cleaned_data.get("scopes") or "").split()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        piece = cleaned.get("piece")
        if piece is not None and self.instance._state.adding:
            for messages_ in oauth_app_errors(piece=piece).values():
                self.add_error("piece", messages_)
        return cleaned


@admin.register(OAuthApp)
class OAuthAppAdmin(DeletesThroughServiceAdmin, ConflictAsMessageAdmin):
    form = OAuthAppForm
    list_display = ["piece", "id", "org", "client_id", "updated_at"]
    list_filter = ["org", "piece"]
    search_fields = ["=id", "client_id"]
    list_select_related = ["org", "piece"]
    ordering = ["-id"]
    readonly_fields = ["id", "secret_info", "redirect_uri", "created_at", "updated_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["org", "piece", "client_id", "new_client_secret", "scopes"]
        return [
            "id",
            "org",
            "piece",
            "client_id",
            "secret_info",
            "new_client_secret",
            "scopes",
            "redirect_uri",
            "created_at",
            "updated_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["org", "piece", *self.readonly_fields]

    @admin.display(description="Client secret")
    def secret_info(self, app: OAuthApp) -> str:
        sealed = app.client_secret
        kid = sealed.kid if isinstance(sealed, Sealed) else "?"
        return f"Encrypted (key {kid}). Never displayed."

    @admin.display(description="Redirect URI")
    def redirect_uri(self, app: OAuthApp) -> str:
        return redirect_uri()

    def save_model(
        self, request: HttpRequest, obj: OAuthApp, form: ModelForm[Any], change: bool
    ) -> None:
        data = form.cleaned_data
        actor = admin_actor(request)
        if not change:
            created = oauth_app_create(
                org=data["org"],
                piece_name=data["piece"].name,
                client_id=data["client_id"],
                client_secret=data["new_client_secret"],
                scopes=data["scopes"],
                actor=actor,
            )
            adopt(obj, created)
            return
        updated = oauth_app_update(
            app=obj,
            actor=actor,
            client_id=data["client_id"],
            client_secret=data.get("new_client_secret") or None,
            scopes=data["scopes"],
        )
        adopt(obj, updated)

    def delete_through_service(self, obj: OAuthApp, actor: str) -> None:
        oauth_app_delete(app=obj, actor=actor)
