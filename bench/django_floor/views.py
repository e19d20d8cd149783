"""Plain Django function views doing the API's work with the ORM and JsonResponse."""

from __future__ import annotations

import hashlib
import hmac
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from connections.models import Connection, Piece
from connections.values import InvalidValue, validate_value
from orgs.models import ApiKey, AuditEvent, Project
from policies.models import ConnectionPolicy

_FIELDS = (
    "id",
    "piece_id",
    "display_name",
    "external_id",
    "project_id",
    "status",
    "created_at",
    "updated_at",
    "last_used_at",
)


class Fail(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message


def _error(fail: Fail) -> JsonResponse:
    return JsonResponse({"error": {"code": fail.code, "message": fail.message}}, status=fail.status)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def render(c: Connection) -> dict[str, Any]:
    return {
        "id": c.id,
        "pieceName": c.piece_id,
        "displayName": c.display_name,
        "externalId": c.external_id,
        "projectId": c.project_id,
        "status": c.status,
        "createdAt": iso(c.created_at),
        "updatedAt": iso(c.updated_at),
        "lastUsedAt": iso(c.last_used_at),
    }


def authenticate(request: HttpRequest, scope: str) -> str:
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    prefix = token[4:12] if token.startswith("wvz_") and token[12:13] == "_" else ""
    if kind.lower() != "bearer" or not prefix:
        raise Fail(401, "UNAUTHENTICATED", "The API key is missing or malformed.")
    key = ApiKey.objects.filter(prefix=prefix).first()
    now = datetime.now(UTC)
    if (
        key is None
        or not hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), key.secret_hash)
        or key.revoked_at is not None
        or (key.expires_at is not None and key.expires_at <= now)
    ):
        raise Fail(401, "UNAUTHENTICATED", "The API key is unknown, revoked or expired.")
    if scope not in key.scopes:
        raise Fail(403, "FORBIDDEN", f"This API key lacks the `{scope}` scope.")
    return key.org_id


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def connection(request: HttpRequest, pk: str) -> JsonResponse:
    try:
        org = authenticate(request, "connections:read")
        found = Connection.objects.only(*_FIELDS).filter(org_id=org, pk=pk).first()
        if found is None:
            raise Fail(404, "NOT_FOUND", "No such connection.")
    except Fail as fail:
        return _error(fail)
    return JsonResponse(render(found))


@csrf_exempt
def connections(request: HttpRequest) -> JsonResponse:
    try:
        if request.method == "POST":
            return _create(request)
        org = authenticate(request, "connections:read")
        raw_limit = request.GET.get("limit", "50")
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 200:
            raise Fail(400, "VALIDATION_ERROR", "limit must be 1-200.")
        limit = int(raw_limit)
        rows = Connection.objects.only(*_FIELDS).filter(org_id=org)
        for name, column in (
            ("pieceName", "piece_id"),
            ("projectId", "project_id"),
            ("externalId", "external_id"),
            ("status", "status"),
        ):
            if name in request.GET:
                rows = rows.filter(**{column: request.GET[name]})
        if "cursor" in request.GET:
            token = request.GET["cursor"]
            try:
                position = urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
            except ValueError:
                position = ""
            if not position.replace("_", "").isalnum():
                raise Fail(400, "VALIDATION_ERROR", "Invalid cursor.")
            rows = rows.filter(id__lt=position)
        page = list(rows.order_by("-id")[: limit + 1])
    except Fail as fail:
        return _error(fail)
    more = len(page) > limit
    page = page[:limit]
    cursor = urlsafe_b64encode(page[-1].id.encode()).decode().rstrip("=") if more else None
    return JsonResponse({"data": [render(c) for c in page], "next": cursor})


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        raise Fail(400, "MALFORMED_JSON", "The body is not JSON.") from None
    if not isinstance(body, dict):
        raise Fail(400, "VALIDATION_ERROR", "The body must be an object.")
    return body


