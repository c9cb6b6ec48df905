"""Heavy reports do not hold up interactive jobs: with ten reports queued and running on the "reports"
worker, a small job on the "interactive" worker still starts within 30 s (docker-compose runs the two
queues as separate services; here they are two worker subprocesses on a redis-server of the test's own)."""

import datetime
import time

import pytest

from jobs.models import OutboxMessage
from jobs.outbox import enqueue
from reporting import services
from reporting.figures import Period
from reporting.models import GenerationStatus, ReportVersion
from reporting.tests.datasets import CaseSpec, build_cases
from tests.faultkit import CeleryWorker, RedisServer, celery_broker, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires("postgresql", "redis-server"),  # separate worker processes,
]


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(own_redis, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    started = [
        CeleryWorker(redis_url=own_redis.url, media=media, log=tmp_path / f"{queue}.log", queues=queue, hard_limit=60)
        for queue in ("reports", "interactive")
    ]
    for worker in started:
        worker.start()
    yield started
    for worker in started:
        worker.kill_everything()


def test_an_interactive_job_starts_within_30_s_while_ten_reports_run(unit, handler, manager, own_redis, workers):
    build_cases(
        unit=unit,
        handler=handler,
        specs=[CaseSpec(insats="medling", opened_on=datetime.date(2016, 3, 1 + n)) for n in range(20)],
    )
    # both workers are up and their start-up drains (jobs.tasks.drain_when_worker_starts) are done
    interactive_log = workers[1].log
    assert wait_until(
        lambda: (
            interactive_log.exists()
            and interactive_log.read_text().count("Task jobs.outbox_drain") >= 2
            and interactive_log.read_text().count("succeeded") >= 2
        ),
        timeout=60,
    ), interactive_log.read_text()[-2000:]
    # a job waiting in the outbox: only a drain task running from now on can send it
    waiting = OutboxMessage.objects.create(task_name="jobs.outbox_drain", queue="interactive")
    OutboxMessage.objects.filter(pk=waiting.pk).update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    with celery_broker(own_redis.url):
        # given ten reports queued on the reports worker, the first one running
        versions = [
            services.report_request(
                actor=manager, provider=unit.provider, unit=None, kind=kind, period=Period.half_year(year, half)
            )
            for year in range(2012, 2017)
            for kind, half in (("h1", 1), ("h2", 2))
        ]
        assert wait_until(
            lambda: ReportVersion.objects.filter(generation_status=GenerationStatus.RUNNING).exists(), timeout=60
        )

        # when a small interactive job is started
        started = time.monotonic()
        enqueue("jobs.outbox_drain")

        # then it runs within 30 s, while most reports are still waiting or running
        assert wait_until(lambda: OutboxMessage.objects.get(pk=waiting.pk).is_sent, timeout=30)
        assert time.monotonic() - started < 30
    unfinished = ReportVersion.objects.filter(pk__in=[v.pk for v in versions]).exclude(
        generation_status=GenerationStatus.DONE
    )
    assert unfinished.count() >= 5
