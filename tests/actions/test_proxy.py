"""/api/v1/proxy/:pieceName/<path>: the passthrough form of the same engine."""

import json

import pytest
from django.test import Client

from connections.models import ConnectionStatus
from orgs.models import DEFAULT_SCOPES, Scope
from policies.models import PolicyType
from tests.actions.conftest import echo
from tests.actions.test_execute import connection
from tests.factories import PolicyFactory

pytestmark = pytest.mark.django_db

SECRET = "sk-live-0123456789"


def proxy(api, method="get", path="/api/v1/proxy/fake/echo", **headers):
    client = Client()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {api.secret}", **extra)


def test_it_forwards_query_body_and_headers_and_answers_as_the_upstream_did(
    org, api, provider, fake_piece
):
    conn = connection(org)
    provider.expect_request("/api/things/1", method="POST").respond_with_data(
        "<created/>", status=201, content_type="application/xml", headers={"ETag": '"v1"'}
    )
    client = Client()

    response = client.post(
        "/api/v1/proxy/fake/things/1?a=1&a=2&b=x%20y",
        data=b"<thing/>",
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"Bearer {api.secret}",
        HTTP_WEAVZ_CONNECTION_ID=conn.id,
        HTTP_X_TRACE="t1",
        HTTP_ACCEPT="application/xml",
    )

    assert response.status_code == 201
    assert response.content == b"<created/>"
    assert response["Content-Type"] == "application/xml"
    assert response["ETag"] == '"v1"'
    assert response["Weavz-Connection-Id"] == conn.id
    ((request, _),) = provider.log
    assert request.query_string == b"a=1&a=2&b=x%20y"
    assert request.get_data() == b"<thing/>"
    assert request.headers["Content-Type"] == "application/xml"
    assert request.headers["X-Trace"] == "t1"
    assert request.headers["Authorization"] == f"Bearer {SECRET}"


def test_the_api_key_and_weavz_headers_are_never_forwarded(org, api, provider, fake_piece):
    conn = connection(org, value={"type": "NO_AUTH"})
    provider.expect_request("/api/echo").respond_with_handler(echo)

    proxy(api, **{"Weavz-Connection-Id": conn.id, "Weavz-Project-Id": "", "Cookie": "a=b"})

    ((request, _),) = provider.log
    assert "Authorization" not in request.headers
    assert "Cookie" not in request.headers
    assert not [k for k, _v in request.headers.items() if k.lower().startswith("weavz-")]
    assert api.secret not in json.dumps(dict(request.headers))


def test_an_upstream_that_echoes_the_credential_cannot_leak_it(org, api, provider, fake_piece):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_handler(echo)

    response = proxy(api, **{"Weavz-Connection-Id": conn.id})

    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    assert SECRET not in str(response.headers)
    assert response["X-Echo-Auth"] == "[REDACTED]"
    assert "[REDACTED]" in response.content.decode()


def test_an_upstream_error_page_is_relayed_not_turned_into_our_envelope(
    org, api, provider, fake_piece
):
    conn = connection(org)
    provider.expect_request("/api/missing").respond_with_data(
        "<h1>Not here</h1>", status=404, content_type="text/html"
    )

    response = proxy(api, path="/api/v1/proxy/fake/missing", **{"Weavz-Connection-Id": conn.id})

    assert response.status_code == 404
    assert response.content == b"<h1>Not here</h1>"
    assert "Weavz-Error" not in response


def test_a_redirect_is_relayed_with_its_location_and_not_followed(org, api, provider, fake_piece):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_data(
        "", status=302, headers={"Location": provider.url_for("/elsewhere")}
    )

    response = proxy(api, **{"Weavz-Connection-Id": conn.id})

    assert response.status_code == 302
    assert response["Location"] == provider.url_for("/elsewhere")
    assert [r.path for r, _ in provider.log] == ["/api/echo"]


