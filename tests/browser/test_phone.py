"""Staff pages on a phone (issue 22.4): at 390 × 844 Mina ärenden, search, the case page, the insats page with
its forms open, and the plan page with the one-sitting form scroll only up and down (tables are labelled
cards), every primary button is inside the screen, the header folds its menu, a save's confirmation is in
view, and axe finds no serious violation."""

import datetime

import pytest
from playwright.sync_api import expect

from cases.models import InsatsType
from consent.models import Actor
from consent.services import consent_record
from interventions import services
from tests.factories import CaseFactory, CustodianFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def assert_fits_the_phone(page, name: str, *, with_buttons: bool = True) -> None:
    """No sideways scrolling, and every visible submit button of the page body lies within the screen width."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{name}: the page is {scroll_width} px wide on a {inner_width} px screen"
    buttons = page.locator("main button[type=submit]:visible, main .button:visible")
    assert buttons.count() > 0 or not with_buttons, name
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= inner_width, (
            f"{name}: {buttons.nth(index).inner_text()!r} is outside the screen ({box})"
        )


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def test_staff_pages_fit_a_phone(phone, live_server, login, handler, coordinator, assert_accessible):
    page = phone
    today = datetime.date.today()
    person = PersonFactory(
        unit=handler.unit,
        first_name="Alexandra-Josefine",
        last_name="Långnamnsdotter-Ekström",
        birth_date=datetime.date(2009, 6, 1),
    )
    custodian = CustodianFactory(person=person, name="Maria Långnamnsdotter-Ekström")
    case = CaseFactory(person=person, handler=handler, insats_type=InsatsType.objects.get(code="sig"))
    school = Actor.objects.get(code="skola")
    consent_record(actor=handler, person=person, custodian=None, actors=[school], given_on=today, form="skriftligt")
    consent_record(
        actor=handler, person=person, custodian=custodian, actors=[school], given_on=today, form="skriftligt"
    )
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator, overall_goal="Skolan")
    goal = services.plan_goal_add(actor=handler, plan=plan, text="Sam går i skolan varje dag")
    services.plan_activity_add(
        actor=handler, plan=plan, goal=goal, what="Närvarokontroll", responsible=school, when="Varje morgon"
    )

    login(handler)
    # the header is one line: the menu is folded behind "Meny"
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 100
    expect(page.get_by_role("link", name="Mina ärenden")).to_be_hidden()
    page.get_by_role("button", name="Meny").click()
    expect(page.get_by_role("link", name="Mina ärenden")).to_be_visible()
    expect(page.get_by_role("button", name="Meny")).to_have_attribute("aria-expanded", "true")
    assert_fits_the_phone(page, "mina-arenden")
    assert_accessible("phone-mina-arenden")

    page.goto(f"{live_server.url}/sok/")
    page.get_by_label("Namn, personnummer eller ärendenummer").fill("Långnamnsdotter")
    page.get_by_role("button", name="Sök").click()
    expect(page.locator("main table")).to_contain_text("Långnamnsdotter-Ekström")
    # the result table is a list of cards whose cells say what they are
    expect(page.locator("main table tbody td[data-label]").first).to_be_visible()
    assert page.locator("main table").get_attribute("role") == "table"
    assert_fits_the_phone(page, "sok")
    assert_accessible("phone-sok")

    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    assert_fits_the_phone(page, "arendet")
    assert_accessible("phone-arendet")

    page.goto(f"{live_server.url}/insatser/arende/{case.pk}/")
    for summary in page.locator("main details > summary").all():
        summary.click()
    expect(page.locator("main .action-form__wait")).to_have_count(0)  # each opened form is loaded
    assert_fits_the_phone(page, "insatsen")
    assert_accessible("phone-insatsen")

    page.context.clear_cookies()
    login(coordinator)
    page.goto(f"{live_server.url}/insatser/plan/{plan.pk}/")
    for summary in page.locator("main details > summary").all():
        summary.click()
    expect(page.locator("main .action-form__wait")).to_have_count(0)
    assert_fits_the_phone(page, "planen")
    assert_accessible("phone-planen")

    # a save far down the page: the confirmation is on the screen afterwards
    form = page.locator("#form-uppfoljning-planera")
    form.get_by_label("Datum för uppföljning").fill((today + datetime.timedelta(days=14)).isoformat())
    form.get_by_role("button", name="Planera uppföljning").click()
    expect(page.get_by_text("Uppföljningen är inplanerad.")).to_be_in_viewport()
    assert_fits_the_phone(page, "planen-sparad", with_buttons=False)
