"""The spreadsheet import in Chromium as an enhetschef uses it: check a file, import it, see the cases it
created and open one; the pages pass axe (issue 19.13)."""

import datetime

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.factories import personnummer_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ELIN = personnummer_for(datetime.date(2009, 4, 12), 31)
HEADER = "Personnummer;Förnamn;Efternamn;Insats;Aktualiserad;Aktualiserad av;Grund;Handläggare"


def test_manager_checks_imports_and_opens_a_created_case(page, live_server, login, manager, handler, assert_accessible):
    content = f"{HEADER}\n{ELIN};Elin;Importsson;Medling;2025-02-03;Polis;Service;Hanna Handläggare\n"
    upload = {"name": "arenden.csv", "mimeType": "text/csv", "buffer": content.encode("utf-8")}
    login(manager)
    page.goto(f"{live_server.url}/import/")
    expect(page.get_by_role("link", name="Hämta importmallen (Excel)")).to_be_visible()

    page.get_by_label("Fil (CSV eller Excel .xlsx)").set_input_files(upload)
    page.get_by_role("button", name="Läs in filen").click()
    expect(page.get_by_role("heading", name="Ärenden som skapas vid import")).to_be_visible()
    assert_accessible("import-kontrollerad")
    assert Case.objects.count() == 0

    page.get_by_label("Kontrollera bara (spara ingenting)").uncheck()
    page.get_by_label("Fil (CSV eller Excel .xlsx)").set_input_files(upload)
    page.get_by_role("button", name="Läs in filen").click()
    expect(page.get_by_role("heading", name="Skapade ärenden")).to_be_visible()
    assert_accessible("import-klar")
    case = Case.objects.get()
    assert case.handler == handler
    page.get_by_role("link", name=case.number).click()
    expect(page).to_have_url(f"{live_server.url}/arenden/{case.pk}/")
