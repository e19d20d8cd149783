import json

import pytest

import connections.admin
from connections.models import Connection, ConnectionStatus, Piece
from connections.services import connection_create
from orgs.models import AuditEvent, Project
from tests.admin.conftest import SECRET_TEXT
from weavz.api.errors import Conflict

pytestmark = pytest.mark.django_db

ADD = "/admin/connections/connection/add/"


def add_form(org, piece="openai", **overrides):
    data = {
        "org": org.pk,
        "project": "",
        "piece": piece,
        "display_name": "Acme OpenAI",
        "external_id": "",
        "credentials": json.dumps({"type": "SECRET_TEXT", "secret_text": SECRET_TEXT}),
    }
    return {**data, **overrides}


def change_form(connection, **overrides):
    data = {"display_name": connection.display_name, "status": connection.status, "credentials": ""}
    return {**data, **overrides}


def form_errors(response):
    return response.context["adminform"].form.errors


def test_creating_a_connection_goes_through_the_service_and_is_audited(console, org):
    response = console.post(ADD, add_form(org, external_id="user-42"))
    assert response.status_code == 302, form_errors(response)
    connection = Connection.objects.get()
    assert connection.decrypted_value() == {"type": "SECRET_TEXT", "secret_text": SECRET_TEXT}
    assert (connection.external_id, connection.value_type) == ("user-42", "SECRET_TEXT")
    [event] = AuditEvent.objects.filter(action="connection.created")
    assert (event.actor, event.target_id, event.org_id) == ("admin:alice", connection.id, org.id)
    console.forbid_connection(connection)
    assert console.get(response["Location"]).status_code == 200


def test_a_blank_external_id_is_stored_as_none(console, org):
    console.post(ADD, add_form(org))
    assert Connection.objects.get().external_id is None


@pytest.mark.parametrize(
    ("credentials", "message"),
    [
        ("", "This field is required."),
        ("{not json", "Enter a valid JSON."),
        (json.dumps({"secret_text": SECRET_TEXT}), 'A "type" is required'),
        (json.dumps({"type": "OAUTH2", "access_token": SECRET_TEXT}), "accepts only SECRET_TEXT"),
        (
            json.dumps({"type": "SECRET_TEXT", "secret_text": "x", "leak": SECRET_TEXT}),
            "credentials.leak: Unknown field.",
        ),
        (json.dumps({"type": "SECRET_TEXT", "secret_text": ""}), "credentials.secret_text"),
        (json.dumps([SECRET_TEXT]), "Must be an object."),
    ],
)
def test_bad_credentials_are_refused_without_echoing_them(console, org, credentials, message):
    # The scanning client fails the test if SECRET_TEXT comes back in the page.
    response = console.post(ADD, add_form(org, credentials=credentials))
    assert response.status_code == 200
    assert message in " ".join(form_errors(response)["credentials"])
    assert not Connection.objects.exists()


def test_a_project_of_another_org_is_refused(console, org, other_org):
    theirs = Project.objects.create(org=other_org, name="Theirs")
    response = console.post(ADD, add_form(org, project=theirs.pk))
    assert "project" in form_errors(response)
    assert not Connection.objects.exists()


def test_a_duplicate_external_id_is_a_field_error_not_a_crash(console, org, openai):
    connection_create(
        org=org,
        piece=openai,
        display_name="First",
        external_id="user-1",
        value={"type": "SECRET_TEXT", "secret_text": "first"},
        actor="test",
    )
    response = console.post(ADD, add_form(org, external_id="user-1"))
    assert response.status_code == 200
    assert "already has a openai connection" in " ".join(form_errors(response)["external_id"])
    assert "__all__" not in form_errors(response)


def test_a_duplicate_that_slips_past_the_form_check_is_a_message_not_a_500(
    console, org, monkeypatch
):
    # As if another request committed the same external id between the form's check and our
    # insert: the database's unique constraint decides and the service raises Conflict.
    def lose_the_race(**kwargs):
        raise Conflict("A openai connection with externalId 'user-1' already exists.")

    monkeypatch.setattr(connections.admin, "connection_create", lose_the_race)
    response = console.post(ADD, add_form(org, external_id="user-1"), follow=True)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not Connection.objects.filter(external_id="user-1").exists()


