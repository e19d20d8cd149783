from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from orgs.audit import audit_record
from orgs.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/admin/orgs/auditevent/"


@pytest.fixture
def trail(org, other_org):
    return [
        audit_record(org_id=org.id, action="connection.created", actor="key_a", target_id="c1"),
        audit_record(org_id=org.id, action="policy.created", actor="admin:alice", target_id="p1"),
        audit_record(
            org_id=other_org.id, action="connection.created", actor="admin:bob", target_id="c2"
        ),
    ]


def shown(console, query):
    response = console.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return {e.target_id for e in response.context["cl"].result_list}


def test_the_audit_log_filters_by_org_action_actor_and_date(console, org, other_org, trail):
    old = AuditEvent.objects.get(target_id="c2")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    assert shown(console, "") == {"c1", "p1", "c2"}
    assert shown(console, f"org__id__exact={org.pk}") == {"c1", "p1"}
    assert shown(console, "action=connection.created") == {"c1", "c2"}
    assert shown(console, "actor=admin:alice") == {"p1"}
    since = quote((timezone.now() - timedelta(days=7)).isoformat())
    assert shown(console, f"created_at__gte={since}") == {"c1", "p1"}
    assert shown(console, "q=c2") == {"c2"}


def test_audit_events_cannot_be_added_changed_or_deleted(console, trail):
    event = trail[0]
    assert console.get(f"{LIST}add/").status_code == 403
    assert console.post(f"{LIST}{event.pk}/change/", {"action": "x"}).status_code == 403
    assert console.get(f"{LIST}{event.pk}/delete/").status_code == 403
    assert console.post(f"{LIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert console.post(LIST, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert AuditEvent.objects.count() == 3
    page = console.get(f"{LIST}{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_an_event_page_shows_its_metadata(console, org):
    event = audit_record(
        org_id=org.id, action="connection.updated", actor="key_x", metadata={"fields": ["value"]}
    )
    html = console.get(f"{LIST}{event.pk}/change/").content.decode()
    assert "connection.updated" in html and "&quot;fields&quot;" in html
