"""Registerutdrag: everything held about one person, as JSON and PDF, for a role with
the export permission; itself access-logged; skyddad identitet masked and never an address in a PDF."""

import datetime
import json
import subprocess

import pytest
from django.urls import reverse

from cases.models import Custodian, ProtectionLevel
from consent.models import Actor, Consent, LegalBasis
from consent.services import consent_record, consent_revoke, disclosure_record
from core.history import change_record
from core.models import AccessAction, AccessLog, ChangeAction, Role
from records.services import protected_identity_grant
from tests.environment import require
from tests.factories import CaseFactory, CustodianFactory, JournalEntryFactory, PersonFactory, UserFactory


def _pdf_text(content: bytes) -> str:
    require("pdftotext")
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def file(handler):
    person = PersonFactory(unit=handler.unit, first_name="Ida", last_name="Utdrag", street_address="Storgatan 1")
    case = CaseFactory(handler=handler, person=person)
    JournalEntryFactory(case=case, text="Samtal om skolan och fritiden.")
    CustodianFactory(person=person, name="Pappa Utdrag")
    consent_record(
        actor=handler,
        person=person,
        custodian=None,
        actors=[Actor.objects.filter(needs_consent=True).first()],
        given_on=datetime.date(2025, 3, 2),
        form="skriftligt",
        note="Samtycke i möte",
    )
    return case


@pytest.mark.django_db
def test_json_extract_holds_the_whole_file_and_is_logged_once(client, manager, handler, file):
    person = file.person
    # someone read the file before: the extract says so
    client.force_login(handler)
    client.get(reverse("case_detail", kwargs={"case_id": file.pk}))

    client.force_login(manager)
    response = client.get(reverse("person_extract_json", kwargs={"person_id": person.pk}))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["person"]["Namn"] == "Ida Utdrag" and data["person"]["Adress"].startswith("Storgatan 1")
    text = json.dumps(data, ensure_ascii=False)
    for expected in (file.number, "Samtal om skolan och fritiden.", "Pappa Utdrag", "Samtycke i möte"):
        assert expected in text
    titles = {section["key"] for section in data["sections"]}
    assert {"cases.case", "cases.journalentry", "cases.custodian", "consent.consent"} <= titles
    assert any(row["user"] == "Hanna Handläggare" for row in data["access_log"])
    assert any(item["record"].startswith("samtycke ") for item in data["change_history"])  # with its date
    logged = AccessLog.objects.filter(user=manager, person_id=person.pk)
    assert list(logged.values_list("action", "what")) == [(AccessAction.EXPORT, "registerutdrag_json")]


