"""The registerutdrag reads as a document for a citizen: headings and words, names not ids; its JSON is
machine-readable without internal ids; every extract given out is kept as an aktbilaga; the akt's documents
are in it."""

import datetime
import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.services import journal_entry_create
from documents.models import Aktbilaga, AktbilagaKind, DocumentKind
from documents.services import document_add
from tests.environment import require
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def citizen_file(handler, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = PersonFactory(unit=handler.unit, first_name="Nora", last_name="Nilsson")
    case = CaseFactory(handler=handler, person=person)
    journal_entry_create(
        actor=handler, case=case, kind="samtal", occurred_on=datetime.date(2025, 3, 5), text="Samtal om skolan."
    )
    document_add(
        actor=handler,
        person=person,
        case=case,
        kind=DocumentKind.objects.get(code="dom"),
        document_date=datetime.date(2025, 3, 3),
        received_from="Linköpings tingsrätt",
        description="Dom om ungdomstjänst",
        upload=SimpleUploadedFile("dom.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    return case


def _pdf_text(content: bytes) -> str:
    require("pdftotext")
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True).stdout.decode().split())


def test_the_pdf_is_a_document_in_words_without_internal_ids(client, manager, handler, citizen_file):
    client.force_login(manager)
    client.get(reverse("case_detail", args=[citizen_file.pk]))  # a read that the extract reports in words
    response = client.get(reverse("person_extract_pdf", kwargs={"person_id": citizen_file.person.pk}))
    text = _pdf_text(response.content)
    assert "Det här är ett utdrag ur socialtjänstens register" in text
    for heading in ("Uppgifter om dig", "Uppgifter i dina ärenden", "Vem har ändrat uppgifterna", "Vem har läst"):
        assert heading in text
    assert "Dom om ungdomstjänst" in text and "Linköpings tingsrätt" in text  # the akt's documents
    assert "Visade Ärendets sida" in text  # a read in words (core.access_words), not the code case_page
    assert "case_page" not in text
    assert "Hanna Handläggare" in text  # who wrote and changed things, by name
    assert not UUID.search(text), UUID.search(text)
    assert "dokument/" not in text  # where a file is stored is no information for the person


def test_the_json_keeps_its_keys_but_holds_no_internal_ids(client, manager, citizen_file):
    client.force_login(manager)
    response = client.get(reverse("person_extract_json", kwargs={"person_id": citizen_file.person.pk}))
    body = response.content.decode()
    assert not UUID.search(body), UUID.search(body)
    data = response.json()
    case_rows = {section["key"]: section["rows"] for section in data["sections"]}["cases.case"]
    assert case_rows[0]["ärendenummer"] == citizen_file.number and "id" not in case_rows[0]
    # the secret key of statistical disclosure control is no information about the person (docs/design.md)
    assert "statistiknyckel" not in case_rows[0] and str(citizen_file.statistics_key) not in body
    # a record is named in words with its date (core.history: "journalanteckning 2025-03-03")
    created = [item for item in data["change_history"] if item["record"].startswith("journalanteckning")][0]
    assert created["action"] == "Skapade"
    fields = {change["field"]: change["new"] for change in created["changes"]}
    assert fields["skriven av"] == "Hanna Handläggare"  # was the user's id
    document = [item for item in data["change_history"] if item["record"].startswith("dokument")][0]
    fields = {change["field"]: change["new"] for change in document["changes"]}
    assert fields["ärende"] == citizen_file.number and fields["typ"] == "Dom"  # were the case's UUID, the kind's id
    # where the file is stored is not shown; the link to the person is their name in words, never an id
    assert (
        "fil" not in fields
        and fields.get("ungdom", citizen_file.person.display_name) == citizen_file.person.display_name
    )


def test_every_extract_given_out_is_kept_in_the_person_s_own_series(client, manager, citizen_file):
    client.force_login(manager)
    person = citizen_file.person
    pdf = client.get(reverse("person_extract_pdf", kwargs={"person_id": person.pk})).content
    client.get(reverse("person_extract_json", kwargs={"person_id": person.pk}))
    log_pdf = client.get(reverse("accesslog_person_extract", kwargs={"person_id": person.pk}), {"format": "pdf"})
    kept = list(Aktbilaga.objects.filter(person=person).order_by("number"))
    assert [(a.number, a.kind, a.case_id, a.content_type) for a in kept] == [
        (1, AktbilagaKind.REGISTER_EXTRACT, None, "application/pdf"),
        (2, AktbilagaKind.REGISTER_EXTRACT, None, "application/json"),
        (3, AktbilagaKind.ACCESS_LOG_EXTRACT, None, "application/pdf"),
    ]
    with kept[0].file.open("rb") as stored:
        assert stored.read() == pdf
    with kept[2].file.open("rb") as stored:
        assert stored.read() == log_pdf.content
    assert all(a.produced_by == manager for a in kept)
