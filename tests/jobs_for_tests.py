"""A job that only tests enqueue; worker processes import it through JOBS_IMPORT_PATHS."""

from orgs.audit import audit_record
from weavz.jobs import job

WORKER_ENV = {"JOBS_IMPORT_PATHS": "tests.jobs_for_tests"}


@job(queue="test")
def record_a_run(*, org_id: str) -> None:
    audit_record(org_id=org_id, action="test.job_ran", actor="job")


@job(queue="test", retry=1)
def fail_once(*, org_id: str) -> None:
    """Records each attempt; the first one fails."""
    from orgs.models import AuditEvent

    audit_record(org_id=org_id, action="test.attempt", actor="job")
    if AuditEvent.objects.filter(org_id=org_id, action="test.attempt").count() == 1:
        raise RuntimeError("the first attempt fails")
