"""A fake OAuth provider on 127.0.0.2 (pytest-httpserver): an authorize page that approves and
redirects back, a token endpoint that checks the client, the code, the redirect URI and the PKCE
verifier, and an API that wants the issued access token."""

import base64
import hashlib
import html
import json
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret-d41c"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def install(server: HTTPServer, org: Any) -> "FakeOAuthProvider":
    """The fake provider on ``server``, the piece "acme" calling it, and ``org``'s OAuth app."""
    from connections.models import Piece
    from oauth.services import oauth_app_create

    provider = FakeOAuthProvider(server)
    piece = Piece.objects.create(
        name="acme",
        display_name="Acme",
        auth_types=["OAUTH2"],
        base_url=provider.url("/api"),
        oauth2={
            "authorizeUrl": provider.url("/authorize"),
            "tokenUrl": provider.url("/token"),
            "scopes": ["read", "write"],
            "pkce": True,
            "tokenAuthMethod": "client_secret_basic",
        },
    )
    oauth_app_create(
        org=org,
        piece_name=piece.name,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=[],
        actor="test",
    )
    return provider


class FakeOAuthProvider:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.codes: dict[str, dict[str, str]] = {}
        self.access_tokens: list[str] = []
        self.token_requests: list[dict[str, Any]] = []
        self.refuse_codes = False
        server.expect_request("/authorize").respond_with_handler(self._authorize_page)
        server.expect_request("/token", method="POST").respond_with_handler(self._token)
        server.expect_request("/api/me").respond_with_handler(self._me)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def approve(self, authorize_url: str) -> str:
        """What pressing "Approve" does: a code for this request, and the way back."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256"
        code = "code-" + secrets.token_urlsafe(8)
        self.codes[code] = query
        back = urlencode({"code": code, "state": query["state"]})
        return f"{query['redirect_uri']}?{back}"

    def deny(self, authorize_url: str) -> str:
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        back = urlencode({"error": "access_denied", "state": query["state"]})
        return f"{query['redirect_uri']}?{back}"

    def _authorize_page(self, request: Request) -> Response:
        approve = html.escape(self.approve(request.url))
        deny = html.escape(self.deny(request.url))
        page = (
            "<!doctype html><title>Fake provider</title><h1>Allow Weavz?</h1>"
            f'<a id="approve" href="{approve}">Approve</a> <a id="deny" href="{deny}">Deny</a>'
        )
        return Response(page, content_type="text/html")

    def _token(self, request: Request) -> Response:
        form = {k: v for k, v in request.form.items()}
        self.token_requests.append({"form": form, "authorization": request.authorization})
        auth = request.authorization
        issued = self.codes.pop(form.get("code", ""), None)
        if (
            self.refuse_codes
            or auth is None
            or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET)
            or form.get("grant_type") != "authorization_code"
            or issued is None
            or form.get("redirect_uri") != issued["redirect_uri"]
            or s256(form.get("code_verifier", "")) != issued["code_challenge"]
        ):
            return Response(
                json.dumps({"error": "invalid_grant"}), 400, content_type="application/json"
            )
        token = "fake-access-" + secrets.token_urlsafe(12)
        self.access_tokens.append(token)
        body = {
            "access_token": token,
            "refresh_token": "fake-refresh-" + secrets.token_urlsafe(12),
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": issued.get("scope", ""),
            "team": {"id": "T1"},
        }
        return Response(json.dumps(body), content_type="application/json")

    def _me(self, request: Request) -> Response:
        header = request.headers.get("Authorization", "")
        if header.removeprefix("Bearer ") not in self.access_tokens:
            return Response(json.dumps({"error": "unauthorized"}), 401)
        return Response(json.dumps({"user": "ann"}), content_type="application/json")
