"""The Python client generated from the schema (clients/python): up to date, and it really works.

The end-to-end test serves the API on an ephemeral loopback port (pytest-django's
``live_server``) and drives it only through the generated client, which raises on any status
the schema does not document (``raise_on_unexpected_status=True``).
"""

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from weavz_client import AuthenticatedClient
from weavz_client.api.connections import (
    create_connection,
    delete_connection,
    get_connection,
    list_connections,
    resolve_connection,
    update_connection,
)
from weavz_client.api.policies import put_policy
from weavz_client.models import (
    Connection,
    ConnectionCreateRequest,
    ConnectionPage,
    ConnectionStatus,
    ErrorCode,
    ErrorEnvelope,
    OAuth2Value,
    PatchedConnectionUpdateRequest,
    Policy,
    PolicyPutRequest,
    PolicyType,
    Resolution,
    ResolutionSource,
    ResolveRequest,
    SecretTextValue,
    Success,
)

from orgs.services import api_key_create
from tests.connections.test_api import OPENAI, SLACK
from tests.factories import ConnectionFactory, OrganizationFactory

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "clients"
BIN = Path(sys.executable).parent


def _differences(left: filecmp.dircmp[str]) -> list[str]:
    found = [*left.left_only, *left.right_only, *left.diff_files, *left.funny_files]
    for sub in left.subdirs.values():
        found += _differences(sub)
    return [name for name in found if name != "__pycache__"]


@pytest.mark.django_db
def test_the_checked_in_client_is_what_the_schema_generates(tmp_path):
    schema = tmp_path / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    assert json.loads(schema.read_text()) == json.loads((CLIENTS / "openapi.json").read_text()), (
        "clients/openapi.json is stale: run `make client`"
    )
    subprocess.run(
        [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            schema,
            "--output-path",
            tmp_path / "python",
            "--meta",
            "setup",
            "--config",
            CLIENTS / "openapi-python-client.yaml",
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        env={"PATH": f"{BIN}:/usr/bin:/bin"},
    )
    ignore = ["__pycache__", "weavz_client.egg-info", ".ruff_cache"]
    compared = filecmp.dircmp(tmp_path / "python", CLIENTS / "python", ignore=ignore)
    assert _differences(compared) == [], "clients/python is stale: run `make client`"


@pytest.fixture
def connected(live_server, transactional_db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"read": "", "write": "", "anon": ""},
    }
    org = OrganizationFactory(name="Acme")
    _key, secret = api_key_create(org=org, name="e2e", actor="test")
    # One connection per request, closed at the end of the test: the live server's request
    # threads must be done with the (shared) database connection before it is torn down.
    client = AuthenticatedClient(
        base_url=live_server.url,
        token=secret,
        raise_on_unexpected_status=True,
        headers={"Connection": "close"},
    )
    with client:
        yield client, org


def test_the_generated_client_drives_the_whole_connections_api(connected):
    client, _org = connected
    openai = create_connection.sync(client=client, body=ConnectionCreateRequest.from_dict(OPENAI))
    slack = create_connection.sync(client=client, body=ConnectionCreateRequest.from_dict(SLACK))
    assert isinstance(openai, Connection) and isinstance(slack, Connection)
    assert openai.status == ConnectionStatus.ACTIVE and slack.external_id == "user-42"
    assert openai.created_at.tzinfo is not None and openai.created_at.microsecond == 0
    assert isinstance(ConnectionCreateRequest.from_dict(OPENAI).value, SecretTextValue)
    assert isinstance(ConnectionCreateRequest.from_dict(SLACK).value, OAuth2Value)

    only_slack = list_connections.sync(client=client, piece_name="slack")
    assert isinstance(only_slack, ConnectionPage)
    assert [c.id for c in only_slack.data] == [slack.id] and only_slack.next_ is None

    got = get_connection.sync(client=client, id=slack.id)
    assert got is not None and got.to_dict() | {"value": None} == {
        **slack.to_dict(),
        "value": None,
    }

    patched = update_connection.sync(
        client=client,
        id=openai.id,
        body=PatchedConnectionUpdateRequest(status=ConnectionStatus.ERROR),
    )
    assert isinstance(patched, Connection) and patched.status == ConnectionStatus.ERROR
    update_connection.sync(
        client=client,
        id=openai.id,
        body=PatchedConnectionUpdateRequest(status=ConnectionStatus.ACTIVE),
    )

    policy = put_policy.sync_detailed(
        client=client,
        body=PolicyPutRequest(
            piece_name="openai",
            project_id=None,
            type_=PolicyType.ENFORCED_ORG,
            connection_id=openai.id,
        ),
    )
    assert policy.status_code == 201 and isinstance(policy.parsed, Policy)
    resolution = resolve_connection.sync(client=client, body=ResolveRequest(piece_name="openai"))
    assert isinstance(resolution, Resolution)
    assert resolution.connection.id == openai.id
    assert resolution.source == ResolutionSource.ENFORCED_ORG
    assert resolution.policy is not None and resolution.policy.id == policy.parsed.id

    conflict = create_connection.sync_detailed(
        client=client, body=ConnectionCreateRequest.from_dict(SLACK)
    )
    assert conflict.status_code == 409 and isinstance(conflict.parsed, ErrorEnvelope)
    assert conflict.parsed.error.code == ErrorCode.CONFLICT and conflict.parsed.error.request_id

    deleted = delete_connection.sync_detailed(client=client, id=slack.id)
    assert deleted.status_code == 200 and isinstance(deleted.parsed, Success)
    assert deleted.parsed.success is True
    missing = get_connection.sync_detailed(client=client, id=slack.id)
    assert missing.status_code == 404 and isinstance(missing.parsed, ErrorEnvelope)
    assert missing.parsed.error.code == ErrorCode.NOT_FOUND


def test_the_generated_client_pages_through_120_connections_50_at_a_time(connected):
    client, org = connected
    ConnectionFactory.create_batch(120, org=org)
    seen: list[str] = []
    sizes: list[int] = []
    cursor = None
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = list_connections.sync(client=client, limit=50, **kwargs)
        assert isinstance(page, ConnectionPage)
        sizes.append(len(page.data))
        seen += [c.id for c in page.data]
        if page.next_ is None:
            break
        cursor = page.next_
    assert sizes == [50, 50, 20]
    assert len(set(seen)) == 120 and seen == sorted(seen, reverse=True)
