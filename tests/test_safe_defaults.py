"""Safe defaults: security headers, CORS closed, `check --deploy` clean, a movable admin."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
ENCRYPTION_KEY = "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM="


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **base,
            "WEAVZ_ENV_FILE": "/nonexistent/.env",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ENCRYPTION_KEY": ENCRYPTION_KEY,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db
def test_api_responses_carry_the_security_headers(api):
    response = api.get("/api/v1/projects")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_cors_is_closed_preflight_and_actual_request_get_no_cors_headers(api):
    origin = {"HTTP_ORIGIN": "https://evil.example"}
    preflight = Client().options(
        "/api/v1/connections", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **origin
    )
    actual = api.get("/api/v1/connections", **origin)
    for response in (preflight, actual):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def test_check_deploy_is_clean_with_production_defaults():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_admin_path_is_configurable():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = _manage("shell", "-c", code, ADMIN_PATH="ops-7f3a")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/ops-7f3a/"


def test_a_malformed_rate_limit_stops_start_up_with_a_sentence():
    result = _manage("check", THROTTLE_WRITE_RATE="lots")
    assert result.returncode != 0
    assert "THROTTLE_WRITE_RATE" in result.stderr and "6000/min" in result.stderr
