"""In real Chromium: the enhetschef shares a case with another unit from the case page (with a reason), the
other unit's samordnare then opens it; the access pages pass the axe-core WCAG 2.1 AA scan."""

import pytest
from playwright.sync_api import expect

from core.models import Role
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_shares_a_case_and_the_access_pages_are_accessible(
    page, live_server, login, handler, manager, other_unit, assert_accessible
):
    case = CaseFactory(
        handler=handler, person=PersonFactory(unit=handler.unit, first_name="Dela", last_name="Delasson")
    )
    samordnare = UserFactory(
        username="sam", first_name="Sam", last_name="Samordnare", unit=other_unit, role=Role.COORDINATOR
    )

    login(manager)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    page.get_by_role("link", name="Delning med andra enheter").click()
    assert_accessible("case-sharing")
    page.get_by_label("Användare").first.select_option(label=f"Sam Samordnare ({other_unit})")
    page.get_by_label("Skäl").first.fill("SIG-samordning med Fältverksamheten")
    page.get_by_role("button", name="Dela", exact=True).click()
    expect(page.get_by_text("Ärendet delas nu.")).to_be_visible()
    expect(page.get_by_role("cell", name="SIG-samordning med Fältverksamheten")).to_be_visible()

    page.goto(f"{live_server.url}/arenden/{case.pk}/historik/")
    assert_accessible("case-history")
    page.goto(f"{live_server.url}/loggkontroll/")
    expect(page.get_by_role("heading", name="Loggkontroll", level=1)).to_be_visible()
    assert_accessible("loggkontroll")
    page.get_by_label("Sök person att granska").fill("Delasson")
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("region", name="Välj person").get_by_role("link", name="Dela Delasson").click()
    # the person is chosen by an opaque id: no personnummer or name in the address
    assert f"person={case.person.pk}" in page.url
    assert case.person.id_number not in page.url and "Delasson" not in page.url
    page.goto(f"{live_server.url}/gallring/")
    assert_accessible("gallring")

    page.get_by_role("button", name="Logga ut").click()
    login(samordnare)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)


def test_a_colleague_asks_to_be_named_and_the_manager_grants_it(
    page, live_server, login, handler, colleague, manager, assert_accessible
):
    person = PersonFactory(
        unit=handler.unit, first_name="Skyddad", last_name="Skyddsdotter", protection="skyddad_folkbokforing"
    )
    CaseFactory(handler=handler, person=person)

    # the colleague sees the person masked and asks to be named
    login(colleague)
    page.goto(f"{live_server.url}/personer/{person.pk}/")
    page.get_by_role("link", name="Be att få se personuppgifterna").click()
    assert_accessible("identity-request")
    page.get_by_label("Skäl").fill("Jag vikarierar för handläggaren.")
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.get_by_text("Din begäran är skickad till enhetschefen.")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()

    # the enhetschef grants it on the skyddad-identitet page
    login(manager)
    page.goto(f"{live_server.url}/personer/{person.pk}/skyddad-identitet/")
    expect(page.get_by_text("Jag vikarierar för handläggaren.")).to_be_visible()
    assert_accessible("protected-identity-requests")
    page.get_by_role("button", name="Bevilja").click()
    expect(page.get_by_text("Begäran är beviljad.")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()

    # and the colleague now sees who it is
    login(colleague)
    page.goto(f"{live_server.url}/personer/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Skyddad Skyddsdotter")
