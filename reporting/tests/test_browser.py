"""A manager's follow-up in real Chromium: start it, watch the progress, comment, finalise; axe on each page.

With REDIS_URL set the job goes through Redis to a real worker thread; without it Celery runs eagerly.
"""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
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


@pytest.fixture
def generation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if app.conf.task_always_eager:
        yield None
        return
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("reports")
    with start_worker(app, queues=["reports"], pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


def test_manager_makes_the_half_year_follow_up(
    page, live_server, login, manager, seed_2016, agreement, generation, assert_accessible
):
    login(manager)
    page.goto(f"{live_server.url}/uppfoljning/")
    assert_accessible("uppfoljning-start")

    # start the 2016 year report
    page.get_by_label("Period").select_option("year")
    page.get_by_label("År").select_option("2016")
    page.get_by_role("button", name="Skapa uppföljning").click()
    expect(page.get_by_text("Version 1 (utkast) skapades")).to_be_visible(timeout=60_000)
    expect(
        page.get_by_role("table", name="Nyckeltal 2016-01-01 – 2016-12-31 jämfört med samma period året innan")
    ).to_be_visible()
    assert_accessible("uppfoljning-utkast")

    # commentary on the draft; the files are made again with it
    page.get_by_role("textbox", name="Diarienummer").fill("ON 2017/0042")
    page.get_by_role("textbox", name="Sammanfattning").fill("Verksamheten uppfyller kraven i överenskommelsen.")
    page.get_by_role("button", name="Spara kommentarer och skapa rapporten på nytt").click()
    expect(page.get_by_role("link", name="Fastställ version 1")).to_be_visible(timeout=60_000)

    # "Fastställ" asks first, on a page of its own
    page.get_by_role("link", name="Fastställ version 1").click()
    page.get_by_role("button", name="Fastställ version 1").click()
    expect(page.get_by_text("Bekräfta att versionen ska fastställas.").first).to_be_visible()
    assert_accessible("uppfoljning-faststall-bekrafta")
    page.get_by_label("Jag har granskat siffrorna och kommentarerna", exact=False).check()
    page.get_by_role("button", name="Fastställ version 1").click()
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
