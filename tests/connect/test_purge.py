"""The clean-up of expired connect sessions and OAuth attempts (a periodic job)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from connect.models import ConnectSession, OAuthAttempt
from connect.services import SESSION_RETENTION, connect_session_create, connect_sessions_purge
from connect.tasks import purge_connect_sessions
from weavz import jobs

pytestmark = pytest.mark.django_db


def _session(org, expires_at):
    new = connect_session_create(org=org, piece_name="openai", external_id="u", actor="test")
    ConnectSession.objects.filter(pk=new.session.pk).update(expires_at=expires_at)
    return new.session


def _attempt(session, expires_at):
    return OAuthAttempt.objects.create(
        org_id=session.org_id,
        session=session,
        state_hash=str(expires_at.timestamp()),
        code_verifier={"code_verifier": "v"},
        expires_at=expires_at,
    )


def test_it_purges_expired_attempts_and_long_expired_sessions(org):
    now = timezone.now()
    live = _session(org, now + timedelta(minutes=5))
    recent = _session(org, now - timedelta(days=1))
    old = _session(org, now - SESSION_RETENTION - timedelta(seconds=1))
    kept_attempt = _attempt(live, now + timedelta(minutes=5))
    _attempt(live, now - timedelta(seconds=1))
    assert connect_sessions_purge(now=now) == (1, 1)
    assert set(ConnectSession.objects.values_list("pk", flat=True)) == {live.pk, recent.pk}
    assert list(OAuthAttempt.objects.values_list("pk", flat=True)) == [kept_attempt.pk]
    assert not ConnectSession.objects.filter(pk=old.pk).exists()


def test_the_purge_runs_as_a_periodic_job():
    autodiscover_modules("tasks")  # what the worker and `run_jobs` do
    declared = {j.name: j for j in jobs.registered().values()}
    assert declared[purge_connect_sessions.name].periodic
