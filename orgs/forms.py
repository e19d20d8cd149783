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

    # Set per request by the admin: only a superuser may grant connections:reveal, since whoever
    # holds such a key reads any credential of its org.
    may_grant_reveal = False

    class Meta:
        model = ApiKey
        fields = ["org", "name", "scopes", "expires_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.may_grant_reveal:
            scopes = self.fields["scopes"]
            assert isinstance(scopes, forms.MultipleChoiceField)
            scopes.choices = [c for c in Scope.choices if c[0] != Scope.CONNECTIONS_REVEAL]
            scopes.help_text = "Only a superuser may grant connections:reveal."

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("The expiry must be in the future.")
        return expires_at
