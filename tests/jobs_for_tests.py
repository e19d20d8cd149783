"""A job that only tests enqueue; worker processes import it through JOBS_IMPORT_PATHS."""

from orgs.audit import audit_record
from weavz.jobs import job

WORKER_ENV = {"JOBS_IMPORT_PATHS": "tests.jobs_for_tests"}


@job(queue="test")
def record_a_run(*, org_id: str) -> None:
    audit_record(org_id=org_id, action="test.job_ran", actor="job")