def test_custom_auth_props_are_checked_against_the_piece(console, org):
    Piece.objects.create(
        name="acme-crm",
        display_name="Acme CRM",
        auth_types=["CUSTOM_AUTH"],
        props={"api_key": {"displayName": "API key", "required": True, "secret": True}},
    )
    bad = json.dumps({"type": "CUSTOM_AUTH", "props": {"other": SECRET_TEXT}})
    response = console.post(ADD, add_form(org, piece="acme-crm", credentials=bad))
    errors = " ".join(form_errors(response)["credentials"])
    assert "credentials.props.api_key: This field is required." in errors
    assert "credentials.props.other: Unknown prop." in errors
    good = json.dumps({"type": "CUSTOM_AUTH", "props": {"api_key": SECRET_TEXT}})
    assert console.post(ADD, add_form(org, piece="acme-crm", credentials=good)).status_code == 302


def test_the_change_page_never_shows_the_value_or_its_ciphertext(console, connection):
    html = console.get(f"/admin/connections/connection/{connection.pk}/change/").content.decode()
    assert "SECRET_TEXT, encrypted (key " in html
    assert '<textarea name="credentials"' in html
    assert 'name="org"' not in html and 'name="external_id"' not in html


def test_replacing_the_credentials_re_encrypts_and_reactivates(console, connection):
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ERROR)
    connection.refresh_from_db()
    new_secret = "sk-replaced-PLAINTEXT-77"
    console.forbid(new_secret)
    response = console.post(
        f"/admin/connections/connection/{connection.pk}/change/",
        change_form(
            connection,
            credentials=json.dumps({"type": "SECRET_TEXT", "secret_text": new_secret}),
        ),
    )
    assert response.status_code == 302, form_errors(response)
    connection.refresh_from_db()
    assert connection.decrypted_value()["secret_text"] == new_secret
    assert connection.status == ConnectionStatus.ACTIVE
    [event] = AuditEvent.objects.filter(action="connection.updated")
    assert event.actor == "admin:alice" and event.metadata == {"fields": ["value", "status"]}
    console.forbid_connection(connection)
    assert console.get(f"/admin/connections/connection/{connection.pk}/change/").status_code == 200
    assert console.get(f"/admin/connections/connection/{connection.pk}/history/").status_code == 200


