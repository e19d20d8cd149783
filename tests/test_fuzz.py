"""Schema fuzzing: schemathesis 4 drives every operation of the app's own OpenAPI schema in-process.

Three phases per operation: the schema's examples, the coverage phase (boundary values and, for
each constraint, a value that breaks it: the negative checks) and random fuzzing. Every default
check runs: no 5xx; every response (errors included) as documented (status, content type,
headers, body); schema-breaking input rejected; schema-valid input accepted. ``FUZZ_EXAMPLES``
(default 10) bounds the fuzzing phase so the suite stays quick; ``make fuzz`` runs far more
with a fresh seed each time.

What the schema cannot express is said here, once: whether a piece, a project or a connection
named in a write exists, and whether a value's type is one the piece accepts, depends on stored
data, so those writes may answer 400 VALIDATION_ERROR to a schema-valid body (it names the field).
"""

import os
import re
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tests.factories import ConnectionFactory, ProjectFactory
from weavz.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Reproducible in CI; `make fuzz` sets FUZZ_RANDOM=1 to explore new inputs on every run.
DETERMINISTIC = os.environ.get("FUZZ_RANDOM", "") != "1"
# Writes whose validity depends on stored data (the catalog, the org's projects, connections).
DATA_DEPENDENT = [
    "createConnection",
    "updateConnection",
    "putPolicy",
    "resolveConnection",
    "createOAuthApp",
    "executeAction",
    "createConnectSession",
    # An endpoint URL's host must resolve (and to an allowed address): it depends on the DNS.
    "createWebhookEndpoint",
    "updateWebhookEndpoint",
    *(f"proxy{method}" for method in ("Get", "Post", "Put", "Patch", "Delete")),
]
ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES,
            "deterministic": DETERMINISTIC,
            "database": "none",
            # Unknown query parameters are ignored on purpose (not a schema violation here).
            "allow-extra-parameters": False,
            # NUL is refused in every string (PostgreSQL text cannot hold it; the API
            # description says so), which JSON Schema has no keyword for.
            "allow-x00": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        "operations": [
            {
                "include-operation-id": operation,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
            }
            for operation in DATA_DEPENDENT
        ],
    }
)

ran: Counter[str] = Counter()


@pytest.fixture
def web_schema(db, settings):
    # The fuzzer is one client sending thousands of requests: no rate limit for it.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"read": "", "write": "", "anon": ""},
    }
    # Calling the WSGI app directly (unlike Django's test client) would close the test's
    # database connection at the end of each request; keep it for the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema", application, config=CONFIG)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("web_schema")


@pytest.fixture
def seeded(api, org):
    """A few real objects, so that not every id the fuzzer sends is unknown."""
    project = ProjectFactory.create(org=org)
    ConnectionFactory.create(org=org, project=project)
    return api


@pytest.fixture(scope="module", autouse=True)
def report_cases():
    yield
    if ran:
        total = sum(ran.values())
        print(f"\nschemathesis: {total} generated cases over {len(ran)} operations")


def _headers(case, secret):
    """The key, unless the case is about the headers themselves (a key left out or mangled on
    purpose must reach the API as generated, and be refused)."""
    headers = case.meta.components.get("header") if case.meta else None
    if headers is not None and headers.mode.is_negative:
        return {}
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
def test_every_operation_answers_within_its_schema(case, seeded):
    ran[f"{case.method} {case.path}"] += 1
    case.call_and_validate(headers=_headers(case, seeded.secret))


# Hostile inputs that once answered 500, sent to every operation of the schema so that a new
# operation is covered too: a NUL character in every path and query parameter, digits that are
# not ASCII in every integer parameter, a body nested 5,000 levels deep, and every method a
# route does not declare.
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
DEEP_BODY = "[" * 5000 + "]" * 5000


def _operations(api):
    paths = api.get("/api/v1/schema").json()["paths"]
    return {
        path: {m: op for m, op in item.items() if m in HTTP_METHODS} for path, item in paths.items()
    }


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def _assert_envelope(response, status, what):
    assert response.status_code == status, (
        f"{what}: {response.status_code} {response.content[:200]}"
    )
    assert response["Content-Type"].startswith("application/json"), what
    assert set(response.json()) == {"error"}, what


def test_every_operation_refuses_hostile_inputs_with_a_4xx(seeded):
    api = seeded
    operations = _operations(api)
    assert operations
    for path, methods in operations.items():
        for method, operation in methods.items():
            what = f"{method.upper()} {path}"
            send = getattr(api, method)
            if "{" in path:
                _assert_envelope(send(_fill(path, "x%00")), 400, f"{what} with a NUL in the path")
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                url = f"{_fill(path, 'x')}?{parameter['name']}=a%00"
                _assert_envelope(send(url), 400, f"{what} ?{parameter['name']} with a NUL")
                if parameter.get("schema", {}).get("type") == "integer":
                    url = f"{_fill(path, 'x')}?{parameter['name']}=²"
                    _assert_envelope(send(url), 400, f"{what} ?{parameter['name']}=²")
            if "requestBody" in operation:
                response = api.generic(
                    method.upper(), _fill(path, "x"), DEEP_BODY, content_type="application/json"
                )
                _assert_envelope(response, 400, f"{what} with a deeply nested body")
        for method in set(HTTP_METHODS) - set(methods):
            response = getattr(api, method)(_fill(path, "x"))
            _assert_envelope(response, 405, f"{method.upper()} {path} (not declared)")
            assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
