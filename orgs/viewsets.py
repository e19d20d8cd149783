"""The org-scoped viewset base: authentication, scope permission and the caller's org.

Views read through their app's selectors, passing ``self.org.id`` (the selectors build the org
into every statement: ``weavz.api.sql.OrgStatements``, ``org_queryset``); another org's object is
then simply not found (404). A viewset that still reads a queryset directly overrides
``scoped_queryset``, never ``get_queryset``, so it cannot forget the org filter either.
"""

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework.viewsets import GenericViewSet

from orgs.auth import ApiClient
from orgs.models import Organization


class OrgScopedViewSet(GenericViewSet):  # type: ignore[type-arg]
    read_scope: str | None = None
    write_scope: str | None = None

    @property
    def client(self) -> ApiClient:
        return cast(ApiClient, self.request.user)

    @property
    def org(self) -> Organization:
        return self.client.org

    def scoped_queryset(self) -> "QuerySet[Any]":
        assert self.queryset is not None, f"{type(self).__name__} needs a queryset"
        return self.queryset.all()

    def get_queryset(self) -> "QuerySet[Any]":
        if getattr(self, "swagger_fake_view", False):  # schema generation has no request.org
            return self.scoped_queryset().none()
        return self.scoped_queryset().filter(org_id=self.org.id)


def id_parameter(prefix: str, description: str, name: str = "id") -> OpenApiParameter:
    """The ``{id}`` path parameter of an object whose ids start with ``prefix_``."""
    return OpenApiParameter(
        name,
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 40,
            "example": f"{prefix}_01jh6x3k5bf4jr0q8z6g9m2c7d",
        },
        OpenApiParameter.PATH,
        description=description,
    )
