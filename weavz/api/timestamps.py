from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone


class UpdatedAtField(models.DateTimeField):  # type: ignore[type-arg]
    """``auto_now`` that equals ``created_at`` on insert, so a new object's two stamps match."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", timezone.now)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> datetime:
        created: datetime | None = getattr(model_instance, "created_at", None)
        value = created if add and created is not None else timezone.now()
        setattr(model_instance, self.attname, value)
        return value


def created_at_field() -> "models.DateTimeField[datetime, datetime]":
    return models.DateTimeField(default=timezone.now, editable=False)