def test_saving_without_credentials_keeps_the_stored_value(console, connection):
    before = Connection.objects.values_list("value", flat=True).get(pk=connection.pk)
    response = console.post(
        f"/admin/connections/connection/{connection.pk}/change/",
        change_form(connection, display_name="Renamed"),
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.display_name == "Renamed" and connection.value == before
    [event] = AuditEvent.objects.filter(action="connection.updated")
    assert event.metadata == {"fields": ["display_name"]}


def test_bad_replacement_credentials_are_refused_and_the_old_ones_kept(console, connection):
    response = console.post(
        f"/admin/connections/connection/{connection.pk}/change/",
        change_form(connection, credentials=json.dumps({"type": "SECRET_TEXT", "x": "y"})),
    )
    assert response.status_code == 200 and "credentials" in form_errors(response)
    assert connection.decrypted_value()["secret_text"] == SECRET_TEXT
    assert not AuditEvent.objects.filter(action="connection.updated").exists()


def test_the_status_actions_mark_error_and_active(console, connection):
    url = "/admin/connections/connection/"
    console.post(url, {"action": "mark_error", "_selected_action": [connection.pk]})
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ERROR
    console.post(url, {"action": "mark_active", "_selected_action": [connection.pk]})
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    actors = AuditEvent.objects.filter(action="connection.updated").values_list("actor", "metadata")
    assert list(actors) == [("admin:alice", {"fields": ["status"]})] * 2


def test_deleting_a_connection_is_audited(console, connection):
    page = console.get(f"/admin/connections/connection/{connection.pk}/delete/")
    assert page.status_code == 200
    response = console.post(
        f"/admin/connections/connection/{connection.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Connection.objects.exists()
    [event] = AuditEvent.objects.filter(action="connection.deleted")
    assert event.actor == "admin:alice" and event.target_id == connection.id


def test_the_list_filters_and_search(console, org, other_org, openai):
    slack = Piece.objects.get(name="slack")
    project = Project.objects.create(org=org, name="Web")

    def make(org, piece, name, external_id=None, value=None, project=None):
        made = connection_create(
            org=org,
            piece=piece,
            display_name=name,
            external_id=external_id,
            project=project,
            value=value or {"type": "SECRET_TEXT", "secret_text": SECRET_TEXT},
            actor="test",
        )
        console.forbid_connection(made)
        return made

    a = make(org, openai, "Shared OpenAI")
    b = make(org, openai, "Bob's OpenAI", external_id="bob", project=project)
    c = make(other_org, slack, "Charlie Slack", value={"type": "OAUTH2", "access_token": "tok"})
    Connection.objects.filter(pk=b.pk).update(status=ConnectionStatus.ERROR)

    def ids(query):
        response = console.get(f"/admin/connections/connection/?{query}")
        assert response.status_code == 200
        return {x.id for x in response.context["cl"].result_list}

    assert ids("") == {a.id, b.id, c.id}
    assert ids(f"org__id__exact={other_org.pk}") == {c.id}
    assert ids("piece__name__exact=openai") == {a.id, b.id}
    assert ids("status__exact=ERROR") == {b.id}
    assert ids("value_type=OAUTH2") == {c.id}
    assert ids("has_external_id=yes") == {b.id}
    assert ids("has_external_id=no") == {a.id, c.id}
    assert ids(f"q={c.id}") == {c.id}
    assert ids("q=Shared") == {a.id}
    assert ids("q=bob") == {b.id}


def test_pieces_are_edited_with_auth_type_checkboxes_and_audited(console):
    data = {
        "name": "acme-crm",
        "display_name": "Acme CRM",
        "auth_types": ["CUSTOM_AUTH", "SECRET_TEXT"],
        "props": json.dumps({"token": {"displayName": "Token", "required": True, "secret": True}}),
        "auth": "{}",  # as the browser posts the textarea
    }
    assert console.post("/admin/connections/piece/add/", data).status_code == 302
    piece = Piece.objects.get(name="acme-crm")
    assert piece.auth_types == ["SECRET_TEXT", "CUSTOM_AUTH"]
    [created] = AuditEvent.objects.filter(action="piece.created")
    assert created.target_id == "acme-crm" and created.actor == "admin:alice"
    html = console.get("/admin/connections/piece/acme-crm/change/").content.decode()
    assert 'type="checkbox" name="auth_types" value="CUSTOM_AUTH"' in html
    response = console.post(
        "/admin/connections/piece/acme-crm/change/", {**data, "display_name": "Acme"}
    )
    assert response.status_code == 302
    [updated] = AuditEvent.objects.filter(action="piece.updated")
    assert updated.metadata == {"fields": ["display_name"]}


@pytest.mark.parametrize(
    ("auth_types", "props", "message"),
    [
        (["SECRET_TEXT"], {"a": {"displayName": "A", "required": True, "secret": True}}, "only"),
        (["CUSTOM_AUTH"], {"a": {"displayName": "A"}}, "a.required"),
        (["CUSTOM_AUTH"], {"a": "text"}, "a: must be an object"),
        (["CUSTOM_AUTH"], {"a": {"displayName": "A", "required": 1, "secret": True}}, "bool"),
        ([], {}, "required"),
    ],
)
def test_malformed_piece_props_are_refused(console, auth_types, props, message):
    response = console.post(
        "/admin/connections/piece/add/",
        {"name": "p", "display_name": "P", "auth_types": auth_types, "props": json.dumps(props)},
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert message in " ".join(errors.get("props", []) + errors.get("auth_types", []))
    assert not Piece.objects.filter(name="p").exists()
