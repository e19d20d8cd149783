"""Console fixtures: a staff client that scans every page it gets for secrets."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from connections.models import Connection, Piece
from connections.services import connection_create
from orgs.models import Organization

SECRET_TEXT = "sk-admin-test-PLAINTEXT-0f9e8d7c6b5a"


class ScanningClient(Client):
    """Fails the test if any response holds a registered secret (credential, key, ciphertext)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forbidden: set[str] = set()
        self.visited: list[str] = []

    def forbid(self, *secrets: str) -> None:
        self.forbidden.update(s for s in secrets if s)

    def forbid_connection(self, connection: Connection) -> None:
        """The envelope and its base64 body: neither may appear, whole or as the payload."""
        envelope = Connection.objects.values_list("value", flat=True).get(pk=connection.pk)
        self.forbid(envelope, envelope.rsplit(":", 1)[1][:24])

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        self.visited.append(request["PATH_INFO"])
        if not getattr(response, "streaming", False):
            html = response.content.decode(errors="replace")
            leaked = [s for s in self.forbidden if s in html]
            assert not leaked, f"{request['PATH_INFO']} shows a secret: {leaked[0][:6]}…"
        return response


@pytest.fixture
def staff(db: Any) -> User:
    return User.objects.create_superuser("alice", "alice@example.com", "correct horse battery")


@pytest.fixture
def console(staff: User) -> ScanningClient:
    client = ScanningClient()
    client.force_login(staff)
    client.forbid(SECRET_TEXT)
    return client


@pytest.fixture
def openai(db: Any) -> Piece:
    return Piece.objects.get(name="openai")


@pytest.fixture
def connection(org: Organization, openai: Piece, console: ScanningClient) -> Connection:
    created = connection_create(
        org_id=org.id,
        piece_name=openai.name,
        display_name="Acme OpenAI",
        value={"type": "SECRET_TEXT", "secret_text": SECRET_TEXT},
        actor="test",
    )
    console.forbid_connection(created)
    return created
