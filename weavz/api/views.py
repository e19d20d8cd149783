"""Service endpoints for load balancers and orchestrators; no authentication, no secrets."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

logger = logging.getLogger("weavz.health")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _run_readiness_check(path: str) -> dict[str, str]:
    """An app's check, named in settings.READINESS_CHECKS: ``() -> {"name": "ok" | problem}``.

    Imported by dotted path so this module depends on no app (apps depend on weavz.api).
    """
    try:
        result: dict[str, str] = import_string(path)()
    except Exception as exc:  # a broken check means not ready, never a 500 from the probe
        logger.error("readyz: check %s raised %s", path, type(exc).__name__)
        return {path.rsplit(".", 1)[-1]: "error"}
    return result


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means not ready
        logger.warning("readyz: database unreachable: %s", type(exc).__name__)
        checks["database"] = "unreachable"
    checks["encryptionKey"] = "ok" if settings.ENCRYPTION_KEYRING.current else "missing"
    if checks["database"] == "ok":
        for path in getattr(settings, "READINESS_CHECKS", []):
            checks.update(_run_readiness_check(path))
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
