import re
from datetime import timedelta

import pytest
from django.utils import timezone

from orgs.keys import hash_key
from orgs.models import ALL_SCOPES, DEFAULT_SCOPES, ApiKey, AuditEvent, Organization, Project
from orgs.services import api_key_create
from tests.factories import ConnectionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_creating_an_org_with_a_project_audits_both_as_the_admin(console):
    response = console.post(
        "/admin/orgs/organization/add/",
        {
            "name": "Globex",
            "projects-TOTAL_FORMS": "1",
            "projects-INITIAL_FORMS": "0",
            "projects-0-name": "Website",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organization.objects.get(name="Globex")
    project = Project.objects.get(org=org)
    [created] = events("org.created")
    assert (created.org_id, created.actor, created.target_id) == (org.id, "admin:alice", org.id)
    [made] = events("project.created")
    assert (made.org_id, made.actor, made.target_id) == (org.id, "admin:alice", project.id)


def test_renaming_an_org_audits_the_changed_field_names(console, org):
    response = console.post(
        f"/admin/orgs/organization/{org.pk}/change/",
        {
            "name": "Acme Corp",
            "projects-TOTAL_FORMS": "0",
            "projects-INITIAL_FORMS": "0",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    [event] = events("org.updated")
    assert event.metadata == {"fields": ["name"]} and event.actor == "admin:alice"


def test_orgs_and_projects_cannot_be_deleted_from_the_console(console, org):
    project = Project.objects.create(org=org, name="Website")
    assert console.get(f"/admin/orgs/organization/{org.pk}/delete/").status_code == 403
    assert console.get(f"/admin/orgs/project/{project.pk}/delete/").status_code == 403


def test_a_project_created_on_its_own_page_is_audited(console, org):
    response = console.post("/admin/orgs/project/add/", {"org": org.pk, "name": "Mobile"})
    assert response.status_code == 302
    project = Project.objects.get(name="Mobile")
    [event] = events("project.created")
    assert event.target_id == project.id and event.actor == "admin:alice"


def test_the_org_page_lists_its_keys_read_only_without_the_hash(console, org):
    key, secret = api_key_create(org=org, name="ci", actor="test")
    console.forbid(secret, key.secret_hash)
    html = console.get(f"/admin/orgs/organization/{org.pk}/change/").content.decode()
    assert key.prefix in html and "ci" in html
    assert 'name="api_keys-0-name"' not in html  # shown, not editable
    assert f"/admin/orgs/apikey/add/?org={org.pk}" in html


def test_the_key_form_offers_scopes_as_checkboxes_with_the_defaults_ticked(console):
    html = console.get("/admin/orgs/apikey/add/").content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="scopes" value="([^"]+)"([^>]*)>', html))
    assert set(boxes) == set(ALL_SCOPES)
    assert {scope for scope, rest in boxes.items() if "checked" in rest} == set(DEFAULT_SCOPES)


def test_creating_a_key_shows_its_secret_exactly_once(console, org):
    response = console.post(
        "/admin/orgs/apikey/add/",
        {"org": org.pk, "name": "deploy", "scopes": ["connections:read", "audit:read"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get(name="deploy")
    secret = response.context["secret"]
    html = response.content.decode()
    assert secret.startswith("wvz_") and html.count(secret) == 1
    assert hash_key(secret) == key.secret_hash
    assert key.scopes == ["connections:read", "audit:read"]
    [event] = events("api_key.created")
    assert (event.actor, event.target_id, event.org_id) == ("admin:alice", key.id, org.id)
    assert secret not in str(event.metadata)

    console.forbid(secret, key.secret_hash)
    for path in [
        f"/admin/orgs/apikey/{key.pk}/change/",
        f"/admin/orgs/apikey/{key.pk}/history/",
        "/admin/orgs/apikey/",
        f"/admin/orgs/organization/{org.pk}/change/",
        "/admin/",
    ]:
        assert console.get(path).status_code == 200


def test_the_created_key_authenticates_against_the_api(console, org):
    response = console.post(
        "/admin/orgs/apikey/add/", {"org": org.pk, "name": "deploy", "scopes": ["projects:read"]}
    )
    secret = response.context["secret"]
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/projects").status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "x", "scopes": ["projects:read"]}, "org"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["everything"]}, "scopes"),
        ({"name": "", "scopes": ["projects:read"]}, "name"),
        (
            {"name": "x", "scopes": ["projects:read"], "expires_at_0": "2001-01-01"},
            "expires_at",
        ),
    ],
)
def test_a_bad_key_form_is_refused_and_makes_no_key(console, org, data, field):
    if field != "org":
        data = {"org": org.pk, **data}
    if "expires_at_0" in data:
        data["expires_at_1"] = "00:00:00"
    response = console.post("/admin/orgs/apikey/add/", data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not ApiKey.objects.exists()


def test_a_key_with_a_future_expiry_is_created(console, org):
    when = timezone.now() + timedelta(days=30)
    response = console.post(
        "/admin/orgs/apikey/add/",
        {
            "org": org.pk,
            "name": "temp",
            "scopes": ["projects:read"],
            "expires_at_0": when.strftime("%Y-%m-%d"),
            "expires_at_1": "12:00:00",
        },
    )
    assert response.status_code == 200
    assert ApiKey.objects.get(name="temp").expires_at.date() == when.date()


def test_revoking_keys_is_an_audited_action(console, org):
    key, secret = api_key_create(org=org, name="old", actor="test")
    console.forbid(secret)
    response = console.post(
        "/admin/orgs/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    [event] = events("api_key.revoked")
    assert event.actor == "admin:alice" and event.target_id == key.id
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/projects").status_code == 401


def test_a_key_cannot_be_edited_or_deleted_once_made(console, org):
    key, _ = api_key_create(org=org, name="fixed", actor="test")
    page = console.get(f"/admin/orgs/apikey/{key.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = console.post(f"/admin/orgs/apikey/{key.pk}/change/", {"name": "renamed"})
    assert response.status_code == 403
    assert console.get(f"/admin/orgs/apikey/{key.pk}/delete/").status_code == 403
    key.refresh_from_db()
    assert key.name == "fixed"


def test_the_key_list_filters_by_state(console, org):
    api_key_create(org=org, name="live", actor="test")
    gone, _ = api_key_create(org=org, name="gone", actor="test")
    gone.revoked_at = timezone.now()
    gone.save()
    api_key_create(org=org, name="old", actor="test", expires_at=timezone.now())

    def names(state):
        response = console.get(f"/admin/orgs/apikey/?state={state}")
        return {k.name for k in response.context["cl"].result_list}

    assert names("live") == {"live"}
    assert names("revoked") == {"gone"}
    assert names("expired") == {"old"}


def test_the_org_list_counts_projects_keys_and_connections_in_a_fixed_number_of_queries(
    console, org, django_assert_max_num_queries
):
    ProjectFactory.create_batch(2, org=org)
    ConnectionFactory.create_batch(3, org=org)
    api_key_create(org=org, name="k", actor="test")
    with django_assert_max_num_queries(8):
        response = console.get("/admin/orgs/organization/")
    html = response.content.decode()
    assert "<th" in html and "Connections" in html
    row = html[html.index(org.id) :]
    row = row[: row.index("</tr>")]
    # projects, unrevoked keys and connections (the column connections' admin adds)
    assert [cell.split(">")[-1] for cell in row.split("</td>")[-4:-1]] == ["2", "1", "3"]
