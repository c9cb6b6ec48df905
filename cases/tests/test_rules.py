"""One rule, two ways in: the browser's services and the spreadsheet import (cases.rules) give the same
Swedish message for the same input, and write the same change history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.identity import IdKind
from cases.importer import cases_import
from cases.models import Case, InsatsType, Person
from core.models import ChangeLog
from tests.factories import CaseFactory, PersonFactory, personnummer_for

pytestmark = pytest.mark.django_db

BORN = datetime.date(2009, 4, 12)  # 15 on 2025-02-03
NUMBER = personnummer_for(BORN, 11)
COORDINATION_NUMBER = personnummer_for(BORN, 22, coordination=True)
OPENED = datetime.date(2025, 2, 3)
HEADER = (
    "Personnummer;Typ av nummer;Födelsedatum;Förnamn;Efternamn;Insats;Aktualiserad;Aktualiserad av;Grund;"
    "Avslutad;Avslutsorsak"
)


def import_row(actor, *, number=NUMBER, kind="", born="", insats="Medling", opened=OPENED, closed="", reason=""):
    """Import one row; the errors as (column, message)."""
    cells = [number, kind, str(born), "Elin", "Testsson", insats, str(opened), "Polis", "Service", str(closed), reason]
    content = f"{HEADER}\n{';'.join(cells)}\n".encode()
    result = cases_import(actor=actor, content=content, filename="arenden.csv")
    return [(error.column, error.message) for error in result.errors]


def service_messages(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


@pytest.mark.parametrize(
    ("id_kind", "number", "kind_cell", "field", "column"),
    [
        (IdKind.PERSONNUMMER, "20090412-1235", "", "id_number", "personnummer"),  # check digit
        (IdKind.PERSONNUMMER, "20091312-1234", "", "id_number", "personnummer"),  # no such date
        (IdKind.PERSONNUMMER, COORDINATION_NUMBER, "Personnummer", "id_kind", "typ av nummer"),
        (IdKind.RESERVE, "RN-2024-17", "Reservnummer", "birth_date", "födelsedatum"),  # no birth date
        (IdKind.RESERVE, "R1", "Reservnummer", "", "personnummer"),  # too short (a message without a field)
    ],
)
def test_identity_number_rules_are_the_same_in_the_register_form_and_the_import(
    manager, id_kind, number, kind_cell, field, column
):
    through_service = service_messages(
        lambda: services.person_register(
            actor=manager, id_kind=id_kind, id_number=number, first_name="Elin", last_name="Testsson"
        )
    )
    through_import = import_row(manager, number=number, kind=kind_cell)

    assert through_import == [(column, message) for message in through_service[field]]


def test_a_samordningsnummer_without_a_kind_is_imported_as_one(manager):
    number = COORDINATION_NUMBER
    assert import_row(manager, number=number) == []
    person = Person.objects.get(id_number=number)
    assert (person.id_kind, person.birth_date) == (IdKind.COORDINATION, BORN)


def _case_rule_cases():
    today = timezone.localdate()
    return [
        # (insats, opened_on, closed_on, reason, field of the service error, column of the import error)
        ("Ungdomstjänst", datetime.date(2024, 1, 10), None, "", "insats_type", "insats"),  # 14: too young
        ("Fältverksamhet", OPENED, None, "", "insats_type", "insats"),  # no individual cases
        ("Medling", today + datetime.timedelta(days=1), None, "", "opened_on", "aktualiserad"),
        ("Medling", OPENED, OPENED - datetime.timedelta(days=1), "Planerat avslut", "closed_on", "avslutad"),
        ("Medling", OPENED, today + datetime.timedelta(days=1), "Planerat avslut", "closed_on", "avslutad"),
    ]


@pytest.mark.parametrize(("insats_name", "opened_on", "closed_on", "reason", "field", "column"), _case_rule_cases())
def test_case_rules_are_the_same_in_the_services_and_the_import(
    manager, insats_name, opened_on, closed_on, reason, field, column
):
    person = PersonFactory(unit=manager.unit, id_number=NUMBER, birth_date=BORN)  # visible: their own unit
    insats_type = InsatsType.objects.get(name=insats_name)

    def open_and_close():
        with transaction.atomic():
            case = services.case_open(
                actor=manager,
                person=person,
                insats_type=insats_type,
                unit=manager.unit,
                handler=manager,
                referral_source="polis",
                basis="service",
                opened_on=opened_on,
            )
            services.case_close(actor=manager, case=case, reason="planerat", closed_on=closed_on)

    through_service = service_messages(open_and_close)
    through_import = import_row(manager, insats=insats_name, opened=opened_on, closed=closed_on or "", reason=reason)

    assert through_import == [(column, message) for message in through_service[field]]
    assert not Case.objects.exists()


def test_a_person_the_importer_may_not_see_is_refused_as_the_register_form_refuses_them(client, manager, other_unit):
    """Registered by another unit, no case the manager may see: the row is refused with the register form's
    answer (it neither names the person nor says where they are registered); nothing is linked."""
    PersonFactory(unit=other_unit, id_number=NUMBER, first_name="Dold")

    errors = import_row(manager)
    client.force_login(manager)
    html = client.post(
        reverse("person_register"),
        {
            "id_kind": "personnummer",
            "id_number": NUMBER,
            "first_name": "Elin",
            "last_name": "Testsson",
            "vh-TOTAL_FORMS": "0",
            "vh-INITIAL_FORMS": "0",
        },
    ).content.decode()

    assert len(errors) == 1 and errors[0][0] == "personnummer"
    assert errors[0][1].startswith("Personen kan inte registreras här.")
    assert errors[0][1] in html
    assert not Case.objects.exists()


def test_a_person_visible_through_a_case_gets_the_imported_case(manager, handler, other_unit):
    """Registered by another unit but with a case in the manager's unit: the browser lets the manager open
    a case for them, and so does the import."""
    person = PersonFactory(unit=other_unit, id_number=NUMBER, birth_date=BORN)
    CaseFactory(person=person, handler=handler)

    assert import_row(manager) == []
    assert person.cases.filter(insats_type__code="medling", unit=manager.unit).exists()
    assert Person.objects.count() == 1


def _history(person) -> list[tuple]:
    """A person's history rows without what differs between two people (ids, numbers)."""
    rows = []
    for row in ChangeLog.objects.filter(person_id=person.pk).order_by("id"):
        changes = {key: value for key, value in row.changes.items() if key not in {"id_number", "number", "person"}}
        rows.append((row.object_type, row.action, row.actor_id, changes))
    return rows


def test_the_import_writes_the_history_the_services_write(manager):
    other = personnummer_for(BORN, 13)  # same birth date and gender
    by_hand = services.person_register(
        actor=manager, id_kind=IdKind.PERSONNUMMER, id_number=other, first_name="Elin", last_name="Testsson"
    )
    case = services.case_open(
        actor=manager,
        person=by_hand,
        insats_type=InsatsType.objects.get(code="medling"),
        unit=manager.unit,
        handler=manager,
        referral_source="polis",
        basis="service",
        opened_on=OPENED,
    )
    services.case_close(actor=manager, case=case, reason="planerat", closed_on=datetime.date(2025, 5, 1))

    assert import_row(manager, closed="2025-05-01", reason="Planerat avslut") == []
    imported = Person.objects.get(id_number=NUMBER)

    assert len(_history(by_hand)) == 3
    assert _history(imported) == _history(by_hand)
    imported_case = imported.cases.get()
    assert (imported_case.version, imported_case.closure_reason) == (Case.objects.get(pk=case.pk).version, "planerat")
    created = ChangeLog.objects.get(object_id=str(imported_case.pk), action="create")
    assert created.changes["person"] == [None, str(imported.pk)] and created.case_id == imported_case.pk
