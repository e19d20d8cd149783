"""Console forms for webhook endpoints: the same checks as the API (webhooks/services.py)."""

from typing import Any

from django import forms

from weavz.api.errors import ApiError
from weavz.egress import check_url
from webhooks.models import ALL_EVENTS, EVENT_TYPES, WebhookEndpoint
from webhooks.services import events_errors, url_errors

EVENT_CHOICES = [(ALL_EVENTS, "* (every event type)"), *((e, e) for e in EVENT_TYPES)]


class WebhookEndpointForm(forms.ModelForm):  # type: ignore[type-arg]
    """The secret is made by ``endpoint_create`` and rotated by an action, never typed here."""

    url = forms.URLField(max_length=2048, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple, initial=[ALL_EVENTS]
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["org", "url", "events", "enabled"]

    def clean_url(self) -> Any:
        url: str = self.cleaned_data["url"]
        problems = url_errors(url)
        if problems:
            raise forms.ValidationError(problems)
        if "url" in self.changed_data:
            try:
                check_url(url)
            except ApiError as exc:
                raise forms.ValidationError(str(exc.detail)) from None
        return url

    def clean_events(self) -> Any:
        events: list[str] = self.cleaned_data["events"]
        problems = events_errors(events)
        if problems:
            raise forms.ValidationError(problems)
        return events
