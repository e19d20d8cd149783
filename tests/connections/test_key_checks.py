import logging
from io import StringIO

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.test import Client, override_settings

from connections.checks import (
    check_encryption_keys,
    check_stored_kids,
    readiness_cache,
    stored_keys_ready,
    undecryptable_kids,
)
from connections.crypto import Keyring
from connections.models import Connection
from connections.rotation import MALFORMED_KID
from tests.connections.test_rotation import BEFORE, DURING, LOST, NEW_ONLY, OLD, make_connections

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_readiness_cache():
    readiness_cache.clear()
    yield
    readiness_cache.clear()


def test_the_configured_keys_pass_the_system_check():
    assert check_encryption_keys() == []
    call_command("check", stdout=StringIO())


def test_a_missing_keyring_is_a_system_check_error():
    with override_settings(ENCRYPTION_KEYRING=None):
        [error] = check_encryption_keys()
    assert isinstance(error, Error)
    assert error.id == "connections.E001"
    assert "generate_encryption_key" in error.hint


def test_a_key_that_cannot_round_trip_is_a_system_check_error():
    class BrokenKeyring(Keyring):
        def decrypt(self, envelope: str, context: bytes) -> bytes:
            return b"not what was sealed"

    with override_settings(ENCRYPTION_KEYRING=BrokenKeyring(OLD)):
        [error] = check_encryption_keys()
    assert error.id == "connections.E002"
    assert OLD.kid in error.msg


def test_stored_kids_no_key_has_are_found_and_named():
    make_connections(2, ring=DURING)
    make_connections(1, ring=Keyring(LOST))
    with override_settings(ENCRYPTION_KEYRING=DURING):
        assert undecryptable_kids() == [LOST.kid]


def test_stored_kids_under_previous_keys_are_fine():
    make_connections(2, ring=BEFORE)
    with override_settings(ENCRYPTION_KEYRING=DURING):
        assert undecryptable_kids() == []


def test_a_malformed_header_is_named_malformed_never_echoed():
    [pk] = make_connections(1, ring=DURING)
    Connection.objects.filter(pk=pk).update(value="enc:v2:plaintextleak:AAAA")
    with override_settings(ENCRYPTION_KEYRING=DURING):
        assert undecryptable_kids() == [MALFORMED_KID]


def test_the_database_check_warns_about_undecryptable_kids():
    make_connections(1, ring=BEFORE)
    with override_settings(ENCRYPTION_KEYRING=NEW_ONLY):
        [warning] = check_stored_kids(databases=["default"])
        assert check_stored_kids(databases=None) == []
    assert warning.id == "connections.W001"
    assert OLD.kid in warning.msg


def test_readyz_is_ready_when_every_stored_kid_has_a_key():
    make_connections(2, ring=BEFORE)
    with override_settings(ENCRYPTION_KEYRING=DURING):
        response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storedKeys"] == "ok"


def test_readyz_fails_with_a_clear_log_line_when_a_stored_kid_has_no_key(caplog):
    make_connections(1, ring=BEFORE)
    with (
        override_settings(ENCRYPTION_KEYRING=NEW_ONLY),
        caplog.at_level(logging.ERROR, logger="weavz.encryption"),
    ):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "encryptionKey": "ok", "storedKeys": "undecryptable"},
    }
    [record] = [r for r in caplog.records if r.name == "weavz.encryption"]
    assert OLD.kid in record.getMessage()
    assert "ENCRYPTION_KEYS_PREVIOUS" in record.getMessage()


def test_the_stored_kid_query_is_cached_between_probes(django_assert_num_queries):
    make_connections(1, ring=BEFORE)
    with override_settings(ENCRYPTION_KEYRING=DURING, READINESS_KIDS_TTL_SECONDS=300):
        assert stored_keys_ready() == {"storedKeys": "ok"}
        with django_assert_num_queries(0):
            assert stored_keys_ready() == {"storedKeys": "ok"}


def test_the_cache_expires_so_a_fixed_configuration_becomes_ready():
    make_connections(1, ring=BEFORE)
    with override_settings(ENCRYPTION_KEYRING=NEW_ONLY, READINESS_KIDS_TTL_SECONDS=0):
        assert stored_keys_ready() == {"storedKeys": "undecryptable"}
    with override_settings(ENCRYPTION_KEYRING=DURING, READINESS_KIDS_TTL_SECONDS=0):
        assert stored_keys_ready() == {"storedKeys": "ok"}


def test_readyz_turns_a_broken_readiness_check_into_503_not_500():
    with override_settings(READINESS_CHECKS=["connections.checks.does_not_exist"]):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["does_not_exist"] == "error"
