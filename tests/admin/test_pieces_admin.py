"""Pieces in the console: base URL, auth templates and OAuth 2 settings, validated by the same
functions as import_pieces; connections show when they were last used."""

import json

import pytest

from connections.models import Piece
from tests.admin.test_connections_admin import form_errors
from tests.factories import ConnectionFactory

PROPS = {"token": {"displayName": "Token", "required": True, "secret": True}}


def _piece_form(**overrides):
    data = {
        "name": "acme",
        "display_name": "Acme",
        "auth_types": ["SECRET_TEXT", "CUSTOM_AUTH"],
        "props": json.dumps(PROPS),
        "base_url": "https://api.acme.example/v2",
        "auth": json.dumps({"SECRET_TEXT": {"headers": {"X-Key": "{secret_text}"}}}),
        "oauth2": "",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_the_console_edits_base_url_auth_and_oauth2(console):
    assert console.post("/admin/connections/piece/add/", _piece_form()).status_code == 302

    piece = Piece.objects.get(name="acme")
    assert piece.base_url == "https://api.acme.example/v2"
    assert piece.auth == {"SECRET_TEXT": {"headers": {"X-Key": "{secret_text}"}}}
    assert piece.oauth2 is None
    html = console.get("/admin/connections/piece/acme/change/").content.decode()
    assert "https://api.acme.example/v2" in html
    assert "X-Key" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"auth": json.dumps({"SECRET_TEXT": {"headers": {"X": "{password}"}}})},
            "auth",
            "password",
        ),
        ({"base_url": "ftp://files.example"}, "base_url", "http(s)"),
        ({"oauth2": json.dumps({"tokenUrl": "https://t.example"})}, "oauth2", "authorizeUrl"),
    ],
)
def test_the_console_refuses_invalid_calling_fields(console, overrides, field, message):
    response = console.post("/admin/connections/piece/add/", _piece_form(**overrides))

    assert response.status_code == 200
    assert message in " ".join(form_errors(response).get(field, []))
    assert not Piece.objects.filter(name="acme").exists()


@pytest.mark.django_db
def test_the_console_shows_when_a_connection_was_last_used(console, org):
    conn = ConnectionFactory(org=org)
    html = console.get(f"/admin/connections/connection/{conn.pk}/change/").content.decode()
    assert "Last used at" in html
