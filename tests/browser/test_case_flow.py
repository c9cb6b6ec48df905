"""The handläggare's day in real Chromium: log in → register a person → open a case → write and sign an
entry → correct it → close the case as unplanned → find it again by personnummer."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.identity import format_id_number
from cases.models import Case, JournalEntry, Person
from tests.factories import CaseFactory, PersonFactory, personnummer_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIRTH = datetime.date(2010, 5, 5)  # 16 in 2026: fits Ungdomstjänst (15–21)


def test_whole_case_flow(page, live_server, login, handler, screenshot):
    number = personnummer_for(BIRTH, 123)  # 12 digits
    typed = format_id_number(number, "personnummer")[2:]  # 10 digits with dash, as often written: 100505-1234

    # log in
    login(handler)
    expect(page.get_by_role("heading", name="Mina ärenden")).to_be_visible()

    # register a person with a custodian
    page.get_by_role("link", name="Registrera ungdom").first.click()
    page.get_by_label("Personnummer", exact=False).first.fill(typed)
    page.get_by_label("Förnamn").fill("Wilma")
    page.get_by_label("Efternamn").fill("Flödesson")
    page.locator("#id_vh-0-name").fill("Kerstin Flödesson")
    page.locator("#id_vh-0-relation").fill("mamma")
    page.get_by_role("button", name="Registrera").click()
    expect(page.get_by_role("heading", name="Wilma Flödesson")).to_be_visible()
    expect(page.get_by_text("Ungdomen är registrerad.")).to_be_visible()
    screenshot("flow-1-person")

    # open a case (aktualisering); handläggare defaults to me
    page.get_by_role("link", name="Öppna ärende (aktualisering)").click()
    page.get_by_label("Insats").select_option(label="Ungdomstjänst")
    page.get_by_label("Aktualiserad av").select_option(label="Åklagare/domstol")
    page.get_by_label("Bistånd (beslut enligt SoL)").check()
    expect(page.get_by_label("Handläggare")).to_have_value(str(handler.pk))
    page.get_by_role("button", name="Öppna ärendet").click()
    expect(page.get_by_text(re.compile(r"Ärende \d{4}-\d{4} är öppnat\."))).to_be_visible()
    case = Case.objects.get(person__id_number=number)
    assert page.url == f"{live_server.url}/arenden/{case.pk}/"
    assert number not in page.url and typed not in page.url

    # write and sign an entry
    page.get_by_label("Typ av anteckning").select_option(label="Samtal")
    page.get_by_label("Anteckning", exact=True).fill("Första samtalet. Wilma berättade om arbetsplatsen.")
    page.get_by_label("Jag bekräftar att anteckningen är färdig", exact=False).check()
    page.get_by_role("button", name="Spara och signera").click()
    expect(page.get_by_text("Anteckningen är signerad.")).to_be_visible()
    original = JournalEntry.objects.get(case=case)
    entry_item = page.locator(f"#anteckning-{original.pk}")
    expect(entry_item).to_contain_text("Signerad")
    expect(entry_item.get_by_role("link", name=re.compile("Ändra"))).to_have_count(0)  # never editable
    screenshot("flow-2-case-signed")

    # correct it: a linked correction; the original stays
    entry_item.get_by_role("link", name=re.compile("^Rätta")).click()
    page.get_by_label("Rättelse", exact=True).fill("Rättelse: arbetsplatsen är biblioteket, inte simhallen.")
    page.get_by_label("Jag bekräftar att rättelsen är färdig", exact=False).check()
    page.get_by_role("button", name="Spara och signera rättelsen").click()
    expect(page.get_by_text("Rättelsen är signerad.")).to_be_visible()
    expect(page.locator(f"#anteckning-{original.pk}")).to_contain_text("Första samtalet.")
    expect(page.locator(f"#anteckning-{original.pk}")).to_contain_text("Rättad.")
    correction = JournalEntry.objects.get(corrects=original)
    expect(page.locator(f"#anteckning-{correction.pk}")).to_contain_text("Rättelse av")

    # close the case as unplanned
    page.get_by_role("link", name="Avsluta ärendet").click()
    page.get_by_label("Oplanerat avslut (behandlingsavbrott)").check()
    page.get_by_label("Kommentar till avslutet").fill("Slutade komma till arbetsplatsen.")
    page.get_by_role("button", name="Avsluta ärendet").click()
    expect(page.get_by_text("Ärendet är avslutat och kan bara läsas.")).to_be_visible()
    expect(page.get_by_role("button", name="Spara och signera")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Rätta"))).to_have_count(0)
    case.refresh_from_db()
    assert case.closure_reason == "oplanerat" and case.closed_on is not None
    screenshot("flow-3-case-closed")

    # find it again by personnummer (12 digits, no dash)
    page.get_by_role("link", name="Sök", exact=True).click()
    page.get_by_label("Namn, personnummer eller ärendenummer").fill(number)
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("link", name="Wilma Flödesson").click()
    expect(page.get_by_role("row", name=re.compile(case.number))).to_contain_text("Avslutat")
    expect(page.get_by_role("row", name=re.compile(case.number))).to_contain_text("Oplanerat avslut")

    # log out
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()


def test_invalid_personnummer_shows_the_field_error(page, live_server, login, handler, screenshot):
    login(handler)
    page.goto(f"{live_server.url}/personer/ny/")
    page.locator("#id_id_number").fill("100505-1235")  # wrong check digit
    page.get_by_label("Förnamn").fill("Fel")
    page.get_by_label("Efternamn").fill("Nummer")
    page.get_by_role("button", name="Registrera").click()

    field = page.locator("#id_id_number")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile("id_id_number_error"))
    expect(page.locator("#id_id_number_error")).to_contain_text("Kontrollsiffran stämmer inte")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert not Person.objects.exists()
    screenshot("register-invalid-personnummer")


def test_socialsekreterare_of_another_unit_gets_404_on_the_case(page, live_server, login, handler, outsider):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Annan"))
    login(outsider)

    response = page.goto(f"{live_server.url}/arenden/{case.pk}/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Sidan finns inte")).to_be_visible()
    expect(page.get_by_text("Annan")).to_have_count(0)


def test_search_and_journal_work_without_javascript(browser, live_server, handler):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Utan", last_name="Skript"))
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(handler.username)
    page.get_by_label("Lösenord").fill("demo-losen-123")
    page.get_by_role("button", name="Logga in").click()

    page.goto(f"{live_server.url}/sok/")
    page.get_by_label("Namn, personnummer eller ärendenummer").fill(case.number)
    page.get_by_role("button", name="Sök").click()
    assert page.url == f"{live_server.url}/sok/"  # a plain POST form submission, no htmx
    page.get_by_role("link", name=case.number).click()  # the case itself, found by its number
    page.get_by_label("Anteckning", exact=True).fill("Skrivet utan JavaScript.")
    page.get_by_label("Jag bekräftar att anteckningen är färdig", exact=False).check()
    page.get_by_role("button", name="Spara och signera").click()

    expect(page.get_by_text("Skrivet utan JavaScript.")).to_be_visible()
    assert JournalEntry.objects.get(case=case).is_signed
    context.close()
