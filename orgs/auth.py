"""Bearer API key authentication and per-view scope permission.

Lookup is one indexed query on the key's prefix (joined to its org) and a constant-time hash
comparison. ``last_used_at`` is written at most about once a minute per key, by a conditional
UPDATE, so a hot key costs no write per request.
"""

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from orgs.keys import matches, split_prefix
from orgs.models import ApiKey, Organization
from weavz.api.errors import Forbidden
from weavz.api.sql import ModelColumns, db, fetch_one

if TYPE_CHECKING:
    from rest_framework.views import APIView

LAST_USED_RESOLUTION = timedelta(seconds=60)
_INVALID = "The API key is missing, malformed, unknown, revoked or expired."


@dataclass(frozen=True)
class ApiClient:
    """``request.user`` for API requests: the key's org and scopes, no secret."""

    key_id: str
    org: Organization
    scopes: frozenset[str]
    is_authenticated: bool = True

    @property
    def actor(self) -> str:
        return self.key_id

    @property
    def org_id(self) -> str:
        return self.org.id


_KEY = ModelColumns(ApiKey, "k")
_ORG = ModelColumns(Organization, "o")


@functools.cache
def _key_statement(vendor: str) -> str:
    return (  # identifiers come from model metadata; the prefix is a parameter
        f"SELECT {_KEY.select}, {_ORG.select} FROM {_KEY.table} "  # noqa: S608
        f"JOIN {_ORG.table} ON {_ORG.column('id')} = {_KEY.column('org')} "
        f"WHERE {_KEY.column('prefix')} = %s"
    )


def find_key(prefix: str) -> ApiKey | None:
    """The key with this prefix, its org loaded: one indexed query, no ORM compilation."""
    row = fetch_one(_key_statement(db().vendor), [prefix])
    if row is None:
        return None
    key: ApiKey = _KEY.instance(row[: len(_KEY)])
    key.org = _ORG.instance(row[len(_KEY) :])
    return key


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiKey] | None:
        header = get_authorization_header(request).split()
        if not header:
            raise exceptions.NotAuthenticated(
                "Authentication required: send `Authorization: Bearer wvz_…`."
            )
        if header[0].lower() != b"bearer" or len(header) != 2:
            raise exceptions.AuthenticationFailed(_INVALID)
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_INVALID) from None
        prefix = split_prefix(plaintext)
        key = find_key(prefix) if prefix else None
        now = timezone.now()
        if (
            key is None
            or not matches(plaintext, key.secret_hash)
            or key.revoked_at is not None
            or (key.expires_at is not None and key.expires_at <= now)
        ):
            raise exceptions.AuthenticationFailed(_INVALID)
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            # Conditional, so concurrent workers write it once per minute, not once each.
            stale_before = now - LAST_USED_RESOLUTION
            ApiKey.objects.filter(pk=key.pk).exclude(last_used_at__gte=stale_before).update(
                last_used_at=now
            )
        return ApiClient(key_id=key.id, org=key.org, scopes=frozenset(key.scopes)), key


class HasScope(BasePermission):
    """Views name ``read_scope`` and ``write_scope``, or override ``required_scope(request)``."""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        client = request.user
        if not isinstance(client, ApiClient):
            return False
        hook = getattr(view, "required_scope", None)
        if hook is not None:
            scope = hook(request)
        else:
            attr = "read_scope" if request.method in SAFE_METHODS else "write_scope"
            scope = getattr(view, attr, None)
        if scope is not None and scope not in client.scopes:
            raise Forbidden(f"This API key lacks the `{scope}` scope.")
        return True
