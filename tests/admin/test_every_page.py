"""Visit every page of every model in the console, with data in it, and scan each for secrets."""

import json

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from connect.services import connect_session_create
from connections.models import Connection
from oauth.models import OAuthApp
from orgs.models import ApiKey, Project
from policies.models import ConnectionPolicy
from tests.admin.conftest import SECRET_TEXT
from tests.jobs_for_tests import record_a_run
from weavz import jobs
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db
OAUTH_SECRET = "oauth-client-secret-PLAINTEXT-77aa"


@pytest.fixture
def populated(console, org, connection, receiver):
    """Every model has a row, made through the console so history pages have entries."""
    response = console.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"org": org.pk, "url": receiver.url_for("/hook"), "events": ["*"]},
    )
    webhook_secret = response.context["made"][0][1]
    console.forbid(webhook_secret, webhook_secret.removeprefix("whsec_"))
    response = console.post(
        "/admin/orgs/apikey/add/", {"org": org.pk, "name": "crawl", "scopes": ["audit:read"]}
    )
    key = ApiKey.objects.get(name="crawl")
    console.forbid(response.context["secret"], key.secret_hash)
    console.post(
        f"/admin/connections/connection/{connection.pk}/change/",
        {
            "display_name": "Renamed",
            "status": "ACTIVE",
            "credentials": json.dumps({"type": "SECRET_TEXT", "secret_text": SECRET_TEXT + "2"}),
        },
    )
    console.forbid(SECRET_TEXT + "2")
    console.forbid_connection(connection)
    console.post("/admin/orgs/project/add/", {"org": org.pk, "name": "Web"})
    console.post(
        "/admin/policies/connectionpolicy/add/",
        {
            "org": org.pk,
            "project": "",
            "piece": "openai",
            "type": "ENFORCED_ORG",
            "connection": connection.pk,
        },
    )
    console.post(
        "/admin/connect/allowedredirecturi/add/",
        {"org": org.pk, "uri": "https://app.example.com/connected"},
    )
    session = connect_session_create(
        org=org, piece_name="stripe", external_id="user-1", actor="test"
    )
    console.forbid(session.token, session.session.token_hash)
    assert ConnectionPolicy.objects.exists() and Project.objects.exists()
    assert WebhookDelivery.objects.exists()  # the connection's change, to the endpoint
    assert LogEntry.objects.count() >= 4
    Group.objects.create(name="operators")
    console.post(
        "/admin/oauth/oauthapp/add/",
        {
            "org": org.pk,
            "piece": "slack",
            "client_id": "crawl-client",
            "new_client_secret": OAUTH_SECRET,
            "scopes": "chat:write",
        },
    )
    console.forbid(OAUTH_SECRET)
    app = OAuthApp.objects.get(client_id="crawl-client")
    console.forbid(OAuthApp.objects.values_list("client_secret", flat=True).get(pk=app.pk))
    if jobs.backend() == jobs.PROCRASTINATE:
        jobs.defer(record_a_run, org_id=org.id)  # the job queue's console page gets a row
    return console


def pages():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        yield model, model_admin, base


def test_every_console_page_renders_and_shows_no_secret(populated, staff):
    console = populated
    seen = 0
    for model, _model_admin, base in pages():
        assert console.get(reverse(f"{base}_changelist")).status_code == 200
        assert console.get(reverse(f"{base}_add")).status_code in (200, 403)
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model.__name__} to visit"
        for view in ("change", "history", "delete"):
            status = console.get(reverse(f"{base}_{view}", args=[obj.pk])).status_code
            assert status in (200, 403), (model, view, status)
            seen += 1
    assert console.get("/admin/").status_code == 200
    assert console.get("/admin/orgs/").status_code == 200
    assert seen >= 3 * 7


def test_history_and_admin_log_hold_no_secret(populated):
    entries = " ".join(f"{e.object_repr} {e.change_message}" for e in LogEntry.objects.all())
    for secret in populated.forbidden:
        assert secret not in entries
    assert "credentials" in " ".join(e.get_change_message() for e in LogEntry.objects.all())


def test_the_value_is_in_no_form_and_no_column(populated, connection):
    model_admin = admin.site._registry[Connection]
    assert "value" not in model_admin.list_display
    html = populated.get(f"/admin/connections/connection/{connection.pk}/change/").content
    assert b'name="value"' not in html
