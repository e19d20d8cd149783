"""The webhooks app's jobs (the worker discovers each app's ``tasks`` module)."""

from weavz.jobs import job
from webhooks.delivery import deliver_webhook
from webhooks.services import webhook_events_purge

__all__ = ["deliver_webhook", "purge_webhook_events"]


@job(queue="maintenance", retry=3, periodic="23 * * * *")
def purge_webhook_events() -> None:
    """Hourly: events older than WEBHOOK_RETENTION_DAYS with no delivery still pending."""
    webhook_events_purge()
