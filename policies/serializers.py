"""Input serializers and fast output rendering for policies and resolution.

Output is rendered by plain functions (``render_policy``, ``render_resolution``) because resolve is
a hot path; the ``*Serializer`` output classes describe the same shapes for the OpenAPI schema.
"""

from typing import Any

from rest_framework import serializers

from connections.serializers import ConnectionSerializer, render_connection
from policies.models import ConnectionPolicy, PolicyType
from policies.resolution import SOURCES, Resolution
from weavz.api.ids import ID_MAX_LENGTH
from weavz.api.render import iso
from weavz.api.serializers import StrictSerializer


def render_policy(policy: ConnectionPolicy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "pieceName": policy.piece_id,
        "projectId": policy.project_id,
        "type": policy.type,
        "connectionId": policy.connection_id,
        "createdAt": iso(policy.created_at),
        "updatedAt": iso(policy.updated_at),
    }


def render_resolution(resolution: Resolution) -> dict[str, Any]:
    return {
        "connection": render_connection(resolution.connection),
        "policy": None if resolution.policy is None else render_policy(resolution.policy),
        "source": resolution.source,
    }


class PolicySerializer(serializers.Serializer[ConnectionPolicy]):
    id = serializers.CharField()
    pieceName = serializers.CharField()
    projectId = serializers.CharField(allow_null=True)
    type = serializers.ChoiceField(choices=PolicyType.choices)
    connectionId = serializers.CharField(allow_null=True)
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()


class PolicyPutSerializer(StrictSerializer):
    pieceName = serializers.CharField(max_length=100)
    projectId = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=ID_MAX_LENGTH
    )
    type = serializers.ChoiceField(choices=PolicyType.choices)
    connectionId = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=ID_MAX_LENGTH
    )


class ResolveSerializer(StrictSerializer):
    pieceName = serializers.CharField(max_length=100)
    projectId = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=ID_MAX_LENGTH
    )
    externalId = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        min_length=1,
        max_length=255,
        trim_whitespace=False,
    )
    connectionId = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=ID_MAX_LENGTH
    )


class ResolutionSerializer(serializers.Serializer[Resolution]):
    connection = ConnectionSerializer()
    policy = PolicySerializer(allow_null=True)
    # The API field is `source`; DRF pops declared fields, so it does not shadow Field.source.
    source = serializers.ChoiceField(choices=SOURCES)  # type: ignore[assignment]
