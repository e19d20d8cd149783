"""Schema fuzzing: schemathesis drives every operation of the app's own OpenAPI schema in-process.

The bar: no 5xx, and every response (errors included) conforms to the documented schema: status
code, content type, headers and body. CI runs ``FUZZ_EXAMPLES`` (default 25) derandomized
cases per operation; ``make fuzz`` runs many more with a fresh seed each time.
"""

import os
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
