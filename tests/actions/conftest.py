import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connections.models import Piece


def echo(request: Request) -> Response:
    """The worst upstream: it answers with everything it was sent, headers included."""
    return Response(
        json.dumps(
            {
                "method": request.method,
                "path": request.path,
                "query": request.query_string.decode(),
                "headers": dict(request.headers),
                "body": request.get_data(as_text=True),
            }
        ),
        headers={
            "Content-Type": "application/json",
            "X-Echo-Auth": request.headers.get("Authorization", ""),
        },
    )


@pytest.fixture
def fake_piece(db: Any, provider: HTTPServer) -> Piece:
    """A piece of every value type whose API root is the fake provider."""
    return Piece.objects.create(
        name="fake",
        display_name="Fake",
        auth_types=["SECRET_TEXT", "BASIC_AUTH", "OAUTH2", "CUSTOM_AUTH", "NO_AUTH"],
        props={"token": {"displayName": "Token", "required": True, "secret": True}},
        base_url=provider.url_for("/api"),
        auth={"CUSTOM_AUTH": {"query": {"api_key": "{token}"}}},
    )


def rebase(name: str, provider: HTTPServer, path: str = "/api") -> Piece:
    """A shipped piece, pointed at the fake provider for the test."""
    piece = Piece.objects.get(name=name)
    piece.base_url = provider.url_for(path)
    piece.save()
    return piece
