import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_a_key():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_the_key():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["encryptionKey"] == "ok"


def test_the_schema_is_openapi_3_and_lists_the_endpoints():
    response = Client().get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/projects" in schema["paths"]


def test_the_docs_are_served_without_internet():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
