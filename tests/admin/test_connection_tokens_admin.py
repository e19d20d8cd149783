"""The console shows an OAuth2 connection's token expiry and last refresh outcome, never a token."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from oauth.refresh import refresh_if_expiring
from tests.oauth.provider import SECRETS, reload

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_connection_page_shows_expiry_and_last_refresh_but_no_token(
    console, make_oauth_connection, token_endpoint
):
    console.forbid(*SECRETS)
    with time_machine.travel(T0, tick=False):
        conn = make_oauth_connection(expires_in=60)
        refresh_if_expiring(connection=reload(conn), actor="test")
    console.forbid_connection(conn)
    page = console.get(f"/admin/connections/connection/{conn.pk}/change/").content.decode()
    assert "expires 2026-03-01 13:00:00 UTC" in page
    assert "last refresh REFRESHED at 2026-03-01 12:00:00 UTC" in page
    listing = console.get("/admin/connections/connection/").content.decode()
    assert "Token expires" in listing


def test_a_failing_refresh_shows_since_when_and_the_next_attempt(
    console, make_oauth_connection, token_endpoint
):
    token_endpoint.status = 503
    with time_machine.travel(T0, tick=False):
        conn = make_oauth_connection(expires_in=60)
        refresh_if_expiring(connection=reload(conn), actor="test")
    page = console.get(f"/admin/connections/connection/{conn.pk}/change/").content.decode()
    assert "last refresh FAILED" in page
    assert "failing since 2026-03-01 12:00:00 UTC (1 attempts)" in page
    assert f"next attempt {(T0 + timedelta(minutes=1)):%Y-%m-%d %H:%M:%S} UTC" in page