@pytest.mark.django_db
def test_pdf_extract(client, manager, file):
    client.force_login(manager)
    response = client.get(reverse("person_extract_pdf", kwargs={"person_id": file.person.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Registerutdrag" in text and "Ida Utdrag" in text and "Samtal om skolan" in text
    assert AccessLog.objects.get(user=manager, person_id=file.person.pk).action == AccessAction.PRINT


@pytest.mark.django_db
def test_export_is_a_permission_of_its_own(client, handler, outsider, other_unit, file):
    other_manager = UserFactory(unit=other_unit, role=Role.MANAGER)
    for user in (handler, outsider, other_manager):  # handler sees the person but may not export
        client.force_login(user)
        for name in ("person_extract_json", "person_extract_pdf"):
            assert client.get(reverse(name, kwargs={"person_id": file.person.pk})).status_code == 404
    assert not AccessLog.objects.filter(what__startswith="registerutdrag").exists()


@pytest.mark.django_db
def test_extract_leaves_out_cases_the_user_cannot_see(client, manager, other_unit, file):
    foreign_case = CaseFactory(person=file.person, handler=UserFactory(unit=other_unit), number="2025-9999")
    JournalEntryFactory(case=foreign_case, text="Anteckning vid annan enhet")
    client.force_login(manager)
    text = client.get(reverse("person_extract_json", kwargs={"person_id": file.person.pk})).content.decode()
    assert "2025-9999" not in text and "Anteckning vid annan enhet" not in text


@pytest.fixture
def protected(handler):
    person = PersonFactory(
        unit=handler.unit,
        first_name="Skyddad",
        last_name="Folkbokförd",
        street_address="Hemliga gatan 9",
        postal_code="58222",
        city="Linköping",
        protection=ProtectionLevel.PROTECTED_REGISTRATION,
    )
    CaseFactory(handler=handler, person=person)
    return person


@pytest.mark.django_db
def test_protected_identity_is_masked_in_json_and_pdf_without_the_permission(client, manager, protected):
    client.force_login(manager)
    text = client.get(reverse("person_extract_json", kwargs={"person_id": protected.pk})).content.decode()
    pdf = _pdf_text(client.get(reverse("person_extract_pdf", kwargs={"person_id": protected.pk})).content)
    for secret in ("Folkbokförd", "Hemliga gatan", protected.id_number, protected.id_number[:8]):
        assert secret not in text and secret not in pdf


@pytest.mark.django_db
def test_named_manager_sees_the_name_but_never_the_protected_address_in_a_pdf(client, manager, protected):
    protected_identity_grant(actor=manager, person=protected, grantee=manager, reason="Ansvarig chef")
    client.force_login(manager)
    pdf = _pdf_text(client.get(reverse("person_extract_pdf", kwargs={"person_id": protected.pk})).content)
    assert "Skyddad Folkbokförd" in pdf and "Ansvarig" in pdf  # the grant itself is part of the extract
    assert "Hemliga gatan" not in pdf and "58222" not in pdf
    assert AccessLog.objects.get(user=manager, person_id=protected.pk).protected_identity is True
    data = client.get(reverse("person_extract_json", kwargs={"person_id": protected.pk})).json()
    assert [grant["reason"] for grant in data["access_grants"]] == ["Ansvarig chef"]


@pytest.mark.django_db
def test_custodians_of_a_protected_person_are_masked_in_extract_and_history(client, manager, handler, protected):
    # given a custodian of the protected person, named in a consent, with its history row
    custodian = CustodianFactory(
        person=protected, name="Mamma Hemlig", id_number="198001019802", phone="0701234567", email="m@example.se"
    )
    change_record(actor=handler, instance=custodian, action=ChangeAction.CREATE)
    consent_record(
        actor=handler,
        person=protected,
        custodian=custodian,
        actors=[Actor.objects.filter(needs_consent=True).first()],
        given_on=datetime.date(2025, 3, 2),
        form="skriftligt",
    )
    # when a manager without the skyddad-identitet permission takes the extract and the history page
    client.force_login(manager)
    text = client.get(reverse("person_extract_json", kwargs={"person_id": protected.pk})).content.decode()
    pdf = _pdf_text(client.get(reverse("person_extract_pdf", kwargs={"person_id": protected.pk})).content)
    history = client.get(reverse("person_history", kwargs={"person_id": protected.pk})).content.decode()
    # then the custodian's identity is nowhere in them
    for secret in ("Mamma Hemlig", "19800101", "0701234567", "m@example.se"):
        assert secret not in text and secret not in pdf and secret not in history
    assert "cases.custodian" in text  # the row is there, masked


@pytest.mark.django_db
def test_extract_holds_custodian_periods_revocation_actors_and_disclosures(client, manager, handler, file):
    person = file.person
    Custodian.objects.filter(person=person).update(valid_to=datetime.date(2025, 5, 31))
    consent = Consent.objects.get(person=person)
    revoked_actor = consent.actors.first()
    consent_revoke(actor=handler, consent=consent, revoked_on=datetime.date(2025, 6, 1), actors=[revoked_actor])
    disclosure_record(
        actor=handler,
        person=person,
        case=file,
        recipient=Actor.objects.first(),
        what_sent="Yttrande till domstol",
        legal_basis=LegalBasis.objects.get(code="osl_10_18a"),
        disclosed_on=datetime.date(2025, 6, 2),
        decided_by=handler,
    )
    client.force_login(manager)
    sections = {
        section["key"]: section["rows"]
        for section in client.get(reverse("person_extract_json", kwargs={"person_id": person.pk})).json()["sections"]
    }
    assert sections["cases.custodian"][0]["vårdnadshavare till och med"] == "2025-05-31"
    assert sections["consent.consentrevocation"][0]["aktörer som återkallas"] == str(revoked_actor)
    assert sections["consent.disclosure"][0]["vad som lämnades ut"] == "Yttrande till domstol"
