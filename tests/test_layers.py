"""The arrows between packages are checked by lint-imports (pyproject, `make lint`); these pin
what a layers contract cannot see."""

from pathlib import Path

API = Path(__file__).resolve().parent.parent / "weavz" / "api"


def test_weavz_api_loads_no_app_model_by_name():
    assert [path.name for path in API.glob("*.py") if "get_model" in path.read_text()] == []


def test_the_idempotency_records_reach_weavz_api_through_the_owning_app():
    from orgs.models import IdempotencyRecord
    from weavz.api import idempotency

    assert idempotency._record_model == [IdempotencyRecord]
