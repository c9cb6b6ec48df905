"""Case and journal rules as the services enforce them (the database guards are in test_db_guards.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.identity import IdKind
from cases.models import Case, CaseNumberSequence, ClosureReason, InsatsType, JournalEntry, Person
from cases.services import (
    CustodianData,
    DuplicatePersonError,
    case_close,
    case_open,
    case_reassign,
    journal_entry_check,
    journal_entry_correct,
    journal_entry_create,
    journal_entry_delete,
    journal_entry_sign,
    journal_entry_update,
    person_register,
)
from tests.factories import PersonFactory, UserFactory, personnummer_for

pytestmark = pytest.mark.django_db

OPENED = datetime.date(2025, 3, 1)


def insats(code: str) -> InsatsType:
    return InsatsType.objects.get(code=code)


def open_case(handler, *, person=None, code="ungdomstjanst", opened_on=OPENED) -> Case:
    return case_open(
        actor=handler,
        person=person or PersonFactory.create(unit=handler.unit),  # born 2009-04-12: 15 on 2025-03-01
        insats_type=insats(code),
        unit=handler.unit,
        handler=handler,
        referral_source="aklagare_domstol",
        basis="bistand",
        opened_on=opened_on,
    )


# -- people -----------------------------------------------------------------------------------------


def test_register_person_normalises_the_number_and_derives_birth_date_and_gender(handler):
    person = person_register(
        actor=handler,
        id_kind=IdKind.PERSONNUMMER,
        id_number="090412-" + personnummer_for(datetime.date(2009, 4, 12), 123)[8:],
        first_name=" Elias ",
        last_name="Berg",
        custodians=[CustodianData(name="Anna Berg", relation="mamma")],
    )

    assert person.id_number == personnummer_for(datetime.date(2009, 4, 12), 123)
    assert person.birth_date == datetime.date(2009, 4, 12)
    assert person.gender == "pojke"  # 3 is odd
    assert person.first_name == "Elias"
    assert person.unit == handler.unit
    assert [c.name for c in person.custodians.all()] == ["Anna Berg"]


def test_register_refuses_a_duplicate_number_in_any_form(handler):
    number = personnummer_for(datetime.date(2010, 1, 2), 44)
    first = person_register(actor=handler, id_kind=IdKind.PERSONNUMMER, id_number=number, first_name="A", last_name="B")

    with pytest.raises(DuplicatePersonError) as caught:
        person_register(
            actor=handler,
            id_kind=IdKind.PERSONNUMMER,
            id_number=number[2:8] + "-" + number[8:],
            first_name="C",
            last_name="D",
        )

    assert caught.value.existing_id == first.pk
    assert number not in str(caught.value)
    assert Person.objects.count() == 1


def test_register_checks_the_kind_of_number(handler):
    coordination = "701063-2391"
    with pytest.raises(ValidationError) as caught:
        person_register(
            actor=handler, id_kind=IdKind.PERSONNUMMER, id_number=coordination, first_name="A", last_name="B"
        )
    assert "samordningsnummer" in caught.value.message_dict["id_kind"][0]

    person = person_register(
        actor=handler,
        id_kind=IdKind.COORDINATION,
        id_number=coordination,
        first_name="A",
        last_name="B",
        age_confirmed=True,  # 56 years old: outside the target group
    )
    assert person.birth_date == datetime.date(1970, 10, 3)


def test_reservnummer_needs_a_birth_date(handler):
    with pytest.raises(ValidationError) as caught:
        person_register(actor=handler, id_kind=IdKind.RESERVE, id_number="RN-2024-17", first_name="A", last_name="B")
    assert "födelsedatum" in caught.value.message_dict["birth_date"][0]

    person = person_register(
        actor=handler,
        id_kind=IdKind.RESERVE,
        id_number="rn-2024-17",
        birth_date=datetime.date(2008, 1, 1),
        first_name="A",
        last_name="B",
    )
    assert (person.id_number, person.gender) == ("RN202417", "okant")


def test_invalid_number_gives_a_swedish_field_error_and_saves_nothing(handler):
    with pytest.raises(ValidationError) as caught:
        person_register(
            actor=handler,
            id_kind=IdKind.PERSONNUMMER,
            id_number="811228-9873",
            first_name="A",
            last_name="B",
            custodians=[CustodianData(name="X")],
        )
    assert caught.value.message_dict["id_number"] == ["Kontrollsiffran stämmer inte. Kontrollera numret."]
    assert Person.objects.count() == 0


# -- cases --------------------------------------------------------------------------------------------


def test_case_numbers_are_sequential_per_year(handler):
    first = open_case(handler, opened_on=datetime.date(2024, 12, 30))
    second = open_case(handler, opened_on=datetime.date(2025, 1, 2))
    third = open_case(handler, opened_on=datetime.date(2025, 2, 1))
    fourth = open_case(handler, opened_on=datetime.date(2024, 11, 1))  # registered late, still in its year

    assert [first.number, second.number, third.number, fourth.number] == [
        "2024-0001",
        "2025-0001",
        "2025-0002",
        "2024-0002",
    ]
    assert CaseNumberSequence.objects.get(year=2025).last_number == 2


def test_case_number_series_is_not_reused_after_a_failed_open(handler):
    open_case(handler)
    too_young = PersonFactory(unit=handler.unit, birth_date=datetime.date(2014, 1, 1))
    with pytest.raises(ValidationError):
        open_case(handler, person=too_young)
    assert open_case(handler).number == "2025-0002"


def test_age_outside_the_insats_range_gives_the_swedish_message(handler):
    child = PersonFactory(unit=handler.unit, birth_date=datetime.date(2012, 6, 1))  # 12 on 2025-03-01

    with pytest.raises(ValidationError) as caught:
        open_case(handler, person=child, code="ungdomstjanst")

    assert caught.value.message_dict["insats_type"] == [
        "Ungdomstjänst är för personer 15–21 år. Personen är 12 år vid aktualiseringen."
    ]
    assert not Case.objects.exists()
    # the same person fits ASLAN (10–14)
    assert open_case(handler, person=child, code="aslan").insats_type.code == "aslan"


def test_age_is_checked_on_the_opening_date_not_today(handler):
    # 21 on 2025-04-12: still within ungdomstjänst (15–21) on 2025-03-01, too old a year later
    person = PersonFactory(unit=handler.unit, birth_date=datetime.date(2004, 4, 12))
    assert open_case(handler, person=person, opened_on=datetime.date(2025, 3, 1))
    with pytest.raises(ValidationError):
        open_case(handler, person=person, opened_on=datetime.date(2026, 4, 12))


def test_case_cannot_be_opened_in_the_future_or_for_an_insats_without_cases(handler, outsider):
    with pytest.raises(ValidationError) as caught:
        open_case(handler, opened_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "framtiden" in caught.value.message_dict["opened_on"][0]
    with pytest.raises(ValidationError) as caught:
        open_case(handler, code="faltverksamhet")
    assert "har inga individärenden" in caught.value.message_dict["insats_type"][0]
    with pytest.raises(ValidationError) as caught:
        case_open(
            actor=handler,
            person=PersonFactory(),
            insats_type=insats("medling"),
            unit=handler.unit,
            handler=outsider,
            referral_source="polis",
            basis="service",
            opened_on=OPENED,
        )
    assert "enheten" in caught.value.message_dict["handler"][0]


def test_closing_before_the_opening_date_is_refused(handler):
    case = open_case(handler)

    with pytest.raises(ValidationError) as caught:
        case_close(
            actor=handler, case=case, reason=ClosureReason.PLANNED, closed_on=OPENED - datetime.timedelta(days=1)
        )

    assert caught.value.message_dict["closed_on"] == [
        "Avslutsdatum kan inte vara före aktualiseringsdatum (2025-03-01)."
    ]
    case.refresh_from_db()
    assert case.is_open


def test_closing_needs_a_reason(handler):
    case = open_case(handler)

    for reason in ["", "okänd"]:
        with pytest.raises(ValidationError) as caught:
            case_close(actor=handler, case=case, reason=reason, closed_on=OPENED)
        assert caught.value.message_dict["reason"] == ["Ange en avslutsorsak."]

    closed = case_close(actor=handler, case=case, reason=ClosureReason.UNPLANNED, closed_on=OPENED)
    assert (closed.closed_on, closed.closure_reason, closed.version) == (OPENED, "oplanerat", 2)


def test_a_closed_case_is_read_only(handler):
    case = open_case(handler)
    entry = journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text="Utkast")
    case_close(actor=handler, case=case, reason=ClosureReason.PLANNED, closed_on=OPENED + datetime.timedelta(days=5))

    closed_message = "Ärendet är avslutat och kan inte ändras."
    with pytest.raises(ValidationError, match=closed_message):
        case_close(actor=handler, case=case, reason=ClosureReason.OTHER, closed_on=OPENED + datetime.timedelta(days=9))
    with pytest.raises(ValidationError, match=closed_message):
        journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text="Ny")
    signed = journal_entry_sign(actor=handler, entry=entry)
    with pytest.raises(ValidationError, match=closed_message):
        journal_entry_correct(actor=handler, entry=signed, text="Rättelse")
    case.refresh_from_db()
    assert case.closure_reason == "planerat"


def test_the_database_refuses_a_closed_date_before_the_opened_date_and_a_reason_without_date(handler):
    case = open_case(handler)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(closed_on=OPENED - datetime.timedelta(days=1), closure_reason="planerat")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(closed_on=OPENED)  # no reason
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(closure_reason="planerat")  # reason on an open case


# -- journal ------------------------------------------------------------------------------------------


@pytest.fixture
def case(handler):
    return open_case(handler)


def test_draft_can_be_edited_signed_and_then_never_changed(handler, case):
    entry = journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text=" Utkast ")
    entry = journal_entry_update(
        actor=handler, entry=entry, text="Bättre utkast", occurred_on=OPENED, expected_version=1
    )
    assert entry.text == "Bättre utkast"

    signed = journal_entry_sign(actor=handler, entry=entry)
    assert signed.is_signed

    message = "En signerad anteckning kan inte ändras. Skriv en rättelse i stället."
    with pytest.raises(ValidationError, match=message):
        journal_entry_update(actor=handler, entry=signed, text="Ändrad", occurred_on=OPENED, expected_version=2)
    with pytest.raises(ValidationError, match=message):
        journal_entry_sign(actor=handler, entry=signed)
    with pytest.raises(ValidationError, match=message):
        journal_entry_delete(actor=handler, entry=signed)
    stored = JournalEntry.objects.get(pk=signed.pk)
    assert (stored.text, stored.signed_at) == ("Bättre utkast", signed.signed_at)


def test_only_the_author_edits_or_deletes_a_draft(handler, colleague, case):
    entry = journal_entry_create(actor=handler, case=case, kind="telefon", occurred_on=OPENED, text="Utkast")
    for action in (
        lambda: journal_entry_update(actor=colleague, entry=entry, text="x", occurred_on=OPENED, expected_version=1),
        lambda: journal_entry_sign(actor=colleague, entry=entry),
        lambda: journal_entry_delete(actor=colleague, entry=entry),
    ):
        with pytest.raises(ValidationError, match="Bara den som skrev anteckningen"):
            action()
    journal_entry_delete(actor=handler, entry=entry)
    assert not JournalEntry.objects.exists()


def _refusal(**kwargs) -> str | None:
    try:
        journal_entry_check(**kwargs)
    except ValidationError as error:
        return f"{error.code}: {' '.join(error.messages)}"
    return None


def test_journal_entry_check_gives_the_reason_an_entry_cannot_be_changed_without_a_query(
    handler, colleague, case, django_assert_num_queries
):
    draft = journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text="Utkast")
    signed = journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text="Klar", sign=True)

    with django_assert_num_queries(0):
        refusals = {
            (who.username, entry.text, change): _refusal(actor=who, case=case, entry=entry, change=change)
            for who in (handler, colleague)
            for entry in (draft, signed)
            for change in ("edit", "sign", "correct")
        }

    signed_message = "signed: En signerad anteckning kan inte ändras. Skriv en rättelse i stället."
    not_author = "author: Bara den som skrev anteckningen kan ändra eller signera den."
    unsigned = "unsigned: En osignerad anteckning ändras direkt; rättelse behövs inte."
    assert refusals == {
        ("handler", "Utkast", "edit"): None,
        ("handler", "Utkast", "sign"): None,
        ("handler", "Utkast", "correct"): unsigned,
        ("handler", "Klar", "edit"): signed_message,
        ("handler", "Klar", "sign"): "already_signed: Anteckningen är redan signerad.",
        ("handler", "Klar", "correct"): None,
        ("colleague", "Utkast", "edit"): not_author,
        ("colleague", "Utkast", "sign"): not_author,
        ("colleague", "Utkast", "correct"): unsigned,
        ("colleague", "Klar", "edit"): signed_message,
        ("colleague", "Klar", "sign"): "already_signed: Anteckningen är redan signerad.",
        ("colleague", "Klar", "correct"): None,  # anyone who may write entries corrects a signed one
    }


def test_journal_entry_check_refuses_every_change_on_a_closed_case_first(handler, case):
    draft = journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text="Utkast")
    signed = journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text="Klar", sign=True)
    closed = case_close(actor=handler, case=case, reason=ClosureReason.PLANNED, closed_on=OPENED)

    for entry in (draft, signed):
        for change in ("edit", "sign", "correct"):
            assert _refusal(actor=handler, case=closed, entry=entry, change=change) == (
                "closed: Ärendet är avslutat och kan inte ändras."
            )


def test_a_correction_is_a_new_signed_entry_pointing_at_the_original(handler, colleague, case):
    original = journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text="Fel", sign=True)

    correction = journal_entry_correct(actor=colleague, entry=original, text="Rätt")

    assert correction.pk != original.pk
    assert correction.corrects == original and correction.is_signed and correction.author == colleague
    original.refresh_from_db()
    assert original.text == "Fel"
    assert list(original.corrections.all()) == [correction]


def test_a_draft_is_edited_not_corrected(handler, case):
    draft = journal_entry_create(actor=handler, case=case, kind="samtal", occurred_on=OPENED, text="Utkast")
    with pytest.raises(ValidationError, match="rättelse behövs inte"):
        journal_entry_correct(actor=handler, entry=draft, text="x")


def test_entry_dates_must_fit_the_case(handler, case):
    with pytest.raises(ValidationError) as caught:
        journal_entry_create(
            actor=handler, case=case, kind="samtal", occurred_on=OPENED - datetime.timedelta(days=1), text="x"
        )
    assert "före aktualiseringen" in caught.value.message_dict["occurred_on"][0]
    with pytest.raises(ValidationError) as caught:
        journal_entry_create(
            actor=handler,
            case=case,
            kind="samtal",
            occurred_on=timezone.localdate() + datetime.timedelta(days=1),
            text="x",
        )
    assert "framtiden" in caught.value.message_dict["occurred_on"][0]


def test_reassign_is_for_the_manager_and_within_the_unit(handler, colleague, manager, outsider, case):
    with pytest.raises(ValidationError, match="Bara enhetschef"):
        case_reassign(actor=handler, case=case, handler=colleague)
    with pytest.raises(ValidationError):
        case_reassign(actor=manager, case=case, handler=outsider)
    assert case_reassign(actor=manager, case=case, handler=colleague).handler == colleague


def test_user_without_unit_cannot_register(db):
    loose = UserFactory(unit=None)
    with pytest.raises(ValidationError, match="tillhöra en enhet"):
        person_register(
            actor=loose, id_kind=IdKind.RESERVE, id_number="RN123456", birth_date=OPENED, first_name="A", last_name="B"
        )
