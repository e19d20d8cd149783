"""Schema fuzzing: schemathesis drives every operation of the app's own OpenAPI schema in-process.

The bar: no 5xx, and every response (errors included) conforms to the documented schema: status
code, content type, headers and body. CI runs ``FUZZ_EXAMPLES`` (default 25) derandomized
cases per operation; ``make fuzz`` runs many more with a fresh seed each time.
"""

import os
import re
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import DataGenerationMethod
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests.factories import ConnectionFactory, ProjectFactory
from weavz.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# Reproducible in CI; `make fuzz` sets FUZZ_RANDOM=1 to explore new inputs on every run.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"

# Valid inputs, plus (FUZZ_NEGATIVE=1, on in `make fuzz`) inputs that break the schema on purpose.
GENERATION = [DataGenerationMethod.positive] + (
    [DataGenerationMethod.negative] if os.environ.get("FUZZ_NEGATIVE") == "1" else []
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
    yield schemathesis.from_wsgi("/api/v1/schema", application, data_generation_methods=GENERATION)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.from_pytest_fixture("web_schema")


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


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_schema(case, seeded):
    ran[f"{case.method} {case.path}"] += 1
    # Passed as explicit auth, so schemathesis also checks the operation refuses it removed/bad.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {seeded.secret}"},
        # Schema-breaking inputs must not crash nor answer off-schema, but the API may accept
        # some of them on purpose: unknown query parameters are ignored, `?limit=` is the default.
        excluded_checks=(negative_data_rejection,),
    )


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
