"""Decimal comma in real Chromium: hours and kronor typed the Swedish way are stored as meant (a type=number
input in Chromium without the Swedish locale pack turned "1,5" into 15 and "62 500,50" into 6 250 050), and a
row saved wrongly is corrected on its own page."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from interventions import services
from interventions.models import CommunityServiceSession, PurchasedService
from tests.browser import conftest as browser_helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser_context_args = browser_helpers.browser_context_args
login = browser_helpers.login
screenshot = browser_helpers.screenshot
assert_accessible = browser_helpers.assert_accessible


def test_hours_and_costs_typed_with_a_decimal_comma(
    page, live_server, login, handler, make_case, ordered_community_service
):
    today = datetime.date.today()
    service_case = ordered_community_service()[0].case
    avhopp_case = make_case("avhopp", birth_date=datetime.date(today.year - 19, 5, 5))

    login(handler)
    page.goto(f"{live_server.url}/insatser/arende/{service_case.pk}/")
    page.locator("#form-timmar summary").click()
    form = page.locator("#form-timmar")
    form.get_by_label("Arbetsplats").select_option(label="Biblioteket")
    form.get_by_label("Datum").fill(today.isoformat())
    form.get_by_label("Timmar").press_sequentially("1,5")  # typed key by key like a person
    form.get_by_role("button", name="Registrera timmar").click()
    expect(page.get_by_text("Timmarna är registrerade.")).to_be_visible()
    assert CommunityServiceSession.objects.get().hours == Decimal("1.5")

    page.goto(f"{live_server.url}/insatser/arende/{avhopp_case.pk}/")
    page.locator("#form-kopt-insats summary").click()
    form = page.locator("#form-kopt-insats")
    form.get_by_label("Typ av köpt insats").select_option(label="Skyddat boende")
    form.get_by_label("Leverantör").fill("Boende Nord AB")
    form.get_by_label("Från").fill(today.isoformat())
    form.get_by_label("Pris (kr)").press_sequentially("62\u00a0500,50")
    form.get_by_role("button", name="Registrera köpt insats").click()
    expect(page.get_by_text("Den köpta insatsen är registrerad.")).to_be_visible()
    assert PurchasedService.objects.get().cost == Decimal("62500.50")
    expect(page.get_by_role("table", name="Köpta insatser")).to_contain_text("62 500,50 kr")

    # an unreadable value: a Swedish message on the field, nothing saved
    page.locator("#form-kopt-insats summary").click()
    form = page.locator("#form-kopt-insats")
    form.get_by_label("Leverantör").fill("Boende Syd AB")
    form.get_by_label("Från").fill(today.isoformat())
    form.get_by_label("Pris (kr)").fill("62.500,50")
    form.get_by_role("button", name="Registrera köpt insats").click()
    expect(page.locator("#form-kopt-insats .error-summary")).to_contain_text(
        "Skriv ett tal, till exempel 1,5 eller 62 500,50."
    )
    assert PurchasedService.objects.count() == 1


def test_hours_saved_wrongly_are_corrected_on_their_own_page(
    page, live_server, login, handler, ordered_community_service, assert_accessible
):
    today = datetime.date.today()
    order, workplace = ordered_community_service()
    case = order.case
    services.community_service_session_add(
        actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("15")
    )

    login(handler)
    page.goto(f"{live_server.url}/insatser/arende/{case.pk}/")
    page.get_by_role("link", name=f"Rätta/ta bort {today.isoformat()}").click()
    expect(page.get_by_role("heading", name="Rätta eller ta bort utfört tillfälle")).to_be_visible()
    expect(page.locator("#row-correct").get_by_label("Timmar")).to_have_value("15,0")
    assert_accessible("insats-rad-rattelse")
    form = page.locator("#row-correct")
    form.get_by_label("Timmar").fill("")
    form.get_by_label("Timmar").press_sequentially("1,5")
    form.get_by_label("Varför rättas uppgifterna").fill("Skrevs in som 15 timmar")
    form.get_by_role("button", name="Spara rättelsen").click()
    expect(page.get_by_text("Uppgifterna är rättade.")).to_be_visible()
    assert CommunityServiceSession.objects.get().hours == Decimal("1.5")
    expect(page.get_by_role("table", name="Utförda tillfällen")).to_contain_text("1,5")
