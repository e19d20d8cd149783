import pytest
from django.contrib.auth.models import User
from django.test import Client

from connections.models import ConnectionStatus
from connections.services import connection_update
from orgs.models import AuditEvent
from orgs.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/", "/admin/connections/connection/"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_user_who_is_not_staff_cannot_use_the_console(db):
    user = User.objects.create_user("mallory", password="not staff at all 123")
    client = Client()
    client.force_login(user)
    response = client.get("/admin/connections/connection/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_log_in_with_a_password(staff):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "alice", "password": "correct horse battery", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_dashboard_counts_orgs_connections_by_status_and_keys(
    console, org, other_org, connection
):
    connection_update(connection=connection, actor="test", status=ConnectionStatus.ERROR)
    key, _ = api_key_create(org=org, name="ops", actor="test")
    api_key_revoke(key=key, actor="test")
    response = console.get("/admin/")
    assert response.status_code == 200
    assert response.context["counts"]["orgs"] == 2
    assert response.context["counts"]["connections"] == 1
    statuses = {row["status"]: row["count"] for row in response.context["connection_statuses"]}
    assert statuses == {"ACTIVE": 0, "ERROR": 1, "EXPIRED": 0}
    assert response.context["keys"] == {"total": 1, "revoked": 1, "expired": 0, "live": 0}
    html = response.content.decode()
    assert "/admin/connections/connection/?status__exact=ERROR" in html


def test_the_dashboard_lists_the_most_recent_audit_events(console, org, connection):
    response = console.get("/admin/")
    events = response.context["recent_events"]
    assert [e.action for e in events][:1] == ["connection.created"]
    assert len(events) <= 10
    assert connection.id in response.content.decode()
    assert AuditEvent.objects.count() == len(events)


def test_the_dashboard_costs_a_fixed_number_of_queries(
    console, org, connection, django_assert_max_num_queries
):
    for n in range(20):
        api_key_create(org=org, name=f"k{n}", actor="test")
    with django_assert_max_num_queries(14):
        assert console.get("/admin/").status_code == 200


def test_the_scanning_client_catches_a_secret_in_a_page(console, org):
    console.forbid(org.name)
    with pytest.raises(AssertionError, match="shows a secret"):
        console.get("/admin/orgs/organization/")
