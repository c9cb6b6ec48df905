"""Journalutskrift: a readable PDF of a case's journal for a period, for aktinsyn or a court."""

import datetime
import re
import subprocess

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import ProtectionLevel
from core.models import AccessAction, AccessLog
from documents.models import Aktbilaga, AktbilagaKind, DocumentKind
from documents.services import document_add
from tests.environment import require
from tests.factories import CaseFactory, JournalEntryFactory, PersonFactory

pytestmark = pytest.mark.django_db

SIGNED = datetime.datetime(2025, 4, 1, 9, tzinfo=datetime.UTC)


def pdf_text(content: bytes) -> str:
    require("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


@pytest.fixture
def journal_case(handler, colleague, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = PersonFactory(unit=handler.unit, first_name="Vera", last_name="Vinge")
    case = CaseFactory(handler=handler, person=person, opened_on=datetime.date(2025, 3, 1))
    wrong = JournalEntryFactory(
        case=case, occurred_on=datetime.date(2025, 3, 5), text="Träffade Vera på skolan.", signed_at=SIGNED
    )
    JournalEntryFactory(
        case=case,
        kind="rattelse",
        occurred_on=datetime.date(2025, 3, 6),
        text="Rätt plats var fritidsgården.",
        corrects=wrong,
        author=colleague,
        signed_at=SIGNED,
    )
    JournalEntryFactory(case=case, occurred_on=datetime.date(2025, 3, 7), text="Ett utkast som inte signerats.")
    JournalEntryFactory(case=case, occurred_on=datetime.date(2025, 6, 1), text="Utanför perioden.", signed_at=SIGNED)
    document_add(
        actor=handler,
        person=person,
        case=case,
        kind=DocumentKind.objects.get(code="polisanmalan"),
        document_date=datetime.date(2025, 3, 3),
        received_from="Polisen i Linköping",
        description="Anmälan om skadegörelse",
        upload=SimpleUploadedFile("anmalan.txt", b"Polisanmalan"),
    )
    return case


def _print(client, case, action="preview", since="2025-03-01", until="2025-03-31"):
    return client.post(
        reverse("case_journal_print", args=[case.pk]), {"since": since, "until": until, "action": action}
    )


def test_the_journal_prints_signed_entries_of_the_period_with_corrections_and_names(
    client, handler, journal_case, django_assert_max_num_queries
):
    client.force_login(handler)
    assert client.get(reverse("case_journal_print", args=[journal_case.pk])).status_code == 200
    with django_assert_max_num_queries(40):
        response = _print(client, journal_case)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Journalutdrag" in text and "Vera Vinge" in text and journal_case.number in text
    assert "Period 2025-03-01 – 2025-03-31" in text
    assert "Träffade Vera på skolan." in text
    assert "Rättar anteckningen från 2025-03-05 (samtal), som löd: Träffade Vera på skolan." in text
    assert "Rättad genom anteckning 2025-03-06 av Kalle Kollega." in text
    assert "skriven av Hanna Handläggare" in text
    assert "Ett utkast som inte signerats." not in text and "Utanför perioden." not in text
    assert "Dokument inkom: Polisanmälan från Polisen i Linköping." in text  # the case's events
    assert "Anmälan om skadegörelse" in text  # the documents list
    assert "Förhandsgranskning – inte utlämnad." in text
    assert str(journal_case.pk) not in text and str(journal_case.person_id) not in text  # names, never ids
    printed = AccessLog.objects.get(user=handler, what="journalutskrift")
    assert printed.action == AccessAction.PRINT and printed.case_id == journal_case.pk
    assert not Aktbilaga.objects.exists()  # a preview is not given out


def test_a_journal_given_out_is_kept_as_an_aktbilaga(client, handler, journal_case):
    client.force_login(handler)
    response = _print(client, journal_case, action="give_out")
    # a tagged PDF/A-2a, kept for as long as the akt
    require("pdfinfo")
    info = subprocess.run(["pdfinfo", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    meta = subprocess.run(["pdfinfo", "-meta", "-"], input=response.content, capture_output=True, check=True).stdout
    assert b"pdfaid:part" in meta and b"pdfaid:conformance" in meta  # the XMP packet names PDF/A-2a
    aktbilaga = Aktbilaga.objects.get()
    assert aktbilaga.kind == AktbilagaKind.JOURNAL and aktbilaga.case == journal_case and aktbilaga.number == 1
    assert aktbilaga.filename == f"journal-{journal_case.number}-20250301-20250331.pdf"
    with aktbilaga.file.open("rb") as stored:
        assert stored.read() == response.content
    assert "Förhandsgranskning" not in pdf_text(response.content)


def test_a_period_ending_before_it_starts_is_refused_in_swedish(client, handler, journal_case):
    client.force_login(handler)
    response = _print(client, journal_case, since="2025-04-01", until="2025-03-01")
    assert response.status_code == 400
    assert "Slutdatum kan inte vara före startdatum." in response.content.decode()


def test_the_journal_print_is_404_for_an_outsider(client, outsider, journal_case):
    client.force_login(outsider)
    assert client.get(reverse("case_journal_print", args=[journal_case.pk])).status_code == 404
    assert _print(client, journal_case).status_code == 404
    assert not AccessLog.objects.filter(user=outsider).exists()


def test_a_protected_identity_stays_masked_in_the_journal_print(client, handler, colleague, settings, tmp_path):
    person = PersonFactory(
        unit=handler.unit, first_name="Hemlig", last_name="Person", protection=ProtectionLevel.CONFIDENTIALITY
    )
    case = CaseFactory(handler=handler, person=person)
    JournalEntryFactory(case=case, occurred_on=datetime.date(2025, 3, 5), signed_at=timezone.now())
    client.force_login(colleague)
    text = pdf_text(_print(client, case).content)
    assert "Hemlig" not in text and person.id_number[2:8] not in text
    colleague.user_permissions.add(Permission.objects.get(codename="view_protected_identity"))
    client.force_login(colleague)
    assert "Hemlig Person" in pdf_text(_print(client, case).content)
