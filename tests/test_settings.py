"""Start-up refuses a missing or malformed ENCRYPTION_KEY, SECRET_KEY or DATABASE_URL."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM="


def _check(**overrides: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in overrides}
    env |= {k: v for k, v in overrides.items() if v is not None}
    env["WEAVZ_ENV_FILE"] = "/nonexistent/.env"
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"ENCRYPTION_KEY": None}, "generate_encryption_key"),
        ({"ENCRYPTION_KEY": ""}, "generate_encryption_key"),
        ({"ENCRYPTION_KEY": "not base64 !!"}, "ENCRYPTION_KEY"),
        ({"ENCRYPTION_KEY": "c2hvcnQ="}, "ENCRYPTION_KEY"),
        ({"ENCRYPTION_KEYS_PREVIOUS": f"{GOOD_KEY},garbage"}, "ENCRYPTION_KEYS_PREVIOUS"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
    ],
)
def test_start_up_stops_with_a_sentence_that_says_how_to_fix_it(overrides, needle):
    result = _check(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert needle in result.stderr.splitlines()[-1]
    assert "not base64 !!" not in result.stderr


def test_start_up_succeeds_with_good_values():
    result = _check(ENCRYPTION_KEY=GOOD_KEY, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=os.environ
        | {
            "WEAVZ_ENV_FILE": "/nonexistent/.env",
            "SECRET_KEY": "p" * 20 + "Q-9_xYz!" * 6,
            "ENCRYPTION_KEY": GOOD_KEY,
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "true",
            "ALLOWED_HOSTS": "api.example.com",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generate_encryption_key_works_before_any_key_or_secret_is_configured():
    env = {k: v for k, v in os.environ.items() if k not in ("ENCRYPTION_KEY", "SECRET_KEY")}
    env["WEAVZ_ENV_FILE"] = "/nonexistent/.env"
    result = subprocess.run(
        [sys.executable, "manage.py", "generate_encryption_key"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert len(base64.b64decode(result.stdout.strip())) == 32
