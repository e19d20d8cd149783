"""The two functions execute and the proxy call: refresh before sending, one retry after a 401."""

import pytest

from oauth.refresh import credential_for_retry, credential_for_use
from tests.factories import ConnectionFactory
from tests.oauth.provider import ACCESS, NEW_ACCESS, reload
from weavz.api.errors import ConnectionNotActive

pytestmark = pytest.mark.django_db


def use(conn):
    return credential_for_use(connection=reload(conn), actor="key_test")


def test_a_fresh_token_is_sent_as_stored_without_a_token_request(
    make_oauth_connection, token_endpoint
):
    _conn, value = use(make_oauth_connection(expires_in=7200))
    assert value["access_token"] == ACCESS and token_endpoint.count == 0


def test_an_expiring_token_is_refreshed_before_it_is_sent(make_oauth_connection, token_endpoint):
    conn, value = use(make_oauth_connection(expires_in=60))
    assert value["access_token"] == NEW_ACCESS and token_endpoint.count == 1
    assert conn.status == "ACTIVE"


def test_a_token_the_provider_will_not_refresh_is_not_sent(make_oauth_connection, token_endpoint):
    token_endpoint.status, token_endpoint.answer = 400, {"error": "invalid_grant"}
    with pytest.raises(ConnectionNotActive):
        use(make_oauth_connection(expires_in=60))


def test_while_the_provider_is_down_the_current_token_is_still_sent(
    make_oauth_connection, token_endpoint
):
    token_endpoint.status = 503
    _conn, value = use(make_oauth_connection(expires_in=60))
    assert value["access_token"] == ACCESS


def test_other_value_types_pass_through(org):
    _conn, value = use(ConnectionFactory(org=org))
    assert value == {"type": "SECRET_TEXT", "secret_text": "sk-factory"}


def test_after_a_401_a_token_without_expiry_is_refreshed_for_one_retry(
    make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection(expires_in=None)
    value = credential_for_retry(connection_id=conn.id, actor="key_test", sent_access_token=ACCESS)
    assert value["access_token"] == NEW_ACCESS and token_endpoint.count == 1


def test_a_second_401_with_the_old_token_gets_the_new_one_without_a_request(
    make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection(expires_in=None)
    credential_for_retry(connection_id=conn.id, actor="key_test", sent_access_token=ACCESS)
    value = credential_for_retry(connection_id=conn.id, actor="key_test", sent_access_token=ACCESS)
    assert value["access_token"] == NEW_ACCESS and token_endpoint.count == 1


def test_a_401_with_the_newest_token_and_a_refused_refresh_means_no_retry(
    make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection(expires_in=None)
    token_endpoint.status, token_endpoint.answer = 400, {"error": "invalid_grant"}
    value = credential_for_retry(connection_id=conn.id, actor="key_test", sent_access_token=ACCESS)
    assert value is None and reload(conn).status == "ERROR"


def test_no_retry_while_the_provider_is_down(make_oauth_connection, token_endpoint):
    conn = make_oauth_connection(expires_in=None)
    token_endpoint.status = 500
    assert (
        credential_for_retry(connection_id=conn.id, actor="key_test", sent_access_token=ACCESS)
        is None
    )
