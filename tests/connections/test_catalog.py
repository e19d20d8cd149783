"""How the catalog says to call a piece: validation (shared by the console and import_pieces),
editing in the console, and import_pieces."""

import json

import pytest
from django.core.management import CommandError, call_command

from connections.catalog import auth_errors, oauth2_errors, piece_errors
from connections.models import Piece
from orgs.models import AuditEvent

PROPS = {"token": {"displayName": "Token", "required": True, "secret": True}}
ALL = ["SECRET_TEXT", "BASIC_AUTH", "OAUTH2", "CUSTOM_AUTH", "NO_AUTH"]


@pytest.mark.parametrize(
    "auth",
    [
        {"SECRET_TEXT": {"headers": {"Authorization": "Bot {secret_text}"}}},
        {"SECRET_TEXT": {"query": {"key": "{secret_text}"}, "path": "/bot{secret_text}"}},
        {"BASIC_AUTH": {"basic": {"username": "{username}", "password": "{password}"}}},
        {"OAUTH2": {"headers": {"Authorization": "Bearer {access_token}", "V": "2022-06-28"}}},
        {"CUSTOM_AUTH": {"headers": {"X-Token": "{token}"}}},
        {},
    ],
)
def test_it_accepts_templates_over_the_value_types_fields(auth):
    assert auth_errors(auth, auth_types=ALL, props=PROPS) == {}


@pytest.mark.parametrize(
    ("auth", "where", "message"),
    [
        (
            {"BASIC_AUTH": {"headers": {"A": "{access_token}"}}},
            "auth.BASIC_AUTH.headers.A",
            "access_token",
        ),
        ({"CUSTOM_AUTH": {"query": {"k": "{secret_text}"}}}, "auth.CUSTOM_AUTH.query.k", "token"),
        ({"NO_AUTH": {"headers": {"A": "{secret_text}"}}}, "auth.NO_AUTH.headers.A", "none"),
        ({"OAUTH2": {"headers": {"Host": "x"}}}, "auth.OAUTH2.headers.Host", "header name"),
        ({"OAUTH2": {"cookies": {}}}, "auth.OAUTH2.cookies", "Unknown key"),
        ({"OAUTH2": {"basic": {"username": "{client_id}"}}}, "auth.OAUTH2.basic", "exactly"),
        ({"OAUTH2": {"path": "bot{access_token}"}}, "auth.OAUTH2.path", "start with /"),
        ({"OAUTH2": {"headers": {"A": "{access_token"}}}, "auth.OAUTH2.headers.A", "brace"),
        ({"OAUTH2": {"headers": {"A": 1}}}, "auth.OAUTH2.headers.A", "string"),
        ({"MAGIC": {}}, "auth.MAGIC", "Unknown value type"),
        ({"SECRET_TEXT": {}}, "auth.SECRET_TEXT", "does not accept"),
        ([], "auth", "object"),
    ],
)
def test_it_refuses_a_template_naming_a_field_the_value_type_does_not_have(auth, where, message):
    auth_types = ["BASIC_AUTH", "OAUTH2", "CUSTOM_AUTH", "NO_AUTH"]
    errors = auth_errors(auth, auth_types=auth_types, props=PROPS)
    assert message in " ".join(errors[where])


def test_oauth2_settings_are_checked():
    good = {
        "authorizeUrl": "https://a.example/auth?x=1",
        "tokenUrl": "https://a.example/token",
        "scopes": ["a"],
        "pkce": True,
        "tokenAuthMethod": "client_secret_post",
    }
    assert oauth2_errors(good) == {}
    assert oauth2_errors(None) == {}
    bad = oauth2_errors(
        {
            "authorizeUrl": "ftp://x",
            "scopes": "a",
            "pkce": "yes",
            "tokenAuthMethod": "magic",
            "extra": 1,
        }
    )
    assert set(bad) == {
        "oauth2.authorizeUrl",
        "oauth2.tokenUrl",
        "oauth2.scopes",
        "oauth2.pkce",
        "oauth2.tokenAuthMethod",
        "oauth2.extra",
    }


@pytest.mark.django_db
def test_every_shipped_piece_passes_its_own_validation(api):
    for piece in api.get("/api/v1/pieces").json()["data"]:
        assert piece_errors(piece) == {}, piece["name"]


# --- import_pieces -------------------------------------------------------------------------------


def _write(tmp_path, items):
    path = tmp_path / "pieces.json"
    path.write_text(json.dumps(items))
    return str(path)


@pytest.mark.django_db
def test_import_pieces_upserts_and_reports_what_changed(tmp_path, capsys):
    openai = {
        "name": "openai",
        "displayName": "OpenAI",
        "authTypes": ["SECRET_TEXT"],
        "baseUrl": "https://api.openai.com/v1",
        "auth": {},
        "oauth2": None,
    }
    new = {
        "name": "acme",
        "displayName": "Acme",
        "authTypes": ["SECRET_TEXT"],
        "baseUrl": "https://api.acme.example",
        "auth": {"SECRET_TEXT": {"headers": {"X-Key": "{secret_text}"}}},
        "oauth2": None,
    }
    slack = {
        "name": "slack",
        "displayName": "Slack (edited)",
        "authTypes": ["OAUTH2"],
        "baseUrl": "https://slack.com/api",
        "auth": {},
        "oauth2": None,
    }

    call_command("import_pieces", _write(tmp_path, [openai, new, slack]), "--json")

    assert json.loads(capsys.readouterr().out) == {
        "created": ["acme"],
        "updated": ["slack"],
        "unchanged": ["openai"],
    }
    assert Piece.objects.get(name="acme").auth == new["auth"]
    slack_row = Piece.objects.get(name="slack")
    assert slack_row.display_name == "Slack (edited)" and slack_row.oauth2 is None
    updated = AuditEvent.objects.get(action="piece.updated", target_id="slack")
    assert updated.actor == "command:import_pieces"
    assert updated.metadata == {"fields": ["displayName", "oauth2"]}


@pytest.mark.django_db
def test_import_pieces_changes_nothing_when_one_piece_is_invalid(tmp_path):
    good = {"name": "acme", "displayName": "Acme", "authTypes": ["SECRET_TEXT"]}
    bad = {
        "name": "bad",
        "displayName": "Bad",
        "authTypes": ["SECRET_TEXT"],
        "auth": {"SECRET_TEXT": {"headers": {"A": "{access_token}"}}},
    }

    with pytest.raises(CommandError, match=r"1\.auth\.SECRET_TEXT\.headers\.A"):
        call_command("import_pieces", _write(tmp_path, [good, bad]))

    assert not Piece.objects.filter(name__in=["acme", "bad"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["{not json", json.dumps({"name": "x"})])
def test_import_pieces_refuses_a_file_that_is_not_a_list_of_pieces(tmp_path, content):
    path = tmp_path / "p.json"
    path.write_text(content)

    with pytest.raises(CommandError):
        call_command("import_pieces", str(path))
