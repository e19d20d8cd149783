"""Background jobs of the orgs app (imported by the job worker; see weavz/jobs.py)."""

from orgs.services import idempotency_records_purge
from weavz.jobs import job


@job(queue="maintenance", retry=3, periodic="*/10 * * * *")
def purge_idempotency_records() -> None:
    """Idempotency records live 24 hours (weavz/api/idempotency.py); older ones are dead."""
    idempotency_records_purge()
