"""An operator's session in a real browser, every page scanned for secrets."""

import json
import re
from typing import Any

from django.contrib.auth.models import User

from connections.models import Connection
from orgs.models import ApiKey, AuditEvent, Organization, Project
from policies.models import ConnectionPolicy
from tests.browser.conftest import SCREENSHOTS

FIRST_SECRET = "sk-browser-FIRST-plaintext-5e1f"
SECOND_SECRET = "sk-browser-SECOND-plaintext-9a0b"


class Operator:
    """Drives the page; after every page load it scans the HTML and takes a screenshot."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base = base_url
        self.forbidden: set[str] = {FIRST_SECRET, SECOND_SECRET}
        self.scanned: list[str] = []
        self.shots = 0

    def scan(self, name: str, allow: str | None = None) -> str:
        html: str = self.page.content()
        for secret in self.forbidden:
            assert secret not in html, f"{self.page.url} shows a secret ({secret[:6]}…)"
        assert "enc:v2:" not in html, f"{self.page.url} shows a ciphertext"
        self.scanned.append(self.page.url)
        self.shots += 1
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.shots:02d}-{name}.png"), full_page=True)
        return html

    def goto(self, path: str, name: str) -> str:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        return self.scan(name)

    def submit(self, name: str, button: str = 'input[name="_save"]') -> str:
        with self.page.expect_navigation():
            self.page.click(button)
        return self.scan(name)

    def forbid_connection(self, connection: Connection) -> None:
        envelope = Connection.objects.values_list("value", flat=True).get(pk=connection.pk)
        self.forbidden.update({envelope, envelope.rsplit(":", 1)[1][:24]})


def test_an_operator_runs_weavz_from_the_console(browser_page, live_server):
    User.objects.create_superuser("alice", "alice@example.com", "correct horse battery")
    op = Operator(browser_page, live_server.url)
    page = browser_page

    # Log in as staff.
    op.goto("/admin/login/?next=/admin/", "login")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "correct horse battery")
    html = op.submit("dashboard", 'input[type="submit"]')
    assert "Operator console" in html and "Recent audit events" in html

    # Create an org with a project.
    op.goto("/admin/orgs/organization/add/", "org-add")
    page.fill("#id_name", "Globex")
    page.click("text=Add another Project")
    page.fill('input[name="projects-0-name"]', "Website")
    op.submit("org-list")
    org = Organization.objects.get(name="Globex")
    project = Project.objects.get(org=org)

    # An API key: the secret is on the confirmation page exactly once, then never again.
    op.goto(f"/admin/orgs/organization/{org.pk}/change/", "org-change")
    with page.expect_navigation():
        page.click("text=Add API key")
    op.scan("key-add")
    page.fill("#id_name", "deploy")
    with page.expect_navigation():
        page.click('input[name="_save"]')
    secret = page.input_value("#api-key-secret")
    assert re.fullmatch(r"wvz_[a-z0-9]{8}_[A-Za-z0-9_-]{43}", secret)
    assert page.content().count(secret) == 1
    page.screenshot(path=str(SCREENSHOTS / "00-key-created-secret-once.png"), full_page=True)
    key = ApiKey.objects.get(name="deploy")
    op.forbidden.update({secret, key.secret_hash})
    op.submit("key-after-copy", "#api-key-done")
    op.goto(f"/admin/orgs/organization/{org.pk}/change/", "org-with-key")
    op.goto("/admin/orgs/apikey/", "key-list")

    # A connection through the admin form.
    op.goto("/admin/connections/connection/add/", "connection-add")
    page.select_option("#id_org", org.pk)
    page.select_option("#id_piece", "openai")
    page.fill("#id_display_name", "Globex OpenAI")
    page.fill("#id_credentials", json.dumps({"type": "SECRET_TEXT", "secret_text": "oops"}))
    page.fill("#id_credentials", '{"type": "SECRET_TEXT", "secret_text": "' + FIRST_SECRET)
    html = op.submit("connection-add-error")  # malformed JSON: refused, not echoed
    assert "Enter a valid JSON." in html
    page.fill("#id_credentials", json.dumps({"type": "SECRET_TEXT", "secret_text": FIRST_SECRET}))
    op.submit("connection-list")
    connection = Connection.objects.get(org=org)
    assert connection.decrypted_value()["secret_text"] == FIRST_SECRET
    op.forbid_connection(connection)

    # Replace its credentials.
    html = op.goto(f"/admin/connections/connection/{connection.pk}/change/", "connection-change")
    assert "SECRET_TEXT, encrypted (key" in html
    page.fill("#id_credentials", json.dumps({"type": "SECRET_TEXT", "secret_text": SECOND_SECRET}))
    op.submit("connection-replaced")
    connection.refresh_from_db()
    assert connection.decrypted_value()["secret_text"] == SECOND_SECRET
    op.forbid_connection(connection)
    op.goto(f"/admin/connections/connection/{connection.pk}/change/", "connection-after")
    op.goto(f"/admin/connections/connection/{connection.pk}/history/", "connection-history")
    op.goto("/admin/connections/connection/?status__exact=ACTIVE", "connection-filtered")

    # Set a policy: the chooser offers the connection only where the type allows it.
    op.goto("/admin/policies/connectionpolicy/add/", "policy-add")
    page.select_option("#id_org", org.pk)
    page.select_option("#id_piece", "openai")
    page.select_option("#id_type", "USER_REQUIRED")
    assert page.is_disabled("#id_connection")
    page.select_option("#id_project", project.pk)
    page.select_option("#id_type", "ENFORCED_PROJECT")
    option = page.locator(f'#id_connection option[value="{connection.pk}"]')
    assert option.is_disabled()  # an org-level connection cannot be a project's enforced one
    page.select_option("#id_project", "")
    page.select_option("#id_type", "ENFORCED_ORG")
    assert not option.is_disabled()
    page.select_option("#id_connection", connection.pk)
    op.submit("policy-list")
    policy = ConnectionPolicy.objects.get(org=org)
    assert (policy.type, policy.connection_id) == ("ENFORCED_ORG", connection.id)
    op.goto(f"/admin/policies/connectionpolicy/{policy.pk}/change/", "policy-change")

    # Find the events in the audit log.
    html = op.goto(f"/admin/orgs/auditevent/?org__id__exact={org.pk}", "audit-log")
    for action in (
        "org.created",
        "project.created",
        "api_key.created",
        "connection.created",
        "connection.updated",
        "policy.created",
    ):
        assert action in html, action
    events = AuditEvent.objects.filter(org=org)
    assert set(events.values_list("actor", flat=True)) == {"admin:alice"}
    html = op.goto("/admin/orgs/auditevent/?action=connection.updated", "audit-filtered")
    assert connection.id in html
    event = events.get(action="connection.updated")
    op.goto(f"/admin/orgs/auditevent/{event.pk}/change/", "audit-event")
    op.goto("/admin/", "dashboard-end")
    assert len(op.scanned) >= 20
