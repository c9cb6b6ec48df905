"""End to end with a real Celery worker on the real Redis: the browser asks, the worker generates.

The worker runs in a thread of this process (celery.contrib.testing.worker.start_worker, what celery's
own `celery_worker` pytest fixture uses) so it sees the test database; hence django_db(transaction=True).
Needs REDIS_URL (make test sets it when Redis answers); in CI a missing Redis is a failure.
"""

import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from reporting.models import GenerationStatus, ReportVersion, VersionStatus

pytestmark = [
    pytest.mark.requires("redis", "pdftotext"),
]


@pytest.fixture
def reports_worker(settings, tmp_path):
    """A worker consuming the "reports" queue, started on a clean queue."""
    assert not app.conf.task_always_eager, "REDIS_URL must be set so that tasks go through Redis"
    settings.MEDIA_ROOT = tmp_path / "media"
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("reports")
    with start_worker(app, queues=["reports"], pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


def _wait_for(version_id, predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = ReportVersion.objects.get(pk=version_id)
        if predicate(version):
            return version
        time.sleep(0.25)
    raise AssertionError(
        f"timed out; last state {version.generation_status} {version.progress} {version.failure_reason}"
    )


@pytest.mark.django_db(transaction=True)
def test_the_browser_starts_generation_and_a_real_worker_makes_the_report(
    client, seed_2016, agreement, unit, manager, reports_worker
):
    client.force_login(manager)
    # given the manager asks for the 2016 follow-up in the browser
    response = client.post(
        "/uppfoljning/rapporter/ny/", {"scope": f"provider-{unit.provider_id}", "kind": "year", "year": "2016"}
    )
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    status = client.get(f"/uppfoljning/rapporter/{version.report_id}/status/")
    assert status.status_code == 200
    # when the worker has taken the job from Redis
    version = _wait_for(version.pk, lambda v: v.generation_status in (GenerationStatus.DONE, GenerationStatus.FAILED))
    # then the draft is generated, once
    assert version.generation_status == GenerationStatus.DONE, version.failure_reason
    assert version.progress == 100 and version.attempts == 1
    assert version.figures["key_figures"][0]["current"] == 353
    page = client.get(f"/uppfoljning/rapporter/{version.report_id}/")
    assert "Version 1 (utkast) skapades" in page.content.decode()

    # and finalising goes through the worker as well
    # (through the confirmation page's form: confirmed, at the draft's version)
    client.post(f"/uppfoljning/rapporter/{version.report_id}/faststall/", {"confirm": "on", "version": version.version})
    version = _wait_for(version.pk, lambda v: v.status == VersionStatus.FINALISED or v.generation_status == "failed")
    assert version.status == VersionStatus.FINALISED
    assert ReportVersion.objects.count() == 1

    pdf = client.get(f"/uppfoljning/rapporter/{version.report_id}/v1/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True).stdout
    text = text.decode().replace("\u00a0", " ")
    assert "353" in text and "268" in text and "Fastställd" in text
