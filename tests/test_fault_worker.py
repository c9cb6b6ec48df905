"""A report worker SIGKILLed during PDF generation, and a PDF step that raises, against real services:
a celery worker subprocess on a redis-server of this test's own, pointed at the test database.

- the worker's pool process is killed mid-PDF: the main process notices (WorkerLostError), the message
  goes back to the queue (acks_late + reject_on_worker_lost), a new process completes the report;
- the whole worker is killed: the message stays unacknowledged in Redis and is redelivered to the worker
  started next, once the visibility timeout (above the hard time limit) has passed;
- in both cases exactly one version exists and the PDF is whole (written to a temporary name, renamed);
- the PDF step raises: the version is failed with its reason; "Försök igen" completes it.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from reporting import services
from reporting.figures import Period
from reporting.models import GenerationStatus, ReportVersion
from reporting.tests.datasets import CaseSpec, build_cases
from tests.faultkit import CeleryWorker as Worker
from tests.faultkit import RedisServer, celery_broker, wait_until

ROOT = Path(settings.BASE_DIR)
HARD_LIMIT = 12  # the worker's hard time limit in these tests
# Above the hard limit, so a task still running is never delivered twice. The worker started after the kill
# looks for abandoned messages once it has been up 10 s (unacked_restore_interval), then every 10 s: 13 s after
# the delivery has usually passed by its first look (the job reached its PDF, then the worker started), where
# twice the hard limit (24 s) waited for the second.
VISIBILITY_TIMEOUT = HARD_LIMIT + 1

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires("postgresql", "redis-server"),  # a separate worker process,
]


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(own_redis, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    worker = Worker(
        redis_url=own_redis.url,
        media=media,
        log=tmp_path / "worker.log",
        hard_limit=HARD_LIMIT,
        visibility_timeout=VISIBILITY_TIMEOUT,
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def some_cases(unit, handler):
    specs = [
        CaseSpec(insats="ungdomstjanst", opened_on=datetime.date(year, month, 3), birth_date=datetime.date(2000, 1, 9))
        for year in (2016, 2017, 2018)
        for month in (2, 5, 9)
    ]
    return build_cases(unit=unit, handler=handler, specs=specs)


def status_of(version_id: int) -> ReportVersion:
    return ReportVersion.objects.get(pk=version_id)


def wait_for_pdf_step(version_id: int, timeout: float = 60):
    """Until the worker is inside PDF generation (progress 50: "Skapar PDF")."""
    assert wait_until(lambda: status_of(version_id).progress >= 50, timeout=timeout, interval=0.02)
    assert status_of(version_id).generation_status == GenerationStatus.RUNNING


def wait_for_status(version_id: int, status: str, *, timeout: float, worker: Worker):
    reached = wait_until(lambda: status_of(version_id).generation_status == status, timeout=timeout, interval=0.1)
    assert reached, (status_of(version_id).generation_status, worker.log.read_text()[-3000:])


def assert_one_complete_version(version_id: int, media: Path):
    version = status_of(version_id)
    assert version.generation_status == GenerationStatus.DONE, (version.generation_status, version.failure_reason)
    assert ReportVersion.objects.filter(report_id=version.report_id).count() == 1
    pdf = media / version.pdf_file
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    # only the finished files carry their real names: nothing half-written is visible
    assert sorted(path.name for path in pdf.parent.iterdir() if not path.name.startswith(".tmp-")) == [
        "uppfoljning.csv",
        "uppfoljning.pdf",
        "uppfoljning.xlsx",
    ]


def test_report_completes_after_its_worker_is_killed_during_pdf_generation(
    some_cases, manager, unit, worker, own_redis
):
    with celery_broker(own_redis.url):
        for year, kill in [(2016, "pool"), (2017, "pool"), (2018, "worker")]:
            # given a report being generated
            draft = services.report_request(
                actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(year)
            )
            wait_for_pdf_step(draft.pk)

            # when its worker is SIGKILLed in the middle of the PDF
            if kill == "pool":
                worker.kill_pool_process()
            else:
                worker.kill_everything()
                assert status_of(draft.pk).generation_status == GenerationStatus.RUNNING
                worker.start()  # redelivered once the visibility timeout has passed

            # then it completes, once, with whole files
            wait_for_status(
                draft.pk,
                GenerationStatus.DONE,
                timeout=60 if kill == "pool" else VISIBILITY_TIMEOUT + 60,
                worker=worker,
            )
            assert_one_complete_version(draft.pk, worker.media)
            assert status_of(draft.pk).attempts >= 2


def test_a_failing_pdf_step_is_shown_with_its_reason_and_a_retry_completes(
    some_cases, manager, unit, worker, own_redis
):
    reports, kept = worker.media / "reports", worker.media / "reports-kept"
    with celery_broker(own_redis.url):
        for year in (2016, 2017):
            # given the folder for generated files cannot be written (a file stands where it should be)
            if reports.exists():
                reports.rename(kept)
            reports.write_text("inte en mapp")
            draft = services.report_request(
                actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(year)
            )
            # then the version fails, with a reason the manager can read
            wait_for_status(draft.pk, GenerationStatus.FAILED, timeout=60, worker=worker)
            failed = status_of(draft.pk)
            assert failed.failure_reason.startswith("Rapporten kunde inte skapas:")

            # when the folder is fixed and the manager presses "Försök igen"
            reports.unlink()
            if kept.exists():
                kept.rename(reports)
            assert services.report_generation_queue(actor=manager, version=failed) is True

            # then it completes, as one version
            wait_for_status(draft.pk, GenerationStatus.DONE, timeout=60, worker=worker)
            assert_one_complete_version(draft.pk, worker.media)
