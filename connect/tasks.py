"""Background jobs of the connect app (imported by the job worker; see weavz/jobs.py)."""

from connect.services import connect_sessions_purge
from weavz.jobs import job


@job(queue="maintenance", retry=3, periodic="17 * * * *")
def purge_connect_sessions() -> None:
    """Expired OAuth attempts, and sessions long past their expiry (API.md, "Background jobs")."""
    connect_sessions_purge()
