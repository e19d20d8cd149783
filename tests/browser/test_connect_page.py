"""End users on the hosted connect page in Debian's chromium, every page screenshotted at 1280 and
375 px wide (test-artifacts/screenshots/connect/) and scanned for the secret they typed."""

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from connections.models import Connection
from orgs.models import ALL_SCOPES
from orgs.services import api_key_create
from tests.browser.conftest import SCREENSHOTS
from tests.connect.fake_oauth import CLIENT_SECRET

SECRET = "sk-browser-END-USER-4b1d9e"
TOKEN_SECRET = "jira-api-token-77aa0c"
WIDTHS = (1280, 375)


class EndUser:
    """Drives the page; every page it lands on is scanned and shot at both widths."""

    def __init__(self, page: Any, folder: str) -> None:
        self.page = page
        self.folder = SCREENSHOTS / "connect"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = folder
        self.forbidden = {SECRET, TOKEN_SECRET}
        self.problems: list[str] = []
        # A CSP violation, a blocked stylesheet or a script error shows up here. (A 4xx page's
        # own status is logged as "Failed to load resource"; the tests check statuses.)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))

    def _console(self, message: Any) -> None:
        if not message.text.startswith("Failed to load resource: the server"):
            self.problems.append(message.text)

    def shoot(self, name: str) -> str:
        html: str = self.page.content()
        for secret in self.forbidden:
            assert secret not in html, f"{name} shows a secret"
        assert "Traceback" not in html
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 860})
            # Usable on a phone: nothing wider than the screen.
            scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{name} scrolls sideways at {width}px"
            path = self.folder / f"{self.prefix}-{name}-{width}.png"
            self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 860})
        # The stylesheet loaded under the CSP, and nothing was blocked or failed.
        background = self.page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(243, 244, 246)"
        assert self.problems == [], self.problems
        return html

    def focused(self) -> str:
        return str(self.page.evaluate("document.activeElement && document.activeElement.name"))


@pytest.fixture
def customer(live_server, settings) -> APIClient:
    """The customer's backend: an API key of an org, and PUBLIC_URL set to the live server."""
    from tests.factories import OrganizationFactory

    settings.PUBLIC_URL = live_server.url
    org = OrganizationFactory.create(name="Acme")
    _key, secret = api_key_create(org=org, name="backend", actor="test", scopes=ALL_SCOPES)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def acme(customer, httpserver, allow_provider):
    """A fake OAuth provider on 127.0.0.2, its piece, and the customer's OAuth app for it."""
    from orgs.models import Organization
    from tests.connect.fake_oauth import install

    return install(httpserver, Organization.objects.get(name="Acme"))


def _session(customer: APIClient, **body: Any) -> dict[str, Any]:
    response = customer.post("/api/v1/connect/sessions", body, format="json")
    assert response.status_code == 201, response.json()
    created: dict[str, Any] = response.json()
    return created


def test_an_end_user_connects_a_secret_text_account_with_the_keyboard(browser_page, customer):
    created = _session(customer, pieceName="openai", externalId="user-42")
    user = EndUser(browser_page, "secret-text")
    page = browser_page

    response = page.goto(created["connectUrl"])
    assert response is not None and response.status == 200
    assert created["token"] not in page.url  # exchanged for a cookie on first load
    html = user.shoot("form")
    assert "Connect your OpenAI account" in html

    # Keyboard only: Tab reaches the secret field, Enter submits the empty form first.
    page.keyboard.press("Tab")
    assert user.focused() == "secret_text"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    html = user.shoot("error")
    assert "Please enter your OpenAI API key." in html
    assert page.get_attribute("#id_secret_text", "aria-invalid") == "true"

    page.focus("#id_secret_text")
    page.keyboard.type(SECRET)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    html = user.shoot("done")
    assert "OpenAI is connected" in html

    listed = customer.get("/api/v1/connections", {"externalId": "user-42"}).json()["data"]
    assert [c["pieceName"] for c in listed] == ["openai"]
    session = customer.get(f"/api/v1/connect/sessions/{created['id']}").json()
    assert session["status"] == "COMPLETED" and session["connectionId"] == listed[0]["id"]
    value = Connection.objects.get(pk=listed[0]["id"]).decrypted_value()
    assert value == {"type": "SECRET_TEXT", "secret_text": SECRET}

    # The link was used up: opening it again is a page saying so, not a stack trace.
    response = page.goto(created["connectUrl"])
    assert response is not None and response.status == 410
    user.shoot("link-used")


