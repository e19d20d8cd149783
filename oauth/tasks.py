"""Background jobs of the oauth app (imported by the job worker; see weavz/jobs.py)."""

from oauth.refresh import refresh_sweep
from weavz.jobs import job


@job(queue="refresh", periodic="* * * * *")
def sweep_expiring_tokens() -> None:
    """Every minute: refresh ACTIVE tokens expiring within REFRESH_MARGIN_SECONDS, so idle
    connections do not go stale (rows another worker holds are skipped)."""
    refresh_sweep()
