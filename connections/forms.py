"""Admin forms for pieces and connections.

Credentials are write-only: the widget never renders a value, so neither the stored credentials
nor a just-submitted (possibly invalid) secret is ever echoed into the page.
"""

from typing import Any

from django import forms

from connections.catalog import catalog_errors, props_errors
from connections.models import Connection, Piece
from connections.values import VALUE_TYPES, InvalidValue, validate_value
from orgs.models import Project

_FORM_FIELD = {"baseUrl": "base_url", "auth": "auth", "oauth2": "oauth2"}


class WriteOnlyTextarea(forms.Textarea):
    """Like ``PasswordInput(render_value=False)``, for JSON."""

    def format_value(self, value: Any) -> str | None:
        return None


class PieceForm(forms.ModelForm):  # type: ignore[type-arg]
    auth_types = forms.MultipleChoiceField(
        choices=[(t, t) for t in VALUE_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Value types a connection of this piece may hold.",
    )
    props = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "spellcheck": "false"}),
        help_text='CUSTOM_AUTH only: {"api_key": {"displayName": "API key", "required": true, '
        '"secret": true}}',
    )

    base_url = forms.CharField(
        required=False,
        label="Base URL",
        max_length=500,
        help_text="The provider's API root, e.g. https://slack.com/api. Leave empty when each "
        "connection carries its own (a CUSTOM_AUTH prop base_url or instance_url).",
    )
    auth = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "spellcheck": "false"}),
        help_text='Per value type, where the credential goes: {"SECRET_TEXT": {"headers": '
        '{"Authorization": "Bot {secret_text}"}}}. Keys: headers, query, basic '
        '({"username", "password"}), path (a prefix such as "/bot{secret_text}"). A template '
        "may name only fields of its value type (for CUSTOM_AUTH: the props). A type left out "
        "gets the default: Bearer for OAUTH2 and SECRET_TEXT, Basic for BASIC_AUTH.",
    )
    oauth2 = forms.JSONField(
        required=False,
        label="OAuth 2",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80, "spellcheck": "false"}),
        help_text='OAUTH2 pieces: {"authorizeUrl": …, "tokenUrl": …, "scopes": […], '
        '"pkce": true, "tokenAuthMethod": "client_secret_basic" | "client_secret_post"}',
    )

    class Meta:
        model = Piece
        fields = ["name", "display_name", "auth_types", "props", "base_url", "auth", "oauth2"]

    def clean_props(self) -> dict[str, Any]:
        props = self.cleaned_data.get("props") or {}
        errors = props_errors(props)
        if errors:
            raise forms.ValidationError(errors)
        return dict(props)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        auth_types = cleaned.get("auth_types") or []
        if cleaned.get("props") and "CUSTOM_AUTH" not in auth_types:
            self.add_error("props", "Props apply only to pieces that accept CUSTOM_AUTH.")
        # Stored in the canonical order the API lists them in.
        cleaned["auth_types"] = [t for t in VALUE_TYPES if t in auth_types]
        cleaned["base_url"] = cleaned.get("base_url") or None
        cleaned["auth"] = cleaned.get("auth") or {}
        cleaned["oauth2"] = cleaned.get("oauth2") or None
        if "props" in cleaned:
            problems = catalog_errors(
                auth_types=cleaned["auth_types"],
                props=cleaned.get("props") or {},
                base_url=cleaned["base_url"],
                auth=cleaned["auth"],
                oauth2=cleaned["oauth2"],
            )
            for path, messages in problems.items():
                field = _FORM_FIELD[path.split(".", 1)[0]]
                self.add_error(field, [f"{path}: {m}" for m in messages])
        return cleaned


class ProjectChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.org.name} / {obj.name} ({obj.id})"


class ConnectionForm(forms.ModelForm):  # type: ignore[type-arg]
    """Connection metadata plus a write-only credentials field, validated like the API."""

    credentials = forms.JSONField(
        required=False,
        widget=WriteOnlyTextarea(
            attrs={"rows": 6, "cols": 80, "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text='Write-only JSON, e.g. {"type": "SECRET_TEXT", "secret_text": "…"}. '
        "The stored credentials are never shown; leave empty to keep them.",
    )

    class Meta:
        model = Connection
        fields = ["org", "project", "piece", "display_name", "external_id", "status", "credentials"]
        field_classes = {"project": ProjectChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = self.fields.get("project")
        if isinstance(project, forms.ModelChoiceField):
            project.queryset = Project.objects.select_related("org").order_by("org__name", "name")
            project.help_text = "Empty for an org-level connection. Must belong to the org."
        if self.instance._state.adding:
            self.fields["credentials"].required = True
            self.fields["credentials"].help_text = (
                'JSON, e.g. {"type": "SECRET_TEXT", "secret_text": "…"}. Write-only: '
                "once saved it is encrypted and never shown again."
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        adding = self.instance._state.adding
        org = cleaned.get("org") if adding else self.instance.org
        piece: Piece | None = cleaned.get("piece") if adding else self.instance.piece
        project = cleaned.get("project") if adding else None
        if project is not None and org is not None and project.org_id != org.id:
            self.add_error("project", "This project belongs to another organization.")
        external_id = cleaned.get("external_id") if adding else None
        if adding and external_id is not None and org is not None and piece is not None:
            duplicate = Connection.objects.filter(org=org, piece=piece, external_id=external_id)
            if duplicate.exists():
                self.add_error(
                    "external_id",
                    f"This organization already has a {piece.name} connection with this "
                    "external id.",
                )
        credentials = cleaned.get("credentials")
        if credentials is not None and piece is not None:
            try:
                cleaned["credentials"] = validate_value(
                    credentials, auth_types=piece.auth_types, props=piece.props, field="credentials"
                )
            except InvalidValue as exc:
                # Messages name fields, never submitted values (connections.values' promise).
                self.add_error(
                    "credentials",
                    [f"{path}: {' '.join(msgs)}" for path, msgs in exc.details.items()],
                )
        return cleaned
