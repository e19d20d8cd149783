"""The console: each org's allowed redirect URIs (audited) and a read-only list of sessions."""

import pytest

from connect.models import AllowedRedirectUri
from connect.services import connect_session_create
from orgs.models import AuditEvent
from tests.admin.conftest import ScanningClient

pytestmark = pytest.mark.django_db
URI = "https://app.example.com/connected"


def test_an_operator_adds_an_allowed_redirect_uri_and_it_is_audited(console, org):
    response = console.post(
        "/admin/connect/allowedredirecturi/add/", {"org": org.pk, "uri": URI}, follow=True
    )
    assert response.status_code == 200
    assert list(AllowedRedirectUri.objects.values_list("org_id", "uri")) == [(org.pk, URI)]
    event = AuditEvent.objects.get(action="connect.redirect_uri_added")
    assert event.actor == "admin:alice" and event.metadata == {"uri": URI}


def test_an_operator_removes_an_allowed_redirect_uri_and_it_is_audited(console, org):
    allowed = AllowedRedirectUri.objects.create(org=org, uri=URI)
    response = console.post(
        f"/admin/connect/allowedredirecturi/{allowed.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AllowedRedirectUri.objects.exists()
    assert AuditEvent.objects.get(action="connect.redirect_uri_removed").actor == "admin:alice"


def test_an_allowed_redirect_uri_is_not_edited_in_place(console, org):
    allowed = AllowedRedirectUri.objects.create(org=org, uri=URI)
    console.post(
        f"/admin/connect/allowedredirecturi/{allowed.pk}/change/",
        {"org": org.pk, "uri": "https://evil.example.com/"},
    )
    allowed.refresh_from_db()
    assert allowed.uri == URI


def test_the_console_refuses_a_malformed_redirect_uri(console, org):
    response = console.post(
        "/admin/connect/allowedredirecturi/add/", {"org": org.pk, "uri": "not a uri"}
    )
    assert response.status_code == 200 and b"Enter a valid URL" in response.content
    assert not AllowedRedirectUri.objects.exists()


def test_a_redirect_uri_added_in_the_console_is_accepted_by_the_api(console, org, api):
    console.post("/admin/connect/allowedredirecturi/add/", {"org": org.pk, "uri": URI})
    response = api.post(
        "/api/v1/connect/sessions",
        {"pieceName": "openai", "externalId": "u", "successRedirectUri": URI},
        format="json",
    )
    assert response.status_code == 201


def test_sessions_are_listed_read_only_without_their_token(console: ScanningClient, org):
    new = connect_session_create(org=org, piece_name="openai", external_id="u-1", actor="test")
    console.forbid(new.token, new.session.token_hash)
    listing = console.get("/admin/connect/connectsession/")
    assert listing.status_code == 200 and new.session.id in listing.content.decode()
    page = console.get(f"/admin/connect/connectsession/{new.session.id}/change/")
    assert page.status_code == 200 and b"PENDING" in page.content
    assert b'name="external_id"' not in page.content  # read-only
