"""The task outbox: a job is recorded in the caller's transaction and published only after commit."""

import datetime

import pytest
from django.db import transaction

from jobs.models import OutboxMessage
from jobs.outbox import enqueue, outbox_drain, outbox_pending

pytestmark = pytest.mark.django_db


def test_a_rolled_back_transaction_leaves_no_job(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue("jobs.outbox_drain", key="report:1")
        raise RuntimeError("halfway")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_a_committed_job_is_published_after_commit_and_marked_sent(django_capture_on_commit_callbacks):
    # no REDIS_URL in unit tests: Celery runs the task eagerly, as in the demo
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = enqueue("jobs.outbox_drain", key="report:2")
    assert outbox_pending("report:2")  # stored, not yet sent: the transaction has not committed

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.is_sent and message.attempts == 1
    assert not outbox_pending("report:2")


def test_the_drain_sends_waiting_rows_once(django_capture_on_commit_callbacks):
    message = OutboxMessage.objects.create(task_name="jobs.outbox_drain", key="report:3")
    assert outbox_drain(grace=datetime.timedelta(0)) == 1
    assert outbox_drain(grace=datetime.timedelta(0)) == 0
    message.refresh_from_db()
    assert message.is_sent


def test_the_drain_leaves_rows_the_request_is_still_publishing():
    OutboxMessage.objects.create(task_name="jobs.outbox_drain")
    assert outbox_drain() == 0  # younger than the grace period
