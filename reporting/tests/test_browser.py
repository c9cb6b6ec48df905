"""A manager's follow-up in real Chromium: start it, watch the progress, comment, finalise; axe on each page.

Run twice: through Redis to a real worker thread ("worker", needs REDIS_URL as make test sets it), and as the
demo runs without a broker ("eager": Celery eager, the job in the background thread of jobs.outbox).
"""

import contextlib
import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from playwright.sync_api import expect

from config.celery import app
from reporting.models import Agreement, VersionStatus
from tests.browser import conftest as browser_helpers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

browser_context_args = browser_helpers.browser_context_args
login = browser_helpers.login
screenshot = browser_helpers.screenshot
assert_accessible = browser_helpers.assert_accessible


@pytest.fixture(params=["worker", "eager"])
def generation(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "eager":
        settings.JOBS_EAGER_IN_BACKGROUND = True
        saved = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            yield None
        finally:
            app.conf.task_always_eager = saved
        return
    assert not app.conf.task_always_eager, "REDIS_URL must be set so that tasks go through Redis"
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge("reports")
    with start_worker(app, queues=["reports"], pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@contextlib.contextmanager
def agreements_locked():
    """Hold the job at its figures: it reads the agreement table, which neither the click's request nor the
    report page reads. Whatever the page shows meanwhile was answered before the job finished."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Agreement._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        yield


def test_manager_makes_the_half_year_follow_up(
    page, live_server, login, manager, seed_2016, agreement, generation, assert_accessible
):
    login(manager)
    page.goto(f"{live_server.url}/uppfoljning/")
    assert_accessible("uppfoljning-start")

    # start the 2016 year report
    page.get_by_label("Period").select_option("year")
    page.get_by_label("År").select_option("2016")
    with agreements_locked():
        # the click answers at once (also without a broker) and the page shows the job's progress
        page.get_by_role("button", name="Skapa uppföljning").click()
        status = page.get_by_role("status").filter(has_text="Rapporten skapas")
        expect(status).to_be_visible(timeout=15_000)
        expect(status).to_contain_text("Räknar fram siffrorna", timeout=15_000)
        expect(page.get_by_role("progressbar")).to_be_visible()
    # then, the job let go, the page shows the result by itself
    expect(page.get_by_text("Version 1 (utkast) skapades")).to_be_visible(timeout=60_000)
    expect(
        page.get_by_role("table", name="Nyckeltal 2016-01-01 – 2016-12-31 jämfört med samma period året innan")
    ).to_be_visible()
    assert_accessible("uppfoljning-utkast")

    # commentary on the draft; the files are made again with it
    page.get_by_role("textbox", name="Diarienummer").fill("ON 2017/0042")
    page.get_by_role("textbox", name="Sammanfattning").fill("Verksamheten uppfyller kraven i överenskommelsen.")
    page.get_by_role("button", name="Spara kommentarer och skapa rapporten på nytt").click()
    expect(page.get_by_text("Kommentarerna är sparade.")).to_be_visible()
    expect(page.get_by_role("link", name="Fastställ version 1")).to_be_visible(timeout=60_000)

    # "Fastställ" asks first, on a page of its own
    page.get_by_role("link", name="Fastställ version 1").click()
    page.get_by_role("button", name="Fastställ version 1").click()
    expect(page.get_by_text("Bekräfta att versionen ska fastställas.").first).to_be_visible()
    assert_accessible("uppfoljning-faststall-bekrafta")
    page.get_by_label("Jag har granskat siffrorna och kommentarerna", exact=False).check()
    page.get_by_role("button", name="Fastställ version 1").click()
    expect(page.get_by_text("Versionen fastställs. När PDF:en är klar")).to_be_visible()
    expect(page.get_by_text("Version 1 fastställdes")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Skapa ny version")).to_be_visible()
    assert page.get_by_role("link", name="PDF").count() == 1
    assert_accessible("uppfoljning-faststalld")
    assert Agreement.objects.count() == 1
    from reporting.models import ReportVersion

    assert ReportVersion.objects.get().status == VersionStatus.FINALISED


def test_manager_registers_an_agreement(page, live_server, login, manager, assert_accessible):
    login(manager)
    page.goto(f"{live_server.url}/uppfoljning/overenskommelser/ny/")
    assert_accessible("overenskommelse-ny")
    page.get_by_label("Benämning").fill("Brottsförebyggande verksamhet")
    page.get_by_label("Gäller från").fill("2019-01-01")
    page.get_by_label("Gäller till").fill("2020-12-31")
    page.get_by_label("Budget (kr per år)").fill("3854000")
    page.get_by_label("Ungdomstjänst, lägst per år").fill("30")
    page.get_by_label("Ungdomstjänst, högst per år").fill("20")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Högsta volym får inte vara mindre än lägsta.")).to_be_visible()
    assert_accessible("overenskommelse-fel")
    page.get_by_label("Ungdomstjänst, högst per år").fill("40")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Nämnden ska ta ställning senast 2019-12-31.")).to_be_visible()
    assert_accessible("overenskommelser")
    assert Agreement.objects.get().decision_on == datetime.date(2019, 12, 31)
