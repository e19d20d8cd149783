"""The policy admin form: a connection chooser limited to connections valid for the type."""

from typing import Any

from django import forms

from connections.forms import ProjectChoiceField
from connections.models import Connection
from orgs.models import Project
from policies.models import ConnectionPolicy
from policies.services import policy_errors

# policy_errors speaks the API's field names; the form's are the model's.
_FORM_FIELD = {"projectId": "project", "connectionId": "connection", "pieceName": "piece"}


class ConnectionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Connection) -> str:
        level = f"project {obj.project_id}" if obj.project_id else "org-level"
        return f"{obj.display_name} ({obj.id}, {level})"


class ConnectionSelect(forms.Select):
    """Options carry org, piece and project so the page can hide those the type rejects."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        connection = getattr(option["value"], "instance", None)
        if isinstance(connection, Connection):
            option["attrs"].update(
                {
                    "data-org": connection.org_id,
                    "data-piece": connection.piece_id,
                    "data-project": connection.project_id or "",
                }
            )
        return option


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ConnectionPolicy
        fields = ["org", "project", "piece", "type", "connection"]
        field_classes = {"project": ProjectChoiceField, "connection": ConnectionChoiceField}
        widgets = {"connection": ConnectionSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = self.fields.get("project")
        if isinstance(project, forms.ModelChoiceField):
            project.queryset = Project.objects.select_related("org").order_by("org__name", "name")
            project.help_text = "Empty for the whole organization."
        connection = self.fields["connection"]
        assert isinstance(connection, forms.ModelChoiceField)
        connection.queryset = self._choosable()
        connection.help_text = (
            "Only shared connections (no external id) valid for the type are offered; "
            "USER_REQUIRED takes none."
        )

    def _choosable(self) -> Any:
        """Shared connections of the policy's org (and piece, once fixed).

        The page narrows the options to the chosen type as the operator picks (the template's
        script mirrors ``eligible_connections``); ``clean`` re-checks with ``policy_errors``, whose
        messages say why a pick is wrong rather than "Select a valid choice".
        """
        shared = Connection.objects.filter(external_id__isnull=True).order_by("display_name")
        policy: ConnectionPolicy = self.instance
        if not policy._state.adding:
            return shared.filter(org_id=policy.org_id, piece_id=policy.piece_id)
        org_id = self.data.get("org") or self.initial.get("org")
        return shared.filter(org_id=org_id) if org_id else shared

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        policy: ConnectionPolicy = self.instance
        adding = policy._state.adding
        org = cleaned.get("org") if adding else policy.org
        piece = cleaned.get("piece") if adding else policy.piece
        project = cleaned.get("project") if adding else policy.project
        kind = cleaned.get("type")
        if org is None or piece is None or kind is None or self.has_error("connection"):
            return cleaned
        if adding and ConnectionPolicy.objects.filter(org=org, piece=piece, project=project):
            where = f"project {project.id}" if project else "the whole organization"
            raise forms.ValidationError(
                f"A {piece.name} policy for {where} already exists; edit that one instead."
            )
        errors = policy_errors(
            org=org, piece=piece, project=project, type=kind, connection=cleaned.get("connection")
        )
        for field, messages in errors.items():
            self.add_error(_FORM_FIELD.get(field), messages)
        return cleaned