def test_an_end_user_connects_a_custom_auth_account(browser_page, customer):
    created = _session(customer, pieceName="jira", externalId="user-7", displayName="Ann's Jira")
    user = EndUser(browser_page, "custom-auth")
    page = browser_page

    page.goto(created["connectUrl"])
    html = user.shoot("form")
    assert "Account details" in html and "Username and password" in html  # a choice of types

    page.fill("#id_prop-instance_url", "https://acme.atlassian.net")
    page.fill("#id_prop-api_token", TOKEN_SECRET)
    with page.expect_navigation():
        page.click("button[type=submit]")
    html = user.shoot("error")
    assert "Please enter your email." in html
    # What was typed is kept, except the secret.
    assert page.input_value("#id_prop-instance_url") == "https://acme.atlassian.net"
    assert page.input_value("#id_prop-api_token") == ""

    page.fill("#id_prop-email", "ann@acme.example")
    page.fill("#id_prop-api_token", TOKEN_SECRET)
    with page.expect_navigation():
        page.click("button[type=submit]")
    user.shoot("done")

    listed = customer.get("/api/v1/connections", {"externalId": "user-7"}).json()["data"]
    assert [(c["pieceName"], c["displayName"]) for c in listed] == [("jira", "Ann's Jira")]
    value = Connection.objects.get(pk=listed[0]["id"]).decrypted_value()
    assert value["props"] == {
        "instance_url": "https://acme.atlassian.net",
        "email": "ann@acme.example",
        "api_token": TOKEN_SECRET,
    }


def test_the_other_type_of_a_piece_is_one_link_away(browser_page, customer):
    created = _session(customer, pieceName="jira", externalId="user-8")
    user = EndUser(browser_page, "choose-type")
    page = browser_page
    page.goto(created["connectUrl"])
    with page.expect_navigation():
        page.click("text=Username and password")
    html = user.shoot("basic-auth")
    assert page.get_attribute("#id_password", "type") == "password"
    assert 'aria-current="page"' in html


def test_an_end_user_connects_an_oauth2_account_and_execute_reaches_the_provider(
    browser_page, customer, acme
):
    provider = acme
    created = _session(customer, pieceName="acme", externalId="user-11")
    user = EndUser(browser_page, "oauth2")
    user.forbidden.add(CLIENT_SECRET)
    page = browser_page

    page.goto(created["connectUrl"])
    html = user.shoot("form")
    assert "Connect with Acme" in html
    with page.expect_navigation():
        page.click("text=Connect with Acme")
    assert page.url.startswith(provider.url("/authorize"))  # the fake provider's own page
    with page.expect_navigation(url="**/connect/cs_*"):
        page.click("#approve")  # approves; the provider redirects back to our callback
    html = user.shoot("done")
    assert "Acme is connected" in html
    (token,) = provider.access_tokens
    assert token not in html

    listed = customer.get("/api/v1/connections", {"externalId": "user-11"}).json()["data"]
    assert [c["pieceName"] for c in listed] == ["acme"]
    # Execute through the new connection reaches the fake provider with the token.
    response = customer.post(
        "/api/v1/actions/execute",
        {
            "pieceName": "acme",
            "actionName": "http_request",
            "input": {"method": "GET", "path": "/me"},
            "externalId": "user-11",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["success"] is True and body["output"]["body"] == {"user": "ann"}
    assert body["connectionId"] == listed[0]["id"]
    assert token not in json.dumps(body)


def test_an_end_user_who_denies_access_sees_why(browser_page, customer, acme):
    created = _session(customer, pieceName="acme", externalId="user-12")
    user = EndUser(browser_page, "oauth2-denied")
    page = browser_page
    page.goto(created["connectUrl"])
    with page.expect_navigation():
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the button, from the keyboard
    with page.expect_navigation(url="**/connect/cs_*"):
        page.click("#deny")
    html = user.shoot("failed")
    assert "Connecting Acme failed" in html and "Access to Acme was not granted." in html
    session = customer.get(f"/api/v1/connect/sessions/{created['id']}").json()
    assert session["status"] == "FAILED"


def test_a_cancelled_or_unknown_link_shows_a_page_not_a_trace(browser_page, customer, live_server):
    created = _session(customer, pieceName="openai", externalId="user-9")
    customer.post(f"/api/v1/connect/sessions/{created['id']}/cancel")
    user = EndUser(browser_page, "problem")
    response = browser_page.goto(created["connectUrl"])
    assert response is not None and response.status == 410
    assert "cancelled" in user.shoot("cancelled")
    response = browser_page.goto(f"{live_server.url}/connect/cst_{'x' * 43}")
    assert response is not None and response.status == 404
    assert "This link is not valid" in user.shoot("unknown")
