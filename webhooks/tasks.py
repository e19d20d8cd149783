"""The webhooks app's jobs, for the worker's discovery of ``tasks`` modules."""

from webhooks.delivery import deliver_webhook

__all__ = ["deliver_webhook"]
