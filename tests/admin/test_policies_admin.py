import re

import pytest

from connections.services import connection_create
from orgs.models import AuditEvent, Project
from policies.models import ConnectionPolicy, PolicyType

pytestmark = pytest.mark.django_db

ADD = "/admin/policies/connectionpolicy/add/"


@pytest.fixture
def project(org):
    return Project.objects.create(org=org, name="Web")


@pytest.fixture
def shared(org, openai, console):
    made = connection_create(
        org_id=org.id,
        piece_name=openai.name,
        display_name="Org OpenAI",
        value={"type": "SECRET_TEXT", "secret_text": "org-level-secret"},
        actor="test",
    )
    console.forbid("org-level-secret")
    console.forbid_connection(made)
    return made


@pytest.fixture
def in_project(org, openai, project, console):
    made = connection_create(
        org_id=org.id,
        piece_name=openai.name,
        project_id=project.id,
        display_name="Web OpenAI",
        value={"type": "SECRET_TEXT", "secret_text": "project-secret"},
        actor="test",
    )
    console.forbid("project-secret")
    console.forbid_connection(made)
    return made


def form(org, project=None, type="ENFORCED_ORG", connection=None):
    return {
        "org": org.pk,
        "project": project.pk if project else "",
        "piece": "openai",
        "type": type,
        "connection": connection.pk if connection else "",
    }


def errors(response):
    return response.context["adminform"].form.errors


def test_setting_an_org_policy_goes_through_the_service_and_is_audited(console, org, shared):
    response = console.post(ADD, form(org, connection=shared))
    assert response.status_code == 302, errors(response)
    policy = ConnectionPolicy.objects.get()
    assert (policy.type, policy.connection_id, policy.project_id) == (
        "ENFORCED_ORG",
        shared.id,
        None,
    )
    [event] = AuditEvent.objects.filter(action="policy.created")
    assert event.actor == "admin:alice" and event.target_id == policy.id


@pytest.mark.parametrize(
    ("type", "pick", "with_project", "field"),
    [
        ("ENFORCED_ORG", "in_project", True, "connection"),
        ("ENFORCED_PROJECT", "shared", True, "connection"),
        ("ENFORCED_PROJECT", "in_project", False, "project"),
        ("USER_REQUIRED", "shared", False, "connection"),
        ("USER_WITH_DEFAULT", None, False, "connection"),
    ],
)
def test_a_connection_invalid_for_the_type_is_refused(
    console, org, project, shared, in_project, type, pick, with_project, field
):
    chosen = {"shared": shared, "in_project": in_project, None: None}[pick]
    response = console.post(
        ADD, form(org, project=project if with_project else None, type=type, connection=chosen)
    )
    assert response.status_code == 200
    assert field in errors(response)
    assert not ConnectionPolicy.objects.exists()


def test_a_connection_of_another_org_is_not_offered_or_accepted(
    console, org, other_org, openai, shared
):
    theirs = connection_create(
        org_id=other_org.id,
        piece_name=openai.name,
        display_name="Theirs",
        value={"type": "SECRET_TEXT", "secret_text": "their-secret"},
        actor="test",
    )
    console.forbid("their-secret")
    page = console.get(f"{ADD}?org={org.pk}").content.decode()
    assert shared.id in page and theirs.id not in page
    response = console.post(ADD, form(org, connection=theirs))
    assert "connection" in errors(response)


def test_end_user_connections_are_never_offered(console, org, openai, shared):
    mine = connection_create(
        org_id=org.id,
        piece_name=openai.name,
        external_id="user-1",
        display_name="User's",
        value={"type": "SECRET_TEXT", "secret_text": "user-secret"},
        actor="test",
    )
    console.forbid("user-secret")
    page = console.get(f"{ADD}?org={org.pk}").content.decode()
    assert shared.id in page and mine.id not in page


def test_the_chooser_options_carry_what_the_page_filters_on(console, org, project, in_project):
    page = console.get(f"{ADD}?org={org.pk}").content.decode()
    [option] = re.findall(rf'<option value="{in_project.id}"[^>]*>', page)
    assert f'data-project="{project.id}"' in option and 'data-piece="openai"' in option


def test_a_second_policy_for_the_same_scope_is_refused_on_add(console, org, shared):
    console.post(ADD, form(org, connection=shared))
    response = console.post(ADD, form(org, type="USER_REQUIRED"))
    assert response.status_code == 200 and "already exists" in str(errors(response))
    assert ConnectionPolicy.objects.count() == 1


def test_changing_a_policy_replaces_it_through_the_service(console, org, project, in_project):
    console.post(ADD, form(org, project=project, type="USER_REQUIRED"))
    policy = ConnectionPolicy.objects.get()
    url = f"/admin/policies/connectionpolicy/{policy.pk}/change/"
    page = console.get(url).content.decode()
    assert 'name="org"' not in page and in_project.id in page
    response = console.post(url, {"type": "ENFORCED_PROJECT", "connection": in_project.pk})
    assert response.status_code == 302, errors(response)
    policy.refresh_from_db()
    assert (policy.type, policy.connection_id) == (PolicyType.ENFORCED_PROJECT, in_project.id)
    [event] = AuditEvent.objects.filter(action="policy.updated")
    assert event.actor == "admin:alice" and event.metadata["fields"] == ["type", "connectionId"]


def test_deleting_a_policy_is_audited(console, org, shared):
    console.post(ADD, form(org, connection=shared))
    policy = ConnectionPolicy.objects.get()
    response = console.post(
        f"/admin/policies/connectionpolicy/{policy.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302 and not ConnectionPolicy.objects.exists()
    [event] = AuditEvent.objects.filter(action="policy.deleted")
    assert event.actor == "admin:alice"
