"""Writes for medling (lag 2002:445): details, parties, the checks of § 5, start, consultations, meetings
and the end."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.identity import parse_id_number
from cases.models import Case, InsatsCode
from core.history import history_snapshot
from core.models import User
from decisions.rules import insats_start_problem
from interventions.models import (
    Mediation,
    MediationConsultation,
    MediationMeeting,
    MediationOutcome,
    MediationParty,
    MediationStatus,
    MeetingKind,
    PartyRole,
)
from interventions.rules import mediation_start_problems
from interventions.services.common import fail, history, lock_case, not_future, today

# ---------------------------------------------------------------- Medling


@transaction.atomic
def mediation_set(
    *,
    actor: User,
    case: Case,
    offence: str,
    offence_on: datetime.date | None = None,
    police_reference: str = "",
    prosecutor: str = "",
    mediator: User | None = None,
) -> Mediation:
    """Record or correct the facts of a medling; the case's person becomes the offender party."""
    locked = lock_case(case, InsatsCode.MEDIATION)
    errors: dict = {}
    if not offence.strip():
        errors["offence"] = _("Beskriv brottet.")
    not_future(offence_on, "offence_on", errors)
    if mediator is not None and mediator.unit_id != locked.unit_id:
        errors["mediator"] = _("Medlaren ska arbeta på ärendets enhet.")
    mediation = Mediation.objects.select_for_update().filter(case=locked).first()
    if mediation and mediation.status == MediationStatus.ENDED:
        errors["__all__"] = _("Medlingen är avslutad och kan inte ändras.")
    fail(errors)
    created = mediation is None
    before = None if mediation is None else history_snapshot(mediation)
    mediation = mediation or Mediation(case=locked)
    mediation.offence = offence.strip()
    mediation.offence_on = offence_on
    mediation.police_reference = police_reference.strip()
    mediation.prosecutor = prosecutor.strip()
    mediation.mediator = mediator
    mediation.save()
    history(actor=actor, instance=mediation, case=locked, before=before)
    if created:
        party = MediationParty.objects.create(mediation=mediation, role=PartyRole.OFFENDER, is_case_person=True)
        history(actor=actor, instance=party, case=locked)
    return mediation


def _lock_mediation(mediation: Mediation) -> Mediation:
    lock_case(mediation.case)
    locked = Mediation.objects.select_for_update().select_related("case__person").get(pk=mediation.pk)
    if locked.status == MediationStatus.ENDED:
        raise ValidationError(_("Medlingen är avslutad och kan inte ändras."), code="ended")
    return locked


@transaction.atomic
def mediation_party_add(
    *,
    actor: User,
    mediation: Mediation,
    role: str,
    name: str,
    id_number: str = "",
    birth_year: int | None = None,
    contact: str = "",
) -> MediationParty:
    """Add a party: a victim. The offender is the case's young person, a party from the start (mediation_set),
    so they are never added a second time, neither as offender nor under their personnummer."""
    locked = _lock_mediation(mediation)
    errors: dict = {}
    if role not in PartyRole.values:
        errors["role"] = _("Välj roll.")
    elif role == PartyRole.OFFENDER:
        errors["role"] = _("Gärningspersonen är ärendets ungdom och är redan part i medlingen.")
    if not name.strip():
        errors["name"] = _("Ange namn.")
    number = ""
    if id_number.strip():
        try:
            number = parse_id_number(id_number).number
        except ValidationError as error:
            errors["id_number"] = error.messages
    if number and number == locked.case.person.id_number:
        errors["id_number"] = _("Personnumret är ärendets ungdom, som redan är part i medlingen som gärningsperson.")
    if birth_year is not None and not 1900 <= birth_year <= today().year:
        errors["birth_year"] = _("Ange ett rimligt födelseår.")
    fail(errors)
    party = MediationParty.objects.create(
        mediation=locked,
        role=role,
        name=name.strip(),
        id_number=number,
        birth_year=birth_year,
        contact=contact.strip(),
    )
    history(actor=actor, instance=party, case=locked.case)
    return party


@transaction.atomic
def mediation_checks_record(
    *,
    actor: User,
    mediation: Mediation,
    offender_volunteers: bool,
    victim_volunteers: bool,
    reported_to_police: bool,
    offender_admitted: bool,
    suitability_assessed: bool,
    suitability_note: str = "",
    under_12_reason: str = "",
    recorded_on: datetime.date | None = None,
) -> Mediation:
    """Record the lag (2002:445) § 5 checks; they can be updated until mediation has started. The date is the
    one entered; left empty it keeps the date already recorded, or today for the first recording."""
    locked = _lock_mediation(mediation)
    errors: dict = {}
    if locked.started_on:
        errors["__all__"] = _("Medlingen har redan påbörjats; kontrollerna kan inte ändras.")
    if suitability_assessed and not suitability_note.strip():
        errors["suitability_note"] = _("Beskriv lämplighetsbedömningen.")
    recorded_on = recorded_on or locked.checks_recorded_on or today()
    not_future(recorded_on, "recorded_on", errors)
    fail(errors)
    before = history_snapshot(locked)
    locked.offender_volunteers = offender_volunteers
    locked.victim_volunteers = victim_volunteers
    locked.reported_to_police = reported_to_police
    locked.offender_admitted = offender_admitted
    locked.suitability_assessed = suitability_assessed
    locked.suitability_note = suitability_note.strip()
    locked.under_12_reason = under_12_reason.strip()
    locked.checks_recorded_on = recorded_on
    locked.save()
    history(actor=actor, instance=locked, case=locked.case, before=before)
    return locked


