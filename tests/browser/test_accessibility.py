"""axe-core (vendored for the tests only, tests/static/vendor/axe-core) on the pages a handläggare uses: no
serious or critical violation of the WCAG 2.1 A/AA rules. Each page is also screenshotted to artifacts/screenshots/."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from consent.models import Actor
from consent.services import consent_record
from decisions.models import Decision, Lagrum
from documents.models import DocumentKind
from documents.services import aktbilaga_record, document_add
from tests.factories import CaseFactory, CustodianFactory, JournalEntryFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_case(handler):
    """An open case with a custodian, a consent, a signed entry, a correction and a draft."""
    person = PersonFactory(unit=handler.unit, first_name="Alma", last_name="Axesson")
    custodian = CustodianFactory(person=person, name="Bo Axesson")
    consent_record(
        actor=handler,
        person=person,
        custodian=custodian,
        actors=list(Actor.objects.filter(code__in=["polis", "skola"])),
        given_on=datetime.date(2025, 3, 2),
        form="skriftligt",
        valid_until=datetime.date(2030, 3, 2),
    )
    case = CaseFactory(handler=handler, person=person)
    signed = JournalEntryFactory(case=case, signed_at=timezone.now())
    JournalEntryFactory(case=case, corrects=signed, text="Rättelse av datumet.", signed_at=timezone.now())
    JournalEntryFactory(case=case, text="Ett utkast.")
    document_add(  # the akt's table on the case page
        actor=handler,
        person=person,
        case=case,
        kind=DocumentKind.objects.get(code="dom"),
        document_date=datetime.date(2025, 3, 3),
        received_from="Tingsrätten",
        description="Dom",
        upload=SimpleUploadedFile("dom.txt", b"Dom"),
    )
    aktbilaga_record(actor=handler, case=case, kind="brev", filename="brev.pdf", content=b"%PDF-1.4")
    CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, protection="skyddad_folkbokforing"))
    return case


def test_pages_have_no_serious_accessibility_violations(
    page, live_server, login, handler, busy_case, assert_accessible
):
    page.goto(f"{live_server.url}/logga-in/")
    assert_accessible("login")

    login(handler)
    assert_accessible("start-mina-arenden")

    page.goto(f"{live_server.url}/sok/")
    page.get_by_label("Namn, personnummer eller ärendenummer").fill("Axesson")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_role("link", name="Alma Axesson")).to_be_visible()
    assert_accessible("search")

    page.goto(f"{live_server.url}/personer/{busy_case.person_id}/")
    assert_accessible("person")

    page.goto(f"{live_server.url}/arenden/{busy_case.pk}/")
    assert_accessible("case")

    page.goto(f"{live_server.url}/personer/ny/")
    assert_accessible("form-register-person")
    page.get_by_role("button", name="Registrera").click()  # empty: errors on every required field
    assert_accessible("form-register-person-errors")

    page.goto(f"{live_server.url}/personer/{busy_case.person_id}/nytt-arende/")
    assert_accessible("form-open-case")

    page.goto(f"{live_server.url}/arenden/{busy_case.pk}/avsluta/")
    assert_accessible("form-close-case")

    entry = busy_case.entries.filter(corrects__isnull=True, signed_at__isnull=False).first()
    page.goto(f"{live_server.url}/arenden/{busy_case.pk}/anteckningar/{entry.pk}/ratta/")
    assert_accessible("form-correct-entry")

    page.goto(f"{live_server.url}/akt/arenden/{busy_case.pk}/handlingar/ny/")
    assert_accessible("form-add-document")
    page.get_by_role("button", name="Spara i akten").click()  # empty: errors on the required fields
    assert_accessible("form-add-document-errors")

    page.goto(f"{live_server.url}/arenden/{busy_case.pk}/journalutskrift/")
    assert_accessible("form-journal-print")


def test_beslut_pages_have_no_serious_accessibility_violations(
    page, live_server, login, manager, handler, assert_accessible
):
    """The beslut panel, the beslut form (empty and with errors), verkställighet, and the enhetschef's list of
    beslut not verkställda in three months."""
    today = timezone.localdate()
    case = CaseFactory(handler=handler, opened_on=today - datetime.timedelta(days=300))
    lagrum = Lagrum.objects.get(code="sol2025-11-1")
    waiting = Decision.objects.create(
        case=case,
        outcome="bifall",
        lagrum=lagrum,
        applied_for="Stöd",
        granted="Stöd",
        reasoning="Behov finns.",
        decided_on=today - datetime.timedelta(days=150),
        delegate=manager,
        delay_reason="Ingen ledig kontaktperson",
    )
    Decision.objects.create(
        case=case,
        outcome="avslag",
        lagrum=lagrum,
        applied_for="Boende",
        reasoning="Inget behov.",
        decided_on=today - datetime.timedelta(days=140),
        delegate=manager,
    )
    login(manager)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    assert_accessible("case-beslut")
    page.goto(f"{live_server.url}/arenden/{case.pk}/beslut/nytt/")
    assert_accessible("form-beslut")
    page.get_by_role("button", name="Fatta beslutet").click()
    assert_accessible("form-beslut-errors")
    page.goto(f"{live_server.url}/arenden/{case.pk}/beslut/{waiting.pk}/verkstallighet/")
    assert_accessible("form-verkstallighet")
    page.goto(f"{live_server.url}/uppfoljning/ej-verkstallda-beslut/")
    expect(page.get_by_role("cell", name="150", exact=True)).to_be_visible()
    assert_accessible("ej-verkstallda-beslut")


def test_keyboard_user_can_skip_to_content_and_sees_focus(page, live_server, login, handler):
    login(handler)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till huvudinnehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    # the jump is a navigation to the fragment: waited for, since a busy machine may report the URL a moment later
    expect(page).to_have_url(re.compile(r"#main$"))
