"""OAuth app secrets are sealed columns like connection values: rotation and verify cover them."""

import json

import pytest
from django.test import override_settings

from connections.fields import Sealed
from oauth.models import OAuthApp
from tests.connections.test_rotation import BEFORE, DURING, NEW, OLD, run
from tests.oauth.provider import slack_oauth_app

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.xfail(
        strict=True,
        reason="rotation and verify find sealed columns by field type once issue 16 (hardening) "
        "is merged; remove this mark then",
    ),
]


@pytest.fixture
def app(org):
    with override_settings(ENCRYPTION_KEYRING=BEFORE):
        return slack_oauth_app(org, client_secret="rotate-me-PLAINTEXT")


def stored_kid(app):
    return Sealed(OAuthApp.objects.values_list("client_secret", flat=True).get(pk=app.pk)).kid


def test_rotate_encryption_key_reencrypts_oauth_app_secrets(app):
    assert stored_kid(app) == OLD.kid
    with override_settings(ENCRYPTION_KEYRING=DURING):
        out, _err, code = run("rotate_encryption_key", "--json")
        assert code == 0, out
        assert stored_kid(app) == NEW.kid
        assert OAuthApp.objects.get(pk=app.pk).decrypted_client_secret() == "rotate-me-PLAINTEXT"
    assert "rotate-me" not in out


def test_verify_encryption_counts_oauth_app_secrets(app):
    with override_settings(ENCRYPTION_KEYRING=DURING):
        out, _err, code = run("verify_encryption", "--json")
    assert code == 0
    assert json.loads(out)["kids"] == {OLD.kid: 1}
