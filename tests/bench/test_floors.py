"""The benchmark's floors do the API's work: same objects, same pages, same resolution.

A floor that did less (skipped the org filter, rendered fewer fields) would flatter itself and
make every ratio in `make bench` meaningless; these tests pin the floors to the API's answers.
"""

import json
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from werkzeug import Response

from bench.django_floor import views as floor_views
from bench.profile import environ_for
from tests.factories import ConnectionFactory, PolicyFactory
from tests.postgres import only_postgres


@pytest.fixture
def world(org, other_org, api):
    """Users' gmail connections, a shared default under USER_WITH_DEFAULT, charlie's row."""
    users = [
        ConnectionFactory.create(
            org=org,
            piece_id="gmail",
            value_type="OAUTH2",
            external_id=f"user-{n}",
            value={"type": "OAUTH2", "access_token": f"t{n}"},
        )
        for n in range(5)
    ]
    default = ConnectionFactory.create(
        org=org,
        piece_id="gmail",
        value_type="OAUTH2",
        value={"type": "OAUTH2", "access_token": "d"},
    )
    PolicyFactory.create(org=org, piece_id="gmail", type="USER_WITH_DEFAULT", connection=default)
    ConnectionFactory.create(org=other_org, piece_id="gmail", external_id="user-0")
    return {"users": users, "default": default, "key": api.secret}


def api_answers(api, world) -> dict[str, Any]:
    first = api.get("/api/v1/connections?pieceName=gmail&limit=2").json()
    return {
        "get": api.get(f"/api/v1/connections/{world['users'][0].id}").json(),
        "page1": first,
        "page2": api.get(
            f"/api/v1/connections?pieceName=gmail&limit=2&cursor={first['next']}"
        ).json(),
        "own": api.post(
            "/api/v1/connections/resolve",
            {"pieceName": "gmail", "externalId": "user-3"},
            format="json",
        ).json(),
        "default": api.post(
            "/api/v1/connections/resolve",
            {"pieceName": "gmail", "externalId": "nobody"},
            format="json",
        ).json(),
    }


def test_the_django_floor_answers_exactly_what_the_api_answers(api, world):
    expected = api_answers(api, world)
    factory = RequestFactory(HTTP_AUTHORIZATION=f"Bearer {world['key']}")

    def post(body):
        return factory.post("/api/v1/connections/resolve", json.dumps(body), "application/json")

    first = json.loads(
        floor_views.connections(factory.get("/", {"pieceName": "gmail", "limit": "2"})).content
    )
    got = {
        "get": json.loads(floor_views.connection(factory.get("/"), world["users"][0].id).content),
        "page1": first,
        "page2": json.loads(
            floor_views.connections(
                factory.get("/", {"pieceName": "gmail", "limit": "2", "cursor": first["next"]})
            ).content
        ),
        "own": json.loads(
            floor_views.resolve(post({"pieceName": "gmail", "externalId": "user-3"})).content
        ),
        "default": json.loads(
            floor_views.resolve(post({"pieceName": "gmail", "externalId": "nobody"})).content
        ),
    }
    assert got == expected
    assert got["default"]["source"] == "DEFAULT"


def raw_floor_database(monkeypatch: Any) -> Any:
    """The raw floor on its own psycopg connection to the test database (it commits)."""
    import psycopg

    from bench import raw_app

    db = connection.settings_dict
    own = psycopg.connect(
        dbname=db["NAME"],
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
        options="-c TimeZone=UTC",
    )
    monkeypatch.setattr(raw_app, "db", lambda: own)
    return own


@pytest.mark.postgres
@only_postgres
@pytest.mark.django_db(transaction=True)
def test_the_raw_floor_answers_exactly_what_the_api_answers(api, world, monkeypatch):
    from bench import raw_app

    expected = api_answers(api, world)
    own = raw_floor_database(monkeypatch)

    def call(method, path, body=None):
        statuses = []
        chunks = raw_app.application(
            environ_for(method, path, body, world["key"]), lambda s, h: statuses.append(s)
        )
        return json.loads(b"".join(chunks))

    try:
        first = call("GET", "/api/v1/connections?pieceName=gmail&limit=2")
        got = {
            "get": call("GET", f"/api/v1/connections/{world['users'][0].id}"),
            "page1": first,
            "page2": call(
                "GET", f"/api/v1/connections?pieceName=gmail&limit=2&cursor={first['next']}"
            ),
            "own": call(
                "POST",
                "/api/v1/connections/resolve",
                {"pieceName": "gmail", "externalId": "user-3"},
            ),
            "default": call(
                "POST",
                "/api/v1/connections/resolve",
                {"pieceName": "gmail", "externalId": "nobody"},
            ),
        }
    finally:
        own.close()
    assert got == expected


def test_a_floor_never_shows_another_orgs_connection(charlie, world):
    factory = RequestFactory(HTTP_AUTHORIZATION=f"Bearer {charlie.secret}")
    answer = floor_views.connection(factory.get("/"), world["users"][0].id)
    assert answer.status_code == 404


@pytest.mark.postgres
@only_postgres
@pytest.mark.django_db(transaction=True)
def test_the_raw_floor_calls_the_provider_as_execute_and_the_proxy_do(
    api, org, provider, monkeypatch
):
    """Same connection, same provider, same credential sent; the same answer bar the
    provider's Date/Server headers and the timing."""

    from bench import provider_app, raw_app
    from bench.run import PROVIDER_SECRET

    provider.expect_request("/v1/items").respond_with_handler(
        lambda request: Response(
            b"".join(
                provider_app.application(
                    {"HTTP_X_API_KEY": request.headers.get("X-Api-Key", "")}, lambda s, h: None
                )
            ),
            content_type="application/json",
        )
    )
    conn = ConnectionFactory.create(
        org=org,
        piece_id="http",
        value_type="CUSTOM_AUTH",
        value={
            "type": "CUSTOM_AUTH",
            "props": {
                "base_url": provider.url_for(""),
                "header_name": "X-Api-Key",
                "header_value": PROVIDER_SECRET,
            },
        },
    )
    body = {
        "pieceName": "http",
        "actionName": "http_request",
        "connectionId": conn.id,
        "input": {"method": "GET", "path": "/v1/items"},
    }
    expected = api.post("/api/v1/actions/execute", body, format="json").json()
    own = raw_floor_database(monkeypatch)
    try:
        got = json.loads(
            b"".join(
                raw_app.application(
                    environ_for("POST", "/api/v1/actions/execute", body, api.secret),
                    lambda s, h: None,
                )
            )
        )
        environ = environ_for("GET", "/api/v1/proxy/http/v1/items", None, api.secret)
        environ["HTTP_WEAVZ_CONNECTION_ID"] = conn.id
        relayed = b"".join(raw_app.application(environ, lambda s, h: None))
    finally:
        own.close()

    for answer in (got, expected):
        answer.pop("durationMs")
        answer["output"].pop("headers")
    assert got == expected
    assert expected["output"]["body"]["ok"] is True
    assert (
        relayed == api.get("/api/v1/proxy/http/v1/items", HTTP_WEAVZ_CONNECTION_ID=conn.id).content
    )
