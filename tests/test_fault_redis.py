"""Redis stopped: case pages and edits keep working; a job started meanwhile waits in the database outbox
and reaches Redis when it is back. Uses a redis-server of its own (never the shared one on 6379)."""

import datetime
import shutil

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from cases.models import JournalEntry
from jobs.models import OutboxMessage
from jobs.outbox import broker_reachable, enqueue, outbox_drain, outbox_pending
from tests.factories import CaseFactory
from tests.faultkit import RedisServer, celery_broker

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server saknas")


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_outage_loses_neither_edits_nor_jobs(client, handler, own_redis):
    case = CaseFactory(handler=handler, opened_on=datetime.date(2025, 3, 1))
    client.force_login(handler)
    key = f"case:{case.pk}"

    with celery_broker(own_redis.url), override_settings(REDIS_URL=own_redis.url):
        for cycle in range(3):
            # given Redis is down
            own_redis.stop()
            assert not broker_reachable()

            # then pages answer and an edit is saved
            assert client.get(reverse("case_detail", kwargs={"case_id": case.pk})).status_code == 200
            response = client.post(
                reverse("entry_create", kwargs={"case_id": case.pk}),
                {"kind": "samtal", "occurred_on": "2025-03-05", "text": f"Samtal nummer {cycle}"},
            )
            assert response.status_code == 302
            assert JournalEntry.objects.filter(case=case).count() == cycle + 1
            assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").status_code == 503

            # and a job started now is kept in the outbox instead of failing
            with transaction.atomic():
                message = enqueue("jobs.outbox_drain", key=key)
            message.refresh_from_db()
            assert not message.is_sent and message.last_error
            assert outbox_pending(key)

            # when Redis comes back, the drain hands the job over exactly once
            own_redis.start()
            assert broker_reachable()
            assert outbox_drain(grace=datetime.timedelta(0)) == 1, OutboxMessage.objects.get(pk=message.pk).last_error
            assert outbox_drain(grace=datetime.timedelta(0)) == 0
            assert not outbox_pending(key)
            assert own_redis.client().llen("interactive") == 1
            own_redis.client().flushall()
            assert client.get("/readyz").status_code == 200
