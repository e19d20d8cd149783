import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from connections.crypto import Key
from orgs.models import ApiKey, AuditEvent, Organization

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _works(secret: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client.get("/api/v1/projects").status_code == 200


def test_create_org_prints_the_org_and_a_working_key_as_json():
    out = json.loads(_run("create_org", "Acme", "--json"))
    assert set(out) == {"orgId", "apiKey"}
    assert out["orgId"].startswith("org_") and out["apiKey"].startswith("wvz_")
    assert Organization.objects.get(pk=out["orgId"]).name == "Acme"
    assert _works(out["apiKey"])
    assert AuditEvent.objects.filter(action="api_key.created", actor="command:create_org").exists()


def test_create_org_refuses_a_blank_name():
    with pytest.raises(CommandError):
        _run("create_org", "  ")


def test_create_api_key_with_scopes(org):
    out = json.loads(
        _run(
            "create_api_key",
            org.id,
            "--name",
            "ci",
            "--scopes",
            "connections:read,connections:reveal",
            "--json",
        )
    )
    assert set(out) == {"id", "apiKey"}
    key = ApiKey.objects.get(pk=out["id"])
    assert key.name == "ci" and key.scopes == ["connections:read", "connections:reveal"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {out['apiKey']}")
    assert client.get("/api/v1/projects").status_code == 403


def test_create_api_key_refuses_an_unknown_scope_or_org(org):
    with pytest.raises(CommandError, match="Unknown scope"):
        _run("create_api_key", org.id, "--scopes", "connections:everything")
    with pytest.raises(CommandError, match="No organization"):
        _run("create_api_key", "org_nope")


def test_revoke_api_key_revokes_and_prints_json(org):
    out = json.loads(_run("create_api_key", org.id, "--json"))
    assert _works(out["apiKey"])
    assert json.loads(_run("revoke_api_key", out["id"], "--json")) == {
        "id": out["id"],
        "revoked": True,
    }
    assert not _works(out["apiKey"])
    assert AuditEvent.objects.filter(action="api_key.revoked", target_id=out["id"]).exists()
    with pytest.raises(CommandError):
        _run("revoke_api_key", "key_nope")


def test_generate_encryption_key_prints_a_usable_key():
    text = _run("generate_encryption_key").strip()
    assert Key.from_b64(text).kid
    assert _run("generate_encryption_key").strip() != text


def test_quickstart_creates_the_demo_org_once_and_mints_a_key_each_time():
    first = _run("quickstart")
    second = _run("quickstart")
    assert Organization.objects.filter(name="Demo").count() == 1
    secrets = [
        line.split(": ", 1)[1]
        for out in (first, second)
        for line in out.splitlines()
        if "API key (shown once)" in line
    ]
    assert len(secrets) == 2 and secrets[0] != secrets[1]
    assert all(_works(s) for s in secrets)
