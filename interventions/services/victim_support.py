"""Writes for stöd till unga brottsutsatta: the offence, and a whole short support case in one go."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, ClosureReason, InsatsCode, InsatsType, Person
from cases.services import CustodianData, case_close, case_open, journal_entry_create, person_register
from core.history import history_snapshot
from core.models import User
from interventions.models import (
    VictimSupport,
)
from interventions.services.common import fail, history, lock_case, not_future

# ---------------------------------------------------------------- Stöd till unga brottsutsatta


@transaction.atomic
def victim_support_set(
    *,
    actor: User,
    case: Case,
    crime_type: str,
    crime_on: datetime.date | None = None,
    reported_to_police: bool = False,
) -> VictimSupport:
    """Record or correct the crime behind a support case."""
    locked = lock_case(case, InsatsCode.VICTIM_SUPPORT)
    errors: dict = {}
    not_future(crime_on, "crime_on", errors)
    fail(errors)
    existing = VictimSupport.objects.select_for_update().filter(case=locked).first()
    before = history_snapshot(existing) if existing else None
    support, _created = VictimSupport.objects.update_or_create(
        case=locked,
        defaults={"crime_type": crime_type, "crime_on": crime_on, "reported_to_police": reported_to_police},
    )
    support.full_clean()
    history(actor=actor, instance=support, case=locked, before=before)
    return support


@dataclass(frozen=True)
class ContactData:
    occurred_on: datetime.date
    kind: str
    text: str


@dataclass(frozen=True)
class NewPersonData:
    id_kind: str
    id_number: str
    first_name: str
    last_name: str
    birth_date: datetime.date | None = None
    custodians: tuple[CustodianData, ...] = ()


@transaction.atomic
def victim_support_short_case(
    *,
    actor: User,
    person: Person | None,
    new_person: NewPersonData | None,
    referral_source: str,
    crime_type: str,
    crime_on: datetime.date | None,
    reported_to_police: bool,
    contacts: list[ContactData],
    closed_on: datetime.date,
    closure_note: str = "",
) -> Case:
    """A whole short support case in one go: register or pick the person, open the case (as service),
    record 1–2 contacts as signed journal entries and close it as planned. All or nothing."""
    errors: dict = {}
    unit = actor.unit
    if unit is None:
        errors["__all__"] = _("Du måste tillhöra en enhet.")
    if (person is None) == (new_person is None):
        errors["person"] = _("Välj en registrerad person eller registrera en ny.")
    if not 1 <= len(contacts) <= 2:
        errors["contacts"] = _("Registrera en eller två kontakter.")
    if contacts and closed_on < max(c.occurred_on for c in contacts):
        errors["closed_on"] = _("Avslutsdatum kan inte vara före den sista kontakten.")
    fail(errors)
    if new_person is not None:
        person = person_register(
            actor=actor,
            id_kind=new_person.id_kind,
            id_number=new_person.id_number,
            first_name=new_person.first_name,
            last_name=new_person.last_name,
            birth_date=new_person.birth_date,
            custodians=list(new_person.custodians),
        )
    assert person is not None and unit is not None  # both checked above (fail raises); narrows the types
    first = min(c.occurred_on for c in contacts)
    case = case_open(
        actor=actor,
        person=person,
        insats_type=InsatsType.objects.get(code=InsatsCode.VICTIM_SUPPORT),
        unit=unit,
        handler=actor,
        referral_source=referral_source,
        basis="service",
        opened_on=first,
    )
    victim_support_set(
        actor=actor, case=case, crime_type=crime_type, crime_on=crime_on, reported_to_police=reported_to_police
    )
    for contact in sorted(contacts, key=lambda c: c.occurred_on):
        journal_entry_create(
            actor=actor, case=case, kind=contact.kind, occurred_on=contact.occurred_on, text=contact.text, sign=True
        )
    return case_close(actor=actor, case=case, reason=ClosureReason.PLANNED, closed_on=closed_on, note=closure_note)