@transaction.atomic
def mediation_start(*, actor: User, mediation: Mediation, started_on: datetime.date) -> Mediation:
    """Start mediation; only when every § 5 check holds (and a reason is stated for an offender under 12)."""
    locked = _lock_mediation(mediation)
    errors: dict = {}
    if locked.started_on:
        errors["__all__"] = _("Medlingen är redan påbörjad.")
    else:
        problems = mediation_start_problems(locked, started_on)
        if problems:
            errors["__all__"] = problems
    not_future(started_on, "started_on", errors)
    if started_on and (no_decision := insats_start_problem(case=locked.case, on_date=started_on)):
        errors.setdefault("started_on", no_decision)  # bistånd: not before its beslut (decisions.rules)
    fail(errors)
    before = history_snapshot(locked)
    locked.started_on = started_on
    locked.status = MediationStatus.ONGOING
    locked.save(update_fields=["started_on", "status"])
    history(actor=actor, instance=locked, case=locked.case, before=before)
    return locked


@transaction.atomic
def mediation_consultation_add(
    *, actor: User, mediation: Mediation, consulted_on: datetime.date, with_whom: str, note: str = ""
) -> MediationConsultation:
    """Log a consultation with the förundersökningsledare."""
    locked = _lock_mediation(mediation)
    errors: dict = {}
    if not with_whom.strip():
        errors["with_whom"] = _("Ange förundersökningsledaren.")
    not_future(consulted_on, "consulted_on", errors)
    fail(errors)
    consultation = MediationConsultation.objects.create(
        mediation=locked, consulted_on=consulted_on, with_whom=with_whom.strip(), note=note.strip(), recorded_by=actor
    )
    history(actor=actor, instance=consultation, case=locked.case)
    return consultation


@transaction.atomic
def mediation_meeting_add(
    *, actor: User, mediation: Mediation, kind: str, held_on: datetime.date, note: str = ""
) -> MediationMeeting:
    """Record a meeting; the mediation meeting itself only after mediation has started."""
    locked = _lock_mediation(mediation)
    errors: dict = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("Välj typ av möte.")
    if kind in (MeetingKind.MEDIATION, MeetingKind.FOLLOW_UP) and not locked.started_on:
        errors["kind"] = _("Medlingen är inte påbörjad: kontrollerna enligt 5 § måste vara uppfyllda först.")
    not_future(held_on, "held_on", errors)
    fail(errors)
    meeting = MediationMeeting.objects.create(mediation=locked, kind=kind, held_on=held_on, note=note.strip())
    history(actor=actor, instance=meeting, case=locked.case)
    return meeting


@transaction.atomic
def mediation_end(
    *,
    actor: User,
    mediation: Mediation,
    outcome: str,
    ended_on: datetime.date,
    reason: str = "",
    agreement_text: str = "",
) -> Mediation:
    """Close the mediation: agreement (with its text), no agreement or cancelled (each with why)."""
    locked = _lock_mediation(mediation)
    errors: dict = {}
    if outcome not in MediationOutcome.values:
        errors["outcome"] = _("Välj utfall.")
    elif outcome == MediationOutcome.AGREEMENT and not agreement_text.strip():
        errors["agreement_text"] = _("Skriv in överenskommelsen.")
    elif outcome != MediationOutcome.AGREEMENT and not reason.strip():
        errors["reason"] = _("Skriv varför.")
    if outcome in (MediationOutcome.AGREEMENT, MediationOutcome.NO_AGREEMENT) and not locked.started_on:
        errors["outcome"] = _("Medlingen har inte påbörjats; den kan bara avbrytas.")
    not_future(ended_on, "ended_on", errors)
    fail(errors)
    before = history_snapshot(locked)
    locked.outcome = outcome
    locked.outcome_reason = reason.strip()
    locked.agreement_text = agreement_text.strip() if outcome == MediationOutcome.AGREEMENT else ""
    locked.ended_on = ended_on
    locked.status = MediationStatus.ENDED
    locked.save()
    history(actor=actor, instance=locked, case=locked.case, before=before)
    return locked