@pytest.mark.parametrize(
    ("setup", "headers", "status", "code"),
    [
        ("enforced", {"Weavz-Connection-Id": "other"}, 403, "POLICY_VIOLATION"),
        ("user_required", {"Weavz-External-Id": "user-42"}, 404, "CONNECTION_REQUIRED"),
        ("error", {"Weavz-Connection-Id": "broken"}, 409, "CONNECTION_NOT_ACTIVE"),
        ("none", {"Weavz-Connection-Id": "theirs"}, 404, "NOT_FOUND"),
        ("none", {}, 400, "VALIDATION_ERROR"),
    ],
)
def test_the_services_own_errors_are_the_envelope_with_weavz_error(
    setup, headers, status, code, org, other_org, api, provider, fake_piece
):
    ids = {
        "other": connection(org).id,
        "broken": connection(org, status=ConnectionStatus.ERROR).id,
        "theirs": connection(other_org).id,
    }
    if setup == "enforced":
        PolicyFactory(
            org=org, piece_id="fake", type=PolicyType.ENFORCED_ORG, connection=connection(org)
        )
    if setup == "user_required":
        PolicyFactory(org=org, piece_id="fake", type=PolicyType.USER_REQUIRED)
    headers = {k: ids.get(v, v) for k, v in headers.items()}

    response = proxy(api, **headers)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response["Weavz-Error"] == code
    assert provider.log == []


def test_user_with_default_falls_back_to_the_default(org, api, provider, fake_piece):
    default = connection(org)
    PolicyFactory(org=org, piece_id="fake", type=PolicyType.USER_WITH_DEFAULT, connection=default)
    provider.expect_request("/api/echo").respond_with_data("ok")

    response = proxy(api, **{"Weavz-External-Id": "someone"})

    assert response.status_code == 200
    assert response["Weavz-Connection-Id"] == default.id


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/proxy/fake/a/../../x",
        "/api/v1/proxy/fake/%2e%2e/x",
    ],
)
def test_it_refuses_a_path_that_leaves_the_base_url(path, org, api, provider, fake_piece):
    conn = connection(org)

    response = proxy(api, path=path, **{"Weavz-Connection-Id": conn.id})

    assert response.status_code in (400, 404)
    assert provider.log == []


def test_egress_refusals_carry_weavz_error(org, api, provider, settings, fake_piece):
    settings.EGRESS_ALLOWED_NETWORKS = []
    conn = connection(org)

    response = proxy(api, **{"Weavz-Connection-Id": conn.id})

    assert response.status_code == 403
    assert response["Weavz-Error"] == "EGRESS_DENIED"


def test_a_key_without_connections_use_is_forbidden(org, make_api, provider, fake_piece):
    conn = connection(org)
    narrow = make_api(org, scopes=[s for s in DEFAULT_SCOPES if s != Scope.CONNECTIONS_USE])

    response = proxy(narrow, **{"Weavz-Connection-Id": conn.id})

    assert response.status_code == 403
    assert response["Weavz-Error"] == "FORBIDDEN"


def test_without_a_key_it_is_unauthenticated_with_weavz_error(provider, fake_piece):
    response = Client().get("/api/v1/proxy/fake/echo")

    assert response.status_code == 401
    assert response["Weavz-Error"] == "UNAUTHENTICATED"


def test_a_proxied_call_costs_two_queries(
    org, api, provider, fake_piece, django_assert_num_queries
):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_data("ok")
    proxy(api, **{"Weavz-Connection-Id": conn.id})  # warm-up: key and connection lastUsedAt

    with django_assert_num_queries(2):
        response = proxy(api, **{"Weavz-Connection-Id": conn.id})

    assert response.status_code == 200


def test_a_double_slash_stays_on_the_pieces_host(org, api, provider, fake_piece):
    conn = connection(org)
    provider.expect_request("/api/evil.example/x").respond_with_data("here")

    response = proxy(
        api, path="/api/v1/proxy/fake//evil.example/x", **{"Weavz-Connection-Id": conn.id}
    )

    assert response.content == b"here"
