"""A closed form of the insats page is loaded when it is opened (partials/action_form.html, issue 23.4): it then
works as if it had been on the page, text typed into it is kept for a session end (static/js/session.js), and
when the session has ended, opening a form leads to the sign-in and from there to that form, opened."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as browser_helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser_context_args = browser_helpers.browser_context_args
login = browser_helpers.login


def test_a_closed_form_is_loaded_when_opened(page, live_server, login, handler, ordered_community_service):
    case = ordered_community_service()[0].case
    login(handler)
    page.goto(f"{live_server.url}/insatser/arende/{case.pk}/")
    form = page.locator("#form-timmar")
    expect(form.locator("form")).to_have_count(0)  # not on the page until opened

    form.locator("summary").click()
    expect(form.get_by_label("Arbetsplats")).to_be_visible()
    form.get_by_label("Anteckning").fill("Kom i tid.")
    kept = page.evaluate("Object.keys(sessionStorage).filter((key) => key.startsWith('ui-draft:'))")
    assert [key for key in kept if key.endswith("/timmar/:note")], kept

    # the session ends; opening another closed form leads to the sign-in, then to that form
    page.context.clear_cookies()
    page.locator("#form-samtycke summary").click()
    page.wait_for_url(re.compile(r"/logga-in/"))
    page.get_by_label("Användarnamn").fill(handler.username)
    page.get_by_label("Lösenord").fill(browser_helpers.PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"oppna=samtycke"))
    expect(page.locator("#form-samtycke").get_by_role("button", name="Registrera samtycke")).to_be_visible()
