"""The session never eats work (issue 20, point 5), in Chromium with a short idle timeout: the page warns before
the session ends and "Fortsätt arbeta" keeps it (WCAG 2.2.1); text typed into a journal entry when the session
nevertheless ends is kept in the tab and put back after signing in again, then forgotten once saved or on
logout."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import JournalEntry
from tests.factories import CaseFactory, JournalEntryFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-losen-123"  # tests.factories.UserFactory's password
TYPED = "Samtal med Tove om skolan. Hon berättade om veckan och vi bestämde att ses igen på torsdag."


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Tove", last_name="Test"))


def sign_in_here(page, user):
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def wait_until_the_session_has_ended_on_the_server(page) -> None:
    # the page's own requests (e.g. the favicon) may renew it a moment after the page loaded
    for _ in range(40):
        if not Session.objects.filter(expire_date__gt=timezone.now()).exists():
            return
        page.wait_for_timeout(500)
    raise AssertionError("the session did not end")


def drafts_in_tab(page) -> list[str]:
    return page.evaluate("Object.keys(sessionStorage).filter((key) => key.startsWith('ui-draft:'))")


def test_the_page_warns_before_the_end_and_fortsatt_arbeta_keeps_the_session(
    page, live_server, login, handler, settings
):
    # the warning opens about 6 s after the page loaded; "Fortsätt arbeta" then has 8 s to reach the server
    # before the session would end, and the session it renews lasts past the check below by at least 3 s
    settings.SESSION_COOKIE_AGE = 14
    settings.SESSION_WARNING_SECONDS = 8
    settings.SESSION_RENEW_SECONDS = 0
    login(handler)
    loaded = time.monotonic()
    warning = page.get_by_role("dialog", name="Du loggas snart ut")
    expect(warning).to_be_hidden()

    expect(warning).to_be_visible(timeout=15_000)
    continue_button = warning.get_by_role("button", name="Fortsätt arbeta")
    expect(continue_button).to_be_focused()
    with page.expect_response(lambda response: "/session/fortsatt/" in response.url) as renewed:
        continue_button.click()
    assert renewed.value.status == 200 and renewed.value.json()["seconds_left"] == 14
    expect(warning).to_be_hidden()

    # past the end the session had before "Fortsätt arbeta": still signed in
    page.wait_for_timeout(max(0, 16 - (time.monotonic() - loaded)) * 1000)
    page.reload()
    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()


def test_a_new_entry_typed_when_the_session_ends_is_back_after_signing_in_again(
    page, live_server, login, handler, case, settings
):
    settings.SESSION_COOKIE_AGE = 12  # time to open the case and type before the notice covers it, on a busy machine
    settings.SESSION_WARNING_SECONDS = 1
    settings.SESSION_RENEW_SECONDS = 0
    login(handler)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    page.get_by_role("textbox", name="Anteckning").fill(TYPED)
    assert len(drafts_in_tab(page)) == 1

    # the session ends while the text sits unsaved: the page says so and offers to sign in again
    ended = page.get_by_role("dialog")
    expect(ended.get_by_text("Du är utloggad.")).to_be_visible(timeout=20_000)
    wait_until_the_session_has_ended_on_the_server(page)
    ended.get_by_role("link", name="Logga in igen").click()
    expect(page).to_have_url(f"{live_server.url}/logga-in/?next=/arenden/{case.pk}/")
    sign_in_here(page, handler)

    expect(page).to_have_url(f"{live_server.url}/arenden/{case.pk}/")
    expect(page.get_by_role("textbox", name="Anteckning")).to_have_value(TYPED)
    expect(
        page.get_by_role("status").filter(has_text="Texten du skrev innan du loggades ut är återställd")
    ).to_be_visible()

    page.get_by_role("button", name="Spara som utkast").click()
    expect(page.get_by_text("Anteckningen är sparad som utkast.")).to_be_visible()
    assert JournalEntry.objects.get(case=case).text == TYPED
    assert drafts_in_tab(page) == []  # saved: the copy in the tab is gone
    expect(page.get_by_role("textbox", name="Anteckning")).to_have_value("")


def test_an_edited_draft_sent_after_the_session_ended_is_restored_and_logout_forgets_text(
    page, live_server, login, handler, case, settings
):
    entry = JournalEntryFactory(case=case, author=handler, text="Ett utkast.")
    settings.SESSION_COOKIE_AGE = 8
    settings.SESSION_WARNING_SECONDS = 1
    settings.SESSION_RENEW_SECONDS = 0
    login(handler)
    edit_url = f"/arenden/{case.pk}/anteckningar/{entry.pk}/andra/"
    page.goto(live_server.url + edit_url)
    page.get_by_role("textbox", name="Anteckning").fill(TYPED)

    expect(page.get_by_role("dialog").get_by_text("Du är utloggad.")).to_be_visible(timeout=20_000)
    wait_until_the_session_has_ended_on_the_server(page)
    page.keyboard.press("Escape")  # she closes the notice and presses Spara anyway
    page.get_by_role("button", name="Spara utkast").click()
    expect(page).to_have_url(f"{live_server.url}/logga-in/?next={edit_url}")
    sign_in_here(page, handler)

    expect(page).to_have_url(live_server.url + edit_url)
    expect(page.get_by_role("textbox", name="Anteckning")).to_have_value(TYPED)
    entry.refresh_from_db()
    assert entry.text == "Ett utkast."  # nothing was saved behind her back

    page.get_by_role("button", name="Logga ut").click()
    assert drafts_in_tab(page) == []
