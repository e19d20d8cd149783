"""Background jobs (weavz/jobs.py) on the configured engine, with real workers."""

import threading
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from orgs.models import AuditEvent, IdempotencyRecord
from orgs.services import idempotency_records_purge
from orgs.tasks import purge_idempotency_records
from tests.factories import OrganizationFactory
from tests.jobs_for_tests import WORKER_ENV, fail_once, record_a_run
from tests.postgres import only_postgres
from tests.workers import clear_queue, eventually, queued_jobs, run_jobs, worker_process
from weavz import jobs


@pytest.fixture
def queue(transactional_db):
    clear_queue()
    yield
    clear_queue()


def make_record(key, age):
    org = OrganizationFactory.create()
    record = IdempotencyRecord.objects.create(org=org, key=key, fingerprint="f" * 64)
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - age)
    return record


def exists(record):
    return IdempotencyRecord.objects.filter(pk=record.pk).exists()


def test_it_refuses_job_arguments_that_are_not_ids():
    @jobs.job(queue="test")
    def takes_an_id(*, connection_id):
        raise AssertionError("never runs")

    try:
        with pytest.raises(TypeError, match="must be an id or an integer") as raised:
            jobs.defer(takes_an_id, connection_id="xoxb-a-secret-token")
        assert "xoxb" not in str(raised.value)
        with pytest.raises(TypeError):
            jobs.defer(takes_an_id, connection_id={"access_token": "x"})
    finally:
        jobs._registry.pop(takes_an_id.name)
        jobs._procrastinate_tasks.pop(takes_an_id.name, None)


def test_a_periodic_job_takes_no_arguments():
    with pytest.raises(TypeError, match="takes no arguments"):
        jobs.defer(purge_idempotency_records, org_id=1)


@pytest.mark.django_db
def test_the_purge_deletes_only_records_older_than_a_day():
    old = make_record("old", timedelta(hours=25))
    fresh = make_record("fresh", timedelta(hours=23))
    assert idempotency_records_purge(batch_size=1) == 1
    assert not exists(old) and exists(fresh)


def runs_of(org):
    return AuditEvent.objects.filter(org=org, action="test.job_ran").count()


def test_a_job_enqueued_in_a_committed_transaction_runs_once(queue):
    org = OrganizationFactory.create()
    with transaction.atomic():
        jobs.defer(record_a_run, org_id=org.id)
    run_jobs(**WORKER_ENV)
    assert runs_of(org) == 1


def test_a_job_enqueued_in_a_transaction_that_rolls_back_never_runs(queue):
    org = OrganizationFactory.create()
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.defer(record_a_run, org_id=org.id)
        raise RuntimeError("the change failed")
    run_jobs(**WORKER_ENV)
    assert runs_of(org) == 0
    if jobs.backend() == jobs.PROCRASTINATE:
        assert record_a_run.name not in [name for name, _args in queued_jobs()]


@only_postgres
def test_a_worker_runs_the_periodic_purge_by_itself(queue):
    old = make_record("old", timedelta(hours=25))
    with worker_process():
        eventually(lambda: not exists(old), what="the periodic purge")


def test_the_in_process_scheduler_runs_periodic_jobs(transactional_db):
    old = make_record("old", timedelta(hours=25))
    stop = threading.Event()
    scheduler = threading.Thread(target=jobs.run_scheduler, args=(stop,), daemon=True)
    scheduler.start()
    try:
        eventually(lambda: not exists(old), what="the scheduler's first run")
    finally:
        stop.set()
        scheduler.join(timeout=10)


def test_periodic_jobs_are_due_at_their_cron_ticks():
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    assert purge_idempotency_records in jobs.due_periodic_jobs(start, start + timedelta(minutes=10))
    assert purge_idempotency_records not in jobs.due_periodic_jobs(
        start, start + timedelta(minutes=9)
    )


def test_a_job_deferred_with_run_at_waits_until_then(queue):
    org = OrganizationFactory.create()
    with transaction.atomic():
        jobs.defer(record_a_run, org_id=org.id, run_at=timezone.now() + timedelta(hours=1))
    run_jobs(**WORKER_ENV)
    assert runs_of(org) == 0
    with transaction.atomic():
        jobs.defer(record_a_run, org_id=org.id, run_at=timezone.now() + timedelta(seconds=1))
    eventually(lambda: (run_jobs(**WORKER_ENV), runs_of(org))[1] == 1, what="the delayed job")


def test_a_failed_job_is_retried(queue):
    org = OrganizationFactory.create()
    with transaction.atomic():
        jobs.defer(fail_once, org_id=org.id)

    def attempts():
        return AuditEvent.objects.filter(org=org, action="test.attempt").count()

    if jobs.backend() == jobs.THREAD:
        run_jobs()
        assert attempts() == 2
        return
    with worker_process(**WORKER_ENV):
        eventually(lambda: attempts() == 2, timeout=45, what="the retry")
