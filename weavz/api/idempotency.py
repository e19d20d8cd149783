"""``Idempotency-Key`` for writes, as Stripe does it.

Decorate a view handler with ``@idempotent``. A request without the header runs as usual. With it:

- the first request runs; a 2xx response is stored (status and body) for 24 hours;
- the same key with the same request (method, path, JSON body) replays that response, marked
  ``Idempotent-Replayed: true``, without running the handler again;
- the same key with a different request is ``409 CONFLICT``;
- an error response is not stored: retrying the same key runs the request again.

Keys are scoped to the API key's organization. Records are kept by the app that owns the table
(``orgs.IdempotencyRecord``), which hands its model to ``use_record_model`` when it is ready:
this module sits below the apps and imports none of them. The record row is inserted *before*
the handler runs and inside the same transaction, so a concurrent request with the same key
blocks on the unique index until the first commits and then replays its response: one resource,
two identical answers. Only bodies without an API key secret or an envelope are stored (those
endpoints never return one; the check makes sure of it).
"""

import functools
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from weavz.api.errors import Conflict, ValidationFailed
from weavz.api.principal import principal_of

logger = logging.getLogger("weavz.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(hours=24)
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
_STORED_SECRET = re.compile(r"wvz_[A-Za-z0-9]{8}_|enc:v\d+:")

PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Optional, up to 255 printable ASCII characters. A retry with the same key and "
    "body within 24 h replays the first response; the same key with another body is 409.",
)

Handler = TypeVar("Handler", bound=Callable[..., Response])


class IdempotencyRecordModel(Protocol):
    """A model with ``org_id``, ``key`` (unique together), ``fingerprint``, ``status_code``,
    ``response_body`` and ``created_at`` columns: what this module stores and replays."""

    objects: "models.Manager[Any]"


_record_model: list[IdempotencyRecordModel] = []


def use_record_model(model: IdempotencyRecordModel) -> None:
    """Called once by the owning app's ``AppConfig.ready``."""
    _record_model[:] = [model]


def fingerprint(request: Request) -> str:
    # Keyed (HMAC with SECRET_KEY): the body holds credentials, and a plain hash stored in the
    # database would let anyone reading it test guesses of a weak password offline.
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), cls=JSONEncoder)
    message = f"{request.method} {request.path}\n{body}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _claim(org_id: str, key: str, digest: str) -> tuple[Any, Response | None]:
    """Inserts this request's record, or returns the response to replay instead."""
    Record: Any = _record_model[0]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Record.objects.create(org_id=org_id, key=key, fingerprint=digest), None
        except IntegrityError:
            # Committed by another request (we waited on the unique index if it was running).
            existing = Record.objects.filter(org_id=org_id, key=key).first()
        if existing is None:
            continue  # its request failed and gave the key back
        if existing.created_at < timezone.now() - TTL:
            Record.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        if existing.fingerprint != digest:
            raise Conflict(
                f"This {HEADER} was already used with a different request; use a new key."
            )
        if existing.status_code is None:
            raise Conflict(f"A request with this {HEADER} is still being processed; retry later.")
        replay = Response(existing.response_body, status=existing.status_code)
        replay[REPLAYED_HEADER] = "true"
        return None, replay
    raise Conflict(f"A request with this {HEADER} is still being processed; retry later.")


def idempotent(handler: Handler) -> Handler:
    """Makes a write handler (``def create(self, request, ...)``) honour ``Idempotency-Key``."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not _VALID_KEY.match(key):
            raise ValidationFailed(
                {HEADER: ["Use 1 to 255 printable ASCII characters without spaces."]}
            )
        digest = fingerprint(request)  # parses the body first: malformed JSON stays a 400
        caller = principal_of(request)
        assert caller is not None, "idempotent views are authenticated"
        org_id = caller.org_id
        with transaction.atomic():
            record, replay = _claim(org_id, key, digest)
            if replay is not None:
                return replay
            response = handler(view, request, *args, **kwargs)
            body = json.loads(json.dumps(response.data, cls=JSONEncoder))
            if 200 <= response.status_code < 300 and not _STORED_SECRET.search(json.dumps(body)):
                record.status_code = response.status_code
                record.response_body = body
                record.save(update_fields=["status_code", "response_body"])
            else:
                if response.status_code < 300:
                    logger.error("not storing an idempotent response that holds a secret")
                record.delete()  # the key is free again; the handler's own work stands
            return response

    return extend_schema(parameters=[PARAMETER])(wrapper)  # type: ignore[return-value]
