"""Reads of OAuth apps; tenancy is a required argument of each."""

from django.db.models import QuerySet

from oauth.models import OAuthApp


def oauth_apps(*, org_id: str) -> "QuerySet[OAuthApp]":
    """The org's OAuth apps (metadata; the sealed secret is not loaded)."""
    return OAuthApp.objects.filter(org_id=org_id).defer("client_secret")


def oauth_app_for_piece(*, org_id: str, piece_name: str) -> OAuthApp | None:
    """The org's app for a piece, secret included (for a token request)."""
    return OAuthApp.objects.filter(org_id=org_id, piece_id=piece_name).first()
