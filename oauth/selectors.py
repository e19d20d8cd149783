"""Every read of OAuth apps (API, console, the connect page, refresh); each names its org."""

from django.db.models import QuerySet

from oauth.models import OAuthApp
from weavz.api.filters import Filters
from weavz.api.pagination import Page, PageRequest, keyset_page
from weavz.api.sql import org_queryset

OAUTH_APP_FILTERS = Filters()


def oauth_apps(*, org_id: str) -> "QuerySet[OAuthApp]":
    """The org's OAuth apps (metadata; the sealed secret is not loaded)."""
    return org_queryset(OAuthApp, org_id).defer("client_secret")


def oauth_app_get(*, org_id: str, app_id: str) -> OAuthApp | None:
    return oauth_apps(org_id=org_id).filter(pk=app_id).first()


def oauth_app_page(*, org_id: str, page: PageRequest) -> Page[OAuthApp]:
    return keyset_page(oauth_apps(org_id=org_id), page)


def oauth_app_for_piece(*, org_id: str, piece_name: str) -> OAuthApp | None:
    """The org's app for a piece, secret included (for a token request)."""
    return org_queryset(OAuthApp, org_id).filter(piece_id=piece_name).first()


def oauth_app_exists(*, org_id: str, piece_name: str) -> bool:
    return oauth_apps(org_id=org_id).filter(piece_id=piece_name).exists()
