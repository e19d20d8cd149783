"""What the API plumbing needs to know about the caller, as a protocol an app satisfies.

``weavz.api`` sits below every app and imports none of them. Authentication (``orgs.auth``) puts
an object satisfying ``Principal`` in ``request.user``; throttling, idempotency and the access
log read only these attributes.
"""

from typing import Any, Protocol, cast


class Principal(Protocol):
    @property
    def org_id(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    @property
    def actor(self) -> str: ...


def principal_of(request: Any) -> Principal | None:
    """``request.user`` when it is an authenticated caller, else ``None``."""
    user = getattr(request, "user", None)
    return cast(Principal, user) if getattr(user, "org_id", None) else None
