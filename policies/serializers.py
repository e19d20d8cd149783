"""Policies' and resolutions' shapes (one ``Shape`` each) and request bodies.

Resolve is a hot path, so its answer is rendered by plain functions declared with their schema.
"""

from typing import Any

from rest_framework import serializers

from connections.serializers import CONNECTION, external_id_field, render_connection
from policies.models import PolicyType
from policies.resolution import SOURCES, Resolution
from weavz.api.ids import ID_MAX_LENGTH
from weavz.api.render import Shape, Timestamp
from weavz.api.serializers import StrictSerializer

POLICY = Shape(
    "Policy",
    id=("id", serializers.CharField()),
    pieceName=("piece_id", serializers.CharField()),
    projectId=("project_id", serializers.CharField(allow_null=True)),
    type=("type", serializers.ChoiceField(choices=PolicyType.choices)),
    connectionId=("connection_id", serializers.CharField(allow_null=True)),
    createdAt=("created_at", Timestamp()),
    updatedAt=("updated_at", Timestamp()),
)
render_policy = POLICY.render


def _policy_or_none(resolution: Resolution) -> dict[str, Any] | None:
    return None if resolution.policy is None else render_policy(resolution.policy)


RESOLUTION = Shape(
    "Resolution",
    connection=(lambda r: render_connection(r.connection), CONNECTION.serializer()),
    policy=(_policy_or_none, POLICY.serializer(allow_null=True)),
    source=("source", serializers.ChoiceField(choices=SOURCES)),
)
render_resolution = RESOLUTION.render


def _optional_id(help_text: str) -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        max_length=ID_MAX_LENGTH,
        help_text=help_text,
    )


class PolicyPut(StrictSerializer):
    """The policy for one piece in one project (or the whole organization)."""

    pieceName = serializers.CharField(max_length=100)
    projectId = _optional_id("The project; null (or absent) for the whole organization.")
    type = serializers.ChoiceField(choices=PolicyType.choices)
    connectionId = _optional_id("Required except for USER_REQUIRED (which takes none).")


class Resolve(StrictSerializer):
    """The question: which connection would an action of this piece use?"""

    pieceName = serializers.CharField(max_length=100)
    projectId = _optional_id("The project the action runs in.")
    externalId = external_id_field(default=None, help_text="The end user the action runs for.")
    connectionId = _optional_id("A connection the caller asks for by id.")
