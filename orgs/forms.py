"""Admin forms for the orgs app."""

from typing import Any

from django import forms
from django.utils import timezone

from orgs.models import DEFAULT_SCOPES, ApiKey, Scope


class ApiKeyCreateForm(forms.ModelForm):  # type: ignore[type-arg]
    """Creating a key: the secret is made by ``api_key_create``, never typed or stored here."""

    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEFAULT_SCOPES),
        help_text="connections:reveal lets the key read decrypted credentials; grant it sparingly.",
    )

    class Meta:
        model = ApiKey
        fields = ["org", "name", "scopes", "expires_at"]

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("The expiry must be in the future.")
        return expires_at
