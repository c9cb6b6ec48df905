"""In Chromium: a handläggare changes her own password from the header link, the lockout page is Swedish, and
both pages and the session warning dialog pass the axe-core WCAG 2.1 AA scan."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Tallbarr-Ekorre-Kanot-Fjäril"


def test_password_change_and_lockout_pages(page, live_server, login, handler, assert_accessible):
    # the attacker's guesses lock her own username from this browser, with a Swedish page
    page.goto(f"{live_server.url}/logga-in/")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Användarnamn").fill("colleague")
        page.get_by_label("Lösenord").fill(f"gissning-{attempt}")
        page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Inloggningen är tillfälligt spärrad", level=1)).to_be_visible()
    assert_accessible("lockout")

    login(handler)  # another username is not locked, even from the same browser
    page.get_by_role("link", name="Byt lösenord").click()
    expect(page.get_by_role("heading", name="Byt lösenord", level=1)).to_be_visible()
    assert_accessible("password-change")
    page.get_by_label("Gammalt lösenord").fill("demo-losen-123")
    page.get_by_label("Nytt lösenord", exact=True).fill("Sommar2024!!")
    page.get_by_label("Bekräfta nytt lösenord").fill("Sommar2024!!")
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.get_by_role("alert")).to_contain_text("Lösenordet är ett ord som prövas först")
    assert_accessible("password-change-refused")

    page.get_by_label("Gammalt lösenord").fill("demo-losen-123")
    page.get_by_label("Nytt lösenord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Bekräfta nytt lösenord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.get_by_text("Ditt lösenord är ändrat.")).to_be_visible()
    handler.refresh_from_db()
    assert handler.check_password(NEW_PASSWORD)


def test_the_session_warning_dialog_is_accessible(page, live_server, login, handler, settings, assert_accessible):
    settings.SESSION_COOKIE_AGE = 60
    settings.SESSION_WARNING_SECONDS = 58
    login(handler)
    expect(page.get_by_role("dialog", name="Du loggas snart ut")).to_be_visible(timeout=10_000)
    assert_accessible("session-warning")
