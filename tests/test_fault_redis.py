"""Redis stopped: case pages and edits keep working; starting a report says it is queued (the job waits in the
database outbox) and the job reaches Redis once it is back. Uses a redis-server of its own (never the shared
one on 6379)."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from cases.models import JournalEntry
from jobs.models import OutboxMessage
from jobs.outbox import broker_reachable, outbox_drain
from reporting.models import GenerationStatus, ReportVersion
from tests.factories import CaseFactory
from tests.faultkit import RedisServer, celery_broker

pytestmark = pytest.mark.requires("redis-server")

QUEUED_NOTICE = "Jobbet ligger i kö och startar så snart bakgrundstjänsten är nåbar."


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_redis_outage_loses_neither_edits_nor_jobs(client, handler, manager, unit, own_redis):
    case = CaseFactory(handler=handler, opened_on=datetime.date(2025, 3, 1))
    case_page = reverse("case_detail", kwargs={"case_id": case.pk})

    with celery_broker(own_redis.url), override_settings(REDIS_URL=own_redis.url):
        for cycle, year in enumerate((2016, 2017, 2018)):
            # given Redis is down
            own_redis.stop()
            assert not broker_reachable()

            # then the handläggare's pages answer and an edit is saved
            client.force_login(handler)
            assert client.get(case_page).status_code == 200
            response = client.post(
                reverse("entry_create", kwargs={"case_id": case.pk}),
                {"kind": "samtal", "occurred_on": "2025-03-05", "text": f"Samtal nummer {cycle}"},
            )
            assert response.status_code == 302
            assert JournalEntry.objects.filter(case=case).count() == cycle + 1

            # and the manager who starts a report is told it is queued, not shown an error
            client.force_login(manager)
            response = client.post(
                reverse("reporting:report_create"),
                {"scope": f"provider-{unit.provider_id}", "kind": "year", "year": str(year)},
                follow=True,
            )
            assert response.status_code == 200
            assert QUEUED_NOTICE in response.content.decode()
            version = ReportVersion.objects.get(report__period_start=datetime.date(year, 1, 1))
            assert version.generation_status == GenerationStatus.QUEUED
            message = OutboxMessage.objects.get(key=f"report-version:{version.pk}")
            assert not message.is_sent and message.last_error

            # the process is alive, but not ready for traffic that needs jobs
            assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").status_code == 503

            # when Redis comes back, the drain hands the job over exactly once
            own_redis.start()
            assert broker_reachable()
            assert outbox_drain(grace=datetime.timedelta(0)) == 1
            assert outbox_drain(grace=datetime.timedelta(0)) == 0
            message.refresh_from_db()
            assert message.is_sent
            assert own_redis.client().llen("reports") == 1
            assert (
                QUEUED_NOTICE
                not in client.get(reverse("reporting:report_detail", args=[version.report_id])).content.decode()
            )
            assert client.get("/readyz").status_code == 200
            own_redis.client().flushall()
