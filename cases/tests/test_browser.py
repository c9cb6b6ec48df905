"""Case work in real Chromium: search behind runserver's own request handler, which logs every request line
(the pytest-django live server's handler logs nothing), so what was typed is shown to reach neither the
address nor the log; signing a draft through its confirmation page with JavaScript off."""

import datetime
import logging

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIRequestHandler
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

from cases.models import JournalEntry
from tests.factories import CaseFactory, PersonFactory, personnummer_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class RequestLoggingServerThread(LiveServerThread):
    def _create_server(self, connections_override=None):
        return self.server_class(
            (self.host, self.port), WSGIRequestHandler, allow_reuse_address=False, connections_override=None
        )


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):  # logging.Handler.handle holds the handler's lock around this
        self.lines.append(record.getMessage())


@pytest.fixture
def logged_server(settings):
    """(base url, the request log lines as written, before any formatter could scrub them)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    lines = Lines()
    logger = logging.getLogger("django.server")
    logger.addHandler(lines)
    level = logger.level
    logger.setLevel(logging.INFO)
    thread = RequestLoggingServerThread("127.0.0.1", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}", lines
    finally:
        thread.terminate()
        logger.removeHandler(lines)
        logger.setLevel(level)


def test_a_search_by_personnummer_or_name_leaves_no_trace_in_address_or_request_log(page, logged_server, handler):
    base, log = logged_server
    number = personnummer_for(datetime.date(2009, 4, 12), 7)
    person = PersonFactory(unit=handler.unit, id_number=number, first_name="Spårlös", last_name="Sökdottir")
    CaseFactory(handler=handler, person=person)
    page.goto(f"{base}/logga-in/")
    page.get_by_label("Användarnamn").fill(handler.username)
    page.get_by_label("Lösenord").fill("demo-losen-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base}/")

    typed_forms = [f"{number[2:8]}-{number[8:]}", number]
    page.goto(f"{base}/sok/")
    box = page.get_by_label("Namn, personnummer eller ärendenummer")
    for typed in [*typed_forms, "Sokdottir"]:
        box.fill(typed)
        page.get_by_role("button", name="Sök", exact=True).click()
        expect(page.get_by_role("link", name="Spårlös Sökdottir")).to_be_visible()
        assert page.url == f"{base}/sok/", page.url

    assert any("POST /sok/" in line for line in log.lines), log.lines
    secrets = [*typed_forms, number[2:], number[:8], "Sokdottir", "Sökdottir", "S%C3%B6kdottir"]
    leaked = [line for line in log.lines if any(secret in line for secret in secrets)]
    assert not leaked, leaked


def test_a_draft_is_signed_only_after_the_confirmation_without_javascript(browser, live_server, handler):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Utan", last_name="Skript"))
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(handler.username)
    page.get_by_label("Lösenord").fill("demo-losen-123")
    page.get_by_role("button", name="Logga in").click()

    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    page.get_by_label("Anteckning", exact=True).fill("Utkast som ska signeras.")
    page.get_by_role("button", name="Spara och signera").click()  # not confirmed: nothing saved
    expect(
        page.get_by_text("Bekräfta att anteckningen ska signeras, eller spara den som utkast.").first
    ).to_be_visible()
    assert not JournalEntry.objects.filter(case=case).exists()
    page.get_by_role("button", name="Spara som utkast").click()
    expect(page.get_by_text("Anteckningen är sparad som utkast.")).to_be_visible()

    page.get_by_role("link", name="Signera", exact=False).first.click()
    expect(page.get_by_role("heading", name="Signera anteckning")).to_be_visible()
    page.get_by_role("button", name="Signera").click()
    expect(page.get_by_text("Bekräfta att anteckningen ska signeras.").first).to_be_visible()
    assert not JournalEntry.objects.get(case=case).is_signed
    page.get_by_label("Jag bekräftar att anteckningen är färdig", exact=False).check()
    page.get_by_role("button", name="Signera").click()

    expect(page.get_by_text("Anteckningen är signerad och kan inte längre ändras.")).to_be_visible()
    assert JournalEntry.objects.get(case=case).is_signed
    context.close()
