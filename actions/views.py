"""``POST /actions/execute`` and ``/proxy/:pieceName/<path>``: two forms, one engine."""

from typing import Any, cast

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actions.engine import Outgoing, Target, call, quote_path
from actions.serializers import EXECUTION, Execute, outgoing, render_execution
from orgs.auth import ApiClient
from orgs.models import Scope
from weavz.api.serializers import validated


class ExecuteView(APIView):
    def required_scope(self, request: Request) -> str:
        return Scope.CONNECTIONS_USE

    @extend_schema(
        operation_id="executeAction",
        summary="Run an action with a stored connection",
        description="Resolves the connection by the policy rules, decrypts it only now, "
        "injects it as the piece's catalog entry says and calls the provider "
        "(action `http_request`). An upstream non-2xx answers 200 with `success: false`.",
        request=Execute,
        responses=EXECUTION.serializer,
    )
    def post(self, request: Request) -> Response:
        data = validated(Execute, request.data)
        client = cast(ApiClient, request.user)
        outcome = call(
            org=client.org,
            actor=client.actor,
            target=Target(
                piece_name=data["pieceName"],
                project_id=data.get("projectId"),
                external_id=data.get("externalId"),
                connection_id=data.get("connectionId"),
            ),
            outgoing=outgoing(data["input"]),
        )
        return Response(render_execution(outcome))


# Caller headers the proxy never forwards: the API key, ours, and what belongs to the hop.
_NOT_FORWARDED = frozenset(
    {
        "authorization",
        "host",
        "content-length",
        "cookie",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "x-request-id",
        "x-real-ip",
        "forwarded",
    }
)
# Upstream headers not relayed: cookies for the provider's domain, and what the server sets.
_NOT_RELAYED = frozenset({"set-cookie", "server", "date"})


def forwarded_headers(request: Request) -> dict[str, str]:
    return {
        name: value
        for name, value in request.headers.items()
        if name.lower() not in _NOT_FORWARDED
        and not name.lower().startswith(("proxy-", "weavz-", "x-forwarded-"))
    }


_PROXY_SCHEMA = extend_schema(
    summary="Call the provider's API with a stored connection (passthrough)",
    description="Headers `Weavz-Connection-Id` or `Weavz-External-Id` (+ `Weavz-Project-Id`) "
    "choose the connection by the policy rules; the query string and body are forwarded as "
    "they are; the upstream's status, body and content headers come back (credential values "
    "redacted) with `Weavz-Connection-Id`. The service's own errors carry `Weavz-Error`.",
    parameters=[
        OpenApiParameter(
            "Weavz-Connection-Id",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="The connection to use (`conn_…`), as `connectionId` in resolution.",
        ),
        OpenApiParameter(
            "Weavz-External-Id",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="The end user whose connection to use, as `externalId` in resolution.",
        ),
        OpenApiParameter(
            "Weavz-Project-Id",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="The project the call runs in (`proj_…`).",
        ),
        OpenApiParameter(
            "piece_name",
            {"type": "string", "minLength": 1, "maxLength": 100},
            OpenApiParameter.PATH,
            description="The piece's name, e.g. `slack`.",
        ),
        OpenApiParameter(
            "path",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="The path under the piece's base URL, forwarded as it is.",
        ),
    ],
    # Any content type passes through; documented as bytes (generated clients send and receive
    # them as they are).
    request={"application/octet-stream": OpenApiTypes.BINARY},
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
)


def _relaying(operation_id: str) -> Any:
    """One method handler of the proxy: every method relays the same way."""

    @extend_schema(operation_id=operation_id)
    @_PROXY_SCHEMA
    def handler(self: "ProxyView", request: Request, piece_name: str, path: str) -> HttpResponse:
        return self.relay(request, piece_name, path)

    return handler


class ProxyView(APIView):
    # The body is forwarded as it came; nothing here parses it.
    parser_classes: list[Any] = []

    def required_scope(self, request: Request) -> str:
        return Scope.CONNECTIONS_USE

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        data = response.data if isinstance(response.data, dict) else {}
        response["Weavz-Error"] = str(data.get("error", {}).get("code", "ERROR"))
        return response

    def relay(self, request: Request, piece_name: str, path: str) -> HttpResponse:
        headers = request.headers
        client = cast(ApiClient, request.user)
        outcome = call(
            org=client.org,
            actor=client.actor,
            target=Target(
                piece_name=piece_name,
                # An empty header is an absent one.
                project_id=headers.get("Weavz-Project-Id") or None,
                external_id=headers.get("Weavz-External-Id") or None,
                connection_id=headers.get("Weavz-Connection-Id") or None,
            ),
            outgoing=Outgoing(
                method=request.method or "GET",
                path=quote_path(path),
                query=request.META.get("QUERY_STRING", ""),
                headers=forwarded_headers(request),
                body=request.body or None,
            ),
        )
        response = HttpResponse(outcome.body, status=outcome.status)
        del response["Content-Type"]  # only the upstream's, if it sent one
        relayed: dict[str, str] = {}
        for name, value in outcome.headers:
            lowered = name.lower()
            if lowered in _NOT_RELAYED or lowered.startswith("weavz-"):
                continue
            relayed[name] = f"{relayed[name]}, {value}" if name in relayed else value
        for name, value in relayed.items():
            response[name] = value
        response["Weavz-Connection-Id"] = outcome.connection_id
        response.passthrough = True  # type: ignore[attr-defined]
        return response

    get = _relaying("proxyGet")
    post = _relaying("proxyPost")
    put = _relaying("proxyPut")
    patch = _relaying("proxyPatch")
    delete = _relaying("proxyDelete")