def _text(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 255:
        raise Fail(400, "VALIDATION_ERROR", f"{name} must be a string of 1-255 characters.")
    return value


def _create(request: HttpRequest) -> JsonResponse:
    org = authenticate(request, "connections:write")
    body = _body(request)
    piece_name = _text(body, "pieceName", required=True)
    display_name = _text(body, "displayName", required=True)
    external_id = _text(body, "externalId", required=False)
    project_id = _text(body, "projectId", required=False)
    piece = Piece.objects.filter(pk=piece_name).first()
    if piece is None:
        raise Fail(400, "VALIDATION_ERROR", "Unknown piece.")
    if project_id is not None and not Project.objects.filter(org_id=org, pk=project_id).exists():
        raise Fail(400, "VALIDATION_ERROR", "No such project in this organization.")
    try:
        clean = validate_value(body.get("value"), auth_types=piece.auth_types, props=piece.props)
    except InvalidValue:
        raise Fail(400, "VALIDATION_ERROR", "The value is invalid.") from None
    created = Connection(
        org_id=org,
        piece=piece,
        project_id=project_id,
        display_name=display_name or "",
        external_id=external_id,
        value_type=clean["type"],
        value=clean,
    )
    try:
        with transaction.atomic():
            created.save(force_insert=True)
            AuditEvent.objects.create(
                org_id=org,
                action="connection.created",
                actor="django-floor",
                target_id=created.id,
                metadata={
                    "pieceName": piece_name,
                    "projectId": project_id,
                    "externalId": external_id,
                    "valueType": clean["type"],
                },
            )
    except IntegrityError:
        raise Fail(409, "CONFLICT", "That externalId is taken for this piece.") from None
    return JsonResponse(render(created), status=201)


@csrf_exempt
def resolve(request: HttpRequest) -> JsonResponse:
    """The externalId / USER_WITH_DEFAULT / no-policy paths (the bench's paths)."""
    try:
        if request.method != "POST":
            raise Fail(404, "NOT_FOUND", "No such endpoint.")
        org = authenticate(request, "connections:read")
        body = _body(request)
        piece = _text(body, "pieceName", required=True)
        external_id = _text(body, "externalId", required=False)
        project_id = _text(body, "projectId", required=False)
        policy = (
            ConnectionPolicy.objects.filter(org_id=org, piece_id=piece)
            .filter(Q(project_id__isnull=True) | Q(project_id=project_id))
            .order_by("project_id")
            .first()
        )
        wanted = Q(external_id=external_id) & (
            Q(project_id__isnull=True) | Q(project_id=project_id)
        )
        if policy is not None and policy.connection_id:
            wanted |= Q(pk=policy.connection_id)
        found = {
            c.id: c
            for c in Connection.objects.only(*_FIELDS)
            .filter(org_id=org, piece_id=piece)
            .filter(wanted)
        }
        own = next(
            (c for c in found.values() if external_id and c.external_id == external_id), None
        )
        kind = policy.type if policy else None
        if policy is not None and kind in ("ENFORCED_ORG", "ENFORCED_PROJECT"):
            chosen, source = found.get(policy.connection_id or ""), kind
        elif own is not None:
            chosen, source = own, "EXTERNAL_ID"
        elif policy is not None and kind == "USER_WITH_DEFAULT":
            chosen, source = found.get(policy.connection_id or ""), "DEFAULT"
        else:
            chosen, source = None, ""
        if chosen is None:
            raise Fail(404, "CONNECTION_REQUIRED", "No connection for this piece and user.")
        if chosen.status != "ACTIVE":
            raise Fail(409, "CONNECTION_NOT_ACTIVE", "The connection is not active.")
    except Fail as fail:
        return _error(fail)
    rendered_policy = (
        None
        if policy is None
        else {
            "id": policy.id,
            "pieceName": policy.piece_id,
            "projectId": policy.project_id,
            "type": policy.type,
            "connectionId": policy.connection_id,
            "createdAt": iso(policy.created_at),
            "updatedAt": iso(policy.updated_at),
        }
    )
    return JsonResponse({"connection": render(chosen), "policy": rendered_policy, "source": source})
