"""Writes for insatser and genomförandeplaner: one entry point per action, atomic and validated.

Callers have fetched the case (or plan) through a selector that applies the user's permissions.
Errors are django.core.exceptions.ValidationError with Swedish messages keyed by form field.
Consent is enforced with consent.selectors.sharing_decision, the one consent rule.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.identity import parse_id_number
from cases.models import Case, ClosureReason, Custodian, InsatsType, Person
from cases.services import CustodianData, case_close, case_open, journal_entry_create, person_register
from consent.models import Actor, Disclosure, LegalBasis
from consent.selectors import sharing_decision
from consent.services import disclosure_record
from core.history import CHANGE_REASON, change_record, history_snapshot
from core.models import ChangeAction, District, User
from core.templatetags.sv_format import format_number
from decisions.rules import insats_start_problem
from interventions.models import (
    CS_MAX_HOURS,
    CS_MIN_HOURS,
    Activity,
    AreaEffort,
    AreaEffortExtension,
    AslanAttendance,
    AslanGroup,
    AslanMeeting,
    AslanParticipant,
    Attainment,
    CommunityServiceOrder,
    CommunityServiceSession,
    CommunityServiceStatus,
    CommunityServiceWorkplace,
    DefectorAssessment,
    FieldShift,
    FollowUp,
    Goal,
    GoalAttainment,
    Mediation,
    MediationConsultation,
    MediationMeeting,
    MediationOutcome,
    MediationParty,
    MediationStatus,
    MeetingKind,
    PartyRole,
    Plan,
    PlanAgreement,
    PlanParticipant,
    PlanVersion,
    Polare,
    PolareNight,
    PurchasedService,
    Reoffence,
    ReoffenceKind,
    SkkAssignment,
    VictimSupport,
)
from interventions.selectors import mediation_start_problems, polare_fee_for

ASLAN_MIN_AGE = 10
ASLAN_MAX_AGE = 14
AREA_EFFORT_MAX_WEEKS = 12


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(day: datetime.date | None, field: str, errors: dict) -> None:
    if day is not None and day > _today():
        errors[field] = _("Datumet kan inte ligga i framtiden.")


def _lock_case(case: Case, insats_code: str | None = None) -> Case:
    """Lock an open case (of the given insats) for a change of its details."""
    locked = Case.objects.select_for_update().select_related("insats_type", "person").get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(_("Ärendet är avslutat och kan inte ändras."), code="closed")
    if insats_code and locked.insats_type.code != insats_code:
        raise ValidationError(_("Uppgifterna hör inte till den här insatsen."), code="insats")
    return locked


def _history(
    *,
    actor: User,
    instance,
    case: Case | None,
    before: dict | None = None,
    action: ChangeAction | None = None,
    change_reason: str = "",
    extra: dict | None = None,
) -> None:
    """Change history (core.history) for a record of the case's file: a create, an update given `before`, or
    the `action` given (a removal), with the reason of a correction or removal. Unit records (groups, shifts,
    polare, områdesinsatser) pass case None: they belong to no person's file."""
    reason = {CHANGE_REASON: [None, change_reason.strip()]} if change_reason.strip() else {}
    change_record(
        actor=actor,
        instance=instance,
        action=action or (ChangeAction.UPDATE if before is not None else ChangeAction.CREATE),
        before=before,
        extra={**(extra or {}), **reason} or None,
        person_id=case.person_id if case else None,
        case_id=case.pk if case else None,
    )


def _ids(objects) -> str:
    """Many-to-many values for the history: the ids, sorted by value, as one text (as foreign keys are stored)."""
    return ", ".join(str(pk) for pk in sorted(obj.pk for obj in objects))


def _fail(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- corrections of recorded rows
#
# Rows with hours, costs, fees or counts can be corrected or removed, always with a reason; the change
# history keeps the old values, the new ones and the reason (removal: every value, then the row is deleted).
# An exact copy of a row already recorded is refused unless the user confirms it is a separate one.

CONFIRM_DUPLICATE = "confirm_duplicate"  # the form field that confirms a registration looking like a copy


def _duplicate_check(rows: QuerySet, *, confirm: bool, errors: dict, exclude_pk=None) -> None:
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if not confirm and rows.exists():
        errors[CONFIRM_DUPLICATE] = _(
            "Exakt samma uppgifter finns redan registrerade. Är det en egen, ny registrering? "
            "Kryssa i rutan och spara igen; annars behöver du inte göra något."
        )


def _reason_check(change_reason: str, errors: dict, *, removal: bool = False) -> None:
    if not change_reason.strip():
        errors["change_reason"] = (
            _("Skriv varför raden tas bort.") if removal else _("Skriv varför uppgifterna rättas.")
        )


def _stored_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _require_change(instance, original: dict, extra: dict | None = None) -> None:
    """A correction that changes nothing is refused: there is nothing to record. Values are compared as
    values (1.5 equals 1.50), `original` being _stored_values of the row before the change."""
    if not extra and _stored_values(instance) == original:
        raise ValidationError({"__all__": _("Inget är ändrat. Ändra en uppgift eller avbryt.")})


def _correct(
    row,
    values: dict,
    *,
    actor: User,
    change_reason: str,
    case: Case | None = None,
    full_clean: bool = False,
    related: dict | None = None,
    after_save=None,
):
    """Apply a checked correction to a locked row: set the values, refuse a change of nothing, save, and record
    the history row with the reason. `related`: changes outside the row's own fields (its staff), saved by
    `after_save`."""
    before, original = history_snapshot(row), _stored_values(row)
    for name, value in values.items():
        setattr(row, name, value)
    if full_clean:
        row.full_clean()
    _require_change(row, original, related)
    row.save(update_fields=list(values))
    row.refresh_from_db()  # the history holds the stored form: 62500.5 kr as 62500.50
    if after_save:
        after_save(row)
    _history(actor=actor, instance=row, case=case, before=before, change_reason=change_reason, extra=related)
    return row


def _remove(row, *, actor: User, change_reason: str, case: Case | None, extra: dict | None = None, rows=()) -> None:
    """Remove a locked row, refused without a reason: the history keeps every value of it (and of `rows`,
    removed with it) and why, then the row is deleted."""
    errors: dict = {}
    _reason_check(change_reason, errors, removal=True)
    _fail(errors)
    for dependent in rows:
        _history(actor=actor, instance=dependent, case=case, action=ChangeAction.DELETE, change_reason=change_reason)
    _history(actor=actor, instance=row, case=case, action=ChangeAction.DELETE, change_reason=change_reason, extra=extra)
    row.delete()


# ---------------------------------------------------------------- Ungdomstjänst


@transaction.atomic
def community_service_set(
    *,
    actor: User,
    case: Case,
    ordered_hours: int,
    judgment_on: datetime.date,
    issued_by: str,
    report_to: str,
    supervisor_name: str = "",
    supervisor_phone: str = "",
) -> CommunityServiceOrder:
    """Record or correct the order of an ungdomstjänst case (20–150 hours) while it is ongoing."""
    locked = _lock_case(case, "ungdomstjanst")
    errors: dict = {}
    if ordered_hours is None or not CS_MIN_HOURS <= ordered_hours <= CS_MAX_HOURS:
        errors["ordered_hours"] = _("Ungdomstjänst döms ut i %(min)s–%(max)s timmar.") % {
            "min": CS_MIN_HOURS,
            "max": CS_MAX_HOURS,
        }
    _not_future(judgment_on, "judgment_on", errors)
    order = CommunityServiceOrder.objects.select_for_update().filter(case=locked).first()
    if order and order.status != CommunityServiceStatus.ONGOING:
        errors["__all__"] = _("Ungdomstjänsten är avslutad och kan inte ändras.")
    if order and ordered_hours is not None and "ordered_hours" not in errors:
        performed = _performed_hours(order)
        if performed > ordered_hours:
            errors["ordered_hours"] = _("Det är redan utfört %(done)s timmar; ange minst så många.") % {
                "done": performed
            }
    _fail(errors)
    before = history_snapshot(order) if order else None
    order = order or CommunityServiceOrder(case=locked)
    order.ordered_hours = ordered_hours
    order.judgment_on = judgment_on
    order.issued_by = issued_by.strip()
    order.report_to = report_to.strip()
    order.supervisor_name = supervisor_name.strip()
    order.supervisor_phone = supervisor_phone.strip()
    order.full_clean(exclude=["case"])
    order.save()
    _history(actor=actor, instance=order, case=locked, before=before)
    return order


def _performed_hours(order: CommunityServiceOrder) -> Decimal:
    return order.sessions.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def _lock_order(order: CommunityServiceOrder) -> CommunityServiceOrder:
    _lock_case(order.case)
    locked = CommunityServiceOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status != CommunityServiceStatus.ONGOING:
        raise ValidationError(_("Ungdomstjänsten är avslutad och kan inte ändras."), code="ended")
    return locked


@transaction.atomic
def community_service_workplace_add(
    *, actor: User, order: CommunityServiceOrder, name: str, contact: str = ""
) -> CommunityServiceWorkplace:
    """Add a workplace to an ongoing ungdomstjänst."""
    locked = _lock_order(order)
    if not name.strip():
        raise ValidationError({"name": _("Ange arbetsplatsens namn.")})
    workplace = CommunityServiceWorkplace.objects.create(order=locked, name=name.strip(), contact=contact.strip())
    _history(actor=actor, instance=workplace, case=order.case)
    return workplace


def _session_errors(
    *,
    order: CommunityServiceOrder,
    workplace: CommunityServiceWorkplace,
    performed_on: datetime.date,
    hours: Decimal,
    note: str,
    other_hours: Decimal,
) -> dict:
    """Rules of one occasion; other_hours is what the order's other occasions add up to."""
    errors: dict = {}
    if workplace.order_id != order.pk:
        errors["workplace"] = _("Arbetsplatsen hör inte till den här ungdomstjänsten.")
    if hours is None or hours <= 0 or hours > 24:
        errors["hours"] = _("Ange antal timmar (mer än 0 och högst 24).")
    _not_future(performed_on, "performed_on", errors)
    if performed_on and performed_on < order.judgment_on:
        errors["performed_on"] = _("Datumet kan inte vara före domen (%(date)s).") % {
            "date": order.judgment_on.isoformat()
        }
    if "hours" not in errors and other_hours + hours > order.ordered_hours and not note.strip():
        errors["note"] = _(
            "Med detta tillfälle blir det fler timmar än de %(hours)s som dömts ut. Skriv en anteckning om varför."
        ) % {"hours": order.ordered_hours}
    return errors


def _same_session(order, workplace, performed_on, hours) -> QuerySet:
    return CommunityServiceSession.objects.filter(
        order=order, workplace=workplace, performed_on=performed_on, hours=hours
    )


@transaction.atomic
def community_service_session_add(
    *,
    actor: User,
    order: CommunityServiceOrder,
    workplace: CommunityServiceWorkplace,
    performed_on: datetime.date,
    hours: Decimal,
    note: str = "",
    confirm_duplicate: bool = False,
) -> CommunityServiceSession:
    """Record hours performed on one occasion. Going above the ordered hours needs a note explaining why;
    an occasion exactly like one already recorded needs confirming."""
    locked = _lock_order(order)
    errors = _session_errors(
        order=locked,
        workplace=workplace,
        performed_on=performed_on,
        hours=hours,
        note=note,
        other_hours=_performed_hours(locked),
    )
    if not errors:
        _duplicate_check(
            _same_session(locked, workplace, performed_on, hours), confirm=confirm_duplicate, errors=errors
        )
    _fail(errors)
    session = CommunityServiceSession.objects.create(
        order=locked, workplace=workplace, performed_on=performed_on, hours=hours, note=note.strip(), recorded_by=actor
    )
    _history(actor=actor, instance=session, case=locked.case)
    return session


@transaction.atomic
def community_service_session_correct(
    *,
    actor: User,
    session: CommunityServiceSession,
    workplace: CommunityServiceWorkplace,
    performed_on: datetime.date,
    hours: Decimal,
    note: str = "",
    change_reason: str,
    confirm_duplicate: bool = False,
) -> CommunityServiceSession:
    """Correct a recorded occasion (wrong date, hours or workplace) of an ongoing ungdomstjänst, with a reason."""
    locked = _lock_order(session.order)
    row = CommunityServiceSession.objects.select_for_update().get(pk=session.pk, order=locked)
    others = locked.sessions.exclude(pk=row.pk).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    errors = _session_errors(
        order=locked, workplace=workplace, performed_on=performed_on, hours=hours, note=note, other_hours=others
    )
    _reason_check(change_reason, errors)
    if not errors:
        _duplicate_check(
            _same_session(locked, workplace, performed_on, hours),
            confirm=confirm_duplicate,
            errors=errors,
            exclude_pk=row.pk,
        )
    _fail(errors)
    values = {"workplace": workplace, "performed_on": performed_on, "hours": hours, "note": note.strip()}
    return _correct(row, values, actor=actor, change_reason=change_reason, case=locked.case)


@transaction.atomic
def community_service_session_remove(*, actor: User, session: CommunityServiceSession, change_reason: str) -> None:
    """Remove an occasion recorded by mistake from an ongoing ungdomstjänst; the history keeps it and why."""
    locked = _lock_order(session.order)
    row = CommunityServiceSession.objects.select_for_update().get(pk=session.pk, order=locked)
    _remove(row, actor=actor, change_reason=change_reason, case=locked.case)


@transaction.atomic
def community_service_end(
    *, actor: User, order: CommunityServiceOrder, status: str, ended_on: datetime.date, note: str = ""
) -> CommunityServiceOrder:
    """Mark an ungdomstjänst as fullgjord (all ordered hours performed) or avbruten (with a reason)."""
    locked = _lock_order(order)
    errors: dict = {}
    if status == CommunityServiceStatus.COMPLETED:
        performed = _performed_hours(locked)
        if performed < locked.ordered_hours:
            errors["status"] = _(
                "Ungdomstjänsten kan inte markeras som fullgjord: %(done)s av %(hours)s timmar är utförda."
            ) % {"done": performed, "hours": locked.ordered_hours}
    elif status == CommunityServiceStatus.INTERRUPTED:
        if not note.strip():
            errors["note"] = _("Skriv varför ungdomstjänsten avbröts.")
    else:
        errors["status"] = _("Välj fullgjord eller avbruten.")
    _not_future(ended_on, "ended_on", errors)
    if ended_on and ended_on < locked.judgment_on:
        errors["ended_on"] = _("Datumet kan inte vara före domen.")
    _fail(errors)
    before = history_snapshot(locked)
    locked.status = status
    locked.ended_on = ended_on
    locked.end_note = note.strip()
    locked.save(update_fields=["status", "ended_on", "end_note"])
    _history(actor=actor, instance=locked, case=order.case, before=before)
    return locked


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
    locked = _lock_case(case, "medling")
    errors: dict = {}
    if not offence.strip():
        errors["offence"] = _("Beskriv brottet.")
    _not_future(offence_on, "offence_on", errors)
    if mediator is not None and mediator.unit_id != locked.unit_id:
        errors["mediator"] = _("Medlaren ska arbeta på ärendets enhet.")
    mediation = Mediation.objects.select_for_update().filter(case=locked).first()
    if mediation and mediation.status == MediationStatus.ENDED:
        errors["__all__"] = _("Medlingen är avslutad och kan inte ändras.")
    _fail(errors)
    created = mediation is None
    before = None if created else history_snapshot(mediation)
    mediation = mediation or Mediation(case=locked)
    mediation.offence = offence.strip()
    mediation.offence_on = offence_on
    mediation.police_reference = police_reference.strip()
    mediation.prosecutor = prosecutor.strip()
    mediation.mediator = mediator
    mediation.save()
    _history(actor=actor, instance=mediation, case=locked, before=before)
    if created:
        party = MediationParty.objects.create(mediation=mediation, role=PartyRole.OFFENDER, is_case_person=True)
        _history(actor=actor, instance=party, case=locked)
    return mediation


def _lock_mediation(mediation: Mediation) -> Mediation:
    _lock_case(mediation.case)
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
    if birth_year is not None and not 1900 <= birth_year <= _today().year:
        errors["birth_year"] = _("Ange ett rimligt födelseår.")
    _fail(errors)
    party = MediationParty.objects.create(
        mediation=locked,
        role=role,
        name=name.strip(),
        id_number=number,
        birth_year=birth_year,
        contact=contact.strip(),
    )
    _history(actor=actor, instance=party, case=locked.case)
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
    recorded_on = recorded_on or locked.checks_recorded_on or _today()
    _not_future(recorded_on, "recorded_on", errors)
    _fail(errors)
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
    _history(actor=actor, instance=locked, case=locked.case, before=before)
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
    _not_future(started_on, "started_on", errors)
    if started_on and (no_decision := insats_start_problem(case=locked.case, on_date=started_on)):
        errors.setdefault("started_on", no_decision)  # bistånd: not before its beslut (decisions.rules)
    _fail(errors)
    before = history_snapshot(locked)
    locked.started_on = started_on
    locked.status = MediationStatus.ONGOING
    locked.save(update_fields=["started_on", "status"])
    _history(actor=actor, instance=locked, case=locked.case, before=before)
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
    _not_future(consulted_on, "consulted_on", errors)
    _fail(errors)
    consultation = MediationConsultation.objects.create(
        mediation=locked, consulted_on=consulted_on, with_whom=with_whom.strip(), note=note.strip(), recorded_by=actor
    )
    _history(actor=actor, instance=consultation, case=locked.case)
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
    _not_future(held_on, "held_on", errors)
    _fail(errors)
    meeting = MediationMeeting.objects.create(mediation=locked, kind=kind, held_on=held_on, note=note.strip())
    _history(actor=actor, instance=meeting, case=locked.case)
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
    _not_future(ended_on, "ended_on", errors)
    _fail(errors)
    before = history_snapshot(locked)
    locked.outcome = outcome
    locked.outcome_reason = reason.strip()
    locked.agreement_text = agreement_text.strip() if outcome == MediationOutcome.AGREEMENT else ""
    locked.ended_on = ended_on
    locked.status = MediationStatus.ENDED
    locked.save()
    _history(actor=actor, instance=locked, case=locked.case, before=before)
    return locked


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
    locked = _lock_case(case, "stod_brottsutsatta")
    errors: dict = {}
    _not_future(crime_on, "crime_on", errors)
    _fail(errors)
    existing = VictimSupport.objects.select_for_update().filter(case=locked).first()
    before = history_snapshot(existing) if existing else None
    support, _created = VictimSupport.objects.update_or_create(
        case=locked,
        defaults={"crime_type": crime_type, "crime_on": crime_on, "reported_to_police": reported_to_police},
    )
    support.full_clean()
    _history(actor=actor, instance=support, case=locked, before=before)
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
    if (person is None) == (new_person is None):
        errors["person"] = _("Välj en registrerad person eller registrera en ny.")
    if not 1 <= len(contacts) <= 2:
        errors["contacts"] = _("Registrera en eller två kontakter.")
    if contacts and closed_on < max(c.occurred_on for c in contacts):
        errors["closed_on"] = _("Avslutsdatum kan inte vara före den sista kontakten.")
    _fail(errors)
    if person is None:
        person = person_register(
            actor=actor,
            id_kind=new_person.id_kind,
            id_number=new_person.id_number,
            first_name=new_person.first_name,
            last_name=new_person.last_name,
            birth_date=new_person.birth_date,
            custodians=list(new_person.custodians),
        )
    first = min(c.occurred_on for c in contacts)
    case = case_open(
        actor=actor,
        person=person,
        insats_type=InsatsType.objects.get(code="stod_brottsutsatta"),
        unit=actor.unit,
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


# ---------------------------------------------------------------- SKK


@transaction.atomic
def skk_set(
    *,
    actor: User,
    case: Case,
    contact_person: str,
    contact_phone: str,
    hours_per_month: Decimal,
    ordered_by: str,
    decided_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> SkkAssignment:
    """Record or change the särskilt kvalificerad kontaktperson of a case."""
    locked = _lock_case(case, "skk")
    errors: dict = {}
    if not contact_person.strip():
        errors["contact_person"] = _("Ange kontaktpersonen.")
    if hours_per_month is None or hours_per_month <= 0:
        errors["hours_per_month"] = _("Ange antal timmar per månad.")
    _not_future(decided_on, "decided_on", errors)
    if ends_on and decided_on and ends_on < decided_on:
        errors["ends_on"] = _("Slutdatum kan inte vara före beslutet.")
    _fail(errors)
    existing = SkkAssignment.objects.filter(case=locked).first()
    before = history_snapshot(existing) if existing else None
    assignment = existing or SkkAssignment(case=locked)
    assignment.contact_person = contact_person.strip()
    assignment.contact_phone = contact_phone.strip()
    assignment.hours_per_month = hours_per_month
    assignment.ordered_by = ordered_by
    assignment.decided_on = decided_on
    assignment.ends_on = ends_on
    assignment.full_clean(exclude=["case"])
    assignment.save()
    _history(actor=actor, instance=assignment, case=locked, before=before)
    return assignment


# ---------------------------------------------------------------- ASLAN


@transaction.atomic
def aslan_group_create(*, actor: User, name: str, starts_on: datetime.date, leaders: str = "") -> AslanGroup:
    """Start an ASLAN group in the actor's unit."""
    if actor.unit_id is None:
        raise ValidationError(_("Du måste tillhöra en enhet."))
    if not name.strip():
        raise ValidationError({"name": _("Ange gruppens namn.")})
    group = AslanGroup.objects.create(unit_id=actor.unit_id, name=name.strip(), starts_on=starts_on, leaders=leaders)
    _history(actor=actor, instance=group, case=None)
    return group


@transaction.atomic
def aslan_participant_add(
    *, actor: User, group: AslanGroup, case: Case, parents: list[Custodian] | None = None
) -> AslanParticipant:
    """Add an ASLAN case (10–14 years when the group starts) of the group's unit, with the parents taking part."""
    locked = _lock_case(case)
    errors: dict = {}
    if locked.insats_type.code != "aslan":
        errors["case"] = _("Bara ärenden med insatsen ASLAN kan delta i en ASLAN-grupp.")
    if locked.unit_id != group.unit_id:
        errors["case"] = _("Ärendet tillhör en annan enhet än gruppen.")
    age = locked.person.age_on(max(group.starts_on, _today()))
    if not ASLAN_MIN_AGE <= age <= ASLAN_MAX_AGE:
        errors["case"] = _("ASLAN är för barn 10–14 år; barnet är %(age)s år.") % {"age": age}
    if AslanParticipant.objects.filter(group=group, case=locked).exists():
        errors["case"] = _("Barnet är redan med i gruppen.")
    parents = parents or []
    if any(parent.person_id != locked.person_id for parent in parents):
        errors["parents"] = _("Föräldern hör inte till barnet.")
    _fail(errors)
    participant = AslanParticipant.objects.create(group=group, case=locked)
    participant.parents.set(parents)
    _history(
        actor=actor, instance=participant, case=locked, extra={"parents": [None, _ids(parents)]} if parents else None
    )
    return participant


@transaction.atomic
def aslan_meeting_record(
    *, actor: User, group: AslanGroup, held_on: datetime.date, topic: str, attendance: dict[int, tuple[bool, int]]
) -> AslanMeeting:
    """Record a group meeting with attendance per participant: (child present, number of parents present)."""
    errors: dict = {}
    _not_future(held_on, "held_on", errors)
    participants = {p.pk: p for p in group.participants.select_related("case").prefetch_related("parents")}
    for participant_id, (_present, parents_present) in attendance.items():
        participant = participants.get(participant_id)
        if participant is None:
            errors["attendance"] = _("Deltagaren finns inte i gruppen.")
        elif parents_present < 0 or parents_present > max(len(participant.parents.all()), 2):
            errors["attendance"] = _("Antalet närvarande föräldrar stämmer inte.")
    _fail(errors)
    meeting = AslanMeeting.objects.create(group=group, held_on=held_on, topic=topic.strip())
    _history(actor=actor, instance=meeting, case=None)
    rows = AslanAttendance.objects.bulk_create(
        [
            AslanAttendance(
                meeting=meeting,
                participant_id=pid,
                youth_present=attendance.get(pid, (False, 0))[0],
                parents_present=attendance.get(pid, (False, 0))[1],
            )
            for pid in participants
        ]
    )
    for row in rows:  # each child's attendance belongs to the child's case file
        _history(actor=actor, instance=row, case=participants[row.participant_id].case)
    return meeting


# ---------------------------------------------------------------- Avhopp


@transaction.atomic
def defector_assess(
    *, actor: User, case: Case, assessed_on: datetime.date, threat_level: str, motivated: bool, note: str = ""
) -> DefectorAssessment:
    """Record a hotbild and motivation assessment; history is kept, the newest counts."""
    locked = _lock_case(case, "avhopp")
    errors: dict = {}
    _not_future(assessed_on, "assessed_on", errors)
    _fail(errors)
    assessment = DefectorAssessment(
        case=locked,
        assessed_on=assessed_on,
        threat_level=threat_level,
        motivated=motivated,
        note=note.strip(),
        assessed_by=actor,
    )
    assessment.full_clean()
    assessment.save()
    _history(actor=actor, instance=assessment, case=locked)
    return assessment


def _purchase_errors(*, provider: str, starts_on, ends_on, cost) -> dict:
    errors: dict = {}
    if not provider.strip():
        errors["provider"] = _("Ange leverantör.")
    if cost is None or cost < 0:
        errors["cost"] = _("Ange kostnaden i kronor.")
    if ends_on and starts_on and ends_on < starts_on:
        errors["ends_on"] = _("Slutdatum kan inte vara före startdatum.")
    return errors


def _same_purchase(case, kind, provider, starts_on, ends_on, cost) -> QuerySet:
    return PurchasedService.objects.filter(
        case=case, kind=kind, provider__iexact=provider.strip(), starts_on=starts_on, ends_on=ends_on, cost=cost
    )


@transaction.atomic
def purchased_service_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    provider: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    cost: Decimal,
    note: str = "",
    confirm_duplicate: bool = False,
) -> PurchasedService:
    """Record a purchased insats (skyddat boende, behandling …) with its provider, period and cost; one exactly
    like a purchase already recorded (same kind, provider, period and cost) needs confirming."""
    locked = _lock_case(case, "avhopp")
    errors = _purchase_errors(provider=provider, starts_on=starts_on, ends_on=ends_on, cost=cost)
    if starts_on and (no_decision := insats_start_problem(case=locked, on_date=starts_on)):
        errors.setdefault("starts_on", no_decision)  # bistånd: not before its beslut (decisions.rules)
    if not errors:
        _duplicate_check(
            _same_purchase(locked, kind, provider, starts_on, ends_on, cost), confirm=confirm_duplicate, errors=errors
        )
    _fail(errors)
    service = PurchasedService(
        case=locked,
        kind=kind,
        provider=provider.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        cost=cost,
        note=note.strip(),
        recorded_by=actor,
    )
    service.full_clean()
    service.save()
    _history(actor=actor, instance=service, case=locked)
    return service


@transaction.atomic
def purchased_service_correct(
    *,
    actor: User,
    service: PurchasedService,
    kind: str,
    provider: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    cost: Decimal,
    note: str = "",
    change_reason: str,
    confirm_duplicate: bool = False,
) -> PurchasedService:
    """Correct a purchased insats (e.g. the cost on the final invoice) on an open avhopp case, with a reason."""
    locked = _lock_case(service.case, "avhopp")
    row = PurchasedService.objects.select_for_update().get(pk=service.pk, case=locked)
    errors = _purchase_errors(provider=provider, starts_on=starts_on, ends_on=ends_on, cost=cost)
    _reason_check(change_reason, errors)
    if not errors:
        _duplicate_check(
            _same_purchase(locked, kind, provider, starts_on, ends_on, cost),
            confirm=confirm_duplicate,
            errors=errors,
            exclude_pk=row.pk,
        )
    _fail(errors)
    values = {
        "kind": kind,
        "provider": provider.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "cost": cost,
        "note": note.strip(),
    }
    return _correct(row, values, actor=actor, change_reason=change_reason, case=locked, full_clean=True)


@transaction.atomic
def purchased_service_remove(*, actor: User, service: PurchasedService, change_reason: str) -> None:
    """Remove a purchase recorded by mistake (e.g. twice) from an open avhopp case; the history keeps it and why."""
    locked = _lock_case(service.case, "avhopp")
    row = PurchasedService.objects.select_for_update().get(pk=service.pk, case=locked)
    _remove(row, actor=actor, change_reason=change_reason, case=locked)


REOFFENCE_INSATSER = ("sig", "avhopp")


@transaction.atomic
def reoffence_record(
    *,
    actor: User,
    case: Case,
    noted_on: datetime.date,
    kind: str,
    offence_on: datetime.date | None = None,
    note: str = "",
) -> Reoffence:
    """Record återfall (new offending) on an open SIG or avhopp case: when the handläggare learned of it,
    optionally when the offence happened, and what kind of information it is."""
    locked = _lock_case(case)
    if locked.insats_type.code not in REOFFENCE_INSATSER:
        raise ValidationError(_("Återfall registreras bara för SIG och avhopp."), code="insats")
    errors: dict = {}
    if noted_on is None:
        errors["noted_on"] = _("Ange när återfallet blev känt.")
    _not_future(noted_on, "noted_on", errors)
    _not_future(offence_on, "offence_on", errors)
    if kind not in ReoffenceKind.values:
        errors["kind"] = _("Välj vilken typ av uppgift det gäller.")
    if offence_on and noted_on and offence_on > noted_on and "offence_on" not in errors:
        errors["offence_on"] = _("Brottsdatum kan inte vara efter datumet då återfallet blev känt.")
    _fail(errors)
    reoffence = Reoffence(
        case=locked, noted_on=noted_on, offence_on=offence_on, kind=kind, note=note.strip(), recorded_by=actor
    )
    reoffence.full_clean()
    reoffence.save()
    _history(actor=actor, instance=reoffence, case=locked)
    return reoffence


# ---------------------------------------------------------------- Fältverksamhet


def _field_shift_errors(*, actor: User, worked_on, area: str, staff: list[User], youths_met, youths_talked) -> dict:
    errors: dict = {}
    if actor.unit_id is None:
        errors["__all__"] = _("Du måste tillhöra en enhet.")
    _not_future(worked_on, "worked_on", errors)
    if not area.strip():
        errors["area"] = _("Ange plats eller område.")
    if not staff:
        errors["staff"] = _("Ange vilken personal som arbetade.")
    elif any(member.unit_id != actor.unit_id for member in staff):
        errors["staff"] = _("Personalen ska tillhöra din enhet.")
    if youths_met is None or youths_met < 0:
        errors["youths_met"] = _("Ange antal mötta ungdomar.")
    if youths_talked is None or youths_talked < 0:
        errors["youths_talked"] = _("Ange antal ungdomar ni samtalade med.")
    elif youths_met is not None and youths_talked > youths_met:
        errors["youths_talked"] = _("Fler samtal än mötta ungdomar går inte ihop.")
    return errors


def _same_shift(unit_id, worked_on, district, area: str, youths_met, youths_talked) -> QuerySet:
    return FieldShift.objects.filter(
        unit_id=unit_id,
        worked_on=worked_on,
        district=district,
        area__iexact=area.strip(),
        youths_met=youths_met,
        youths_talked=youths_talked,
    )


def _lock_unit_row(model, row, actor: User):
    """Lock a row of the actor's unit (field work has no case; the unit is its owner)."""
    locked = model.objects.select_for_update().filter(pk=row.pk).first()
    if locked is None:
        raise ValidationError(_("Raden finns inte längre."), code="gone")
    owner = locked.polare.unit_id if isinstance(locked, PolareNight) else locked.unit_id
    if owner != actor.unit_id:
        raise ValidationError(_("Raden tillhör en annan enhet."), code="unit")
    return locked


@transaction.atomic
def field_shift_record(
    *,
    actor: User,
    worked_on: datetime.date,
    district: District | None,
    area: str,
    staff: list[User],
    youths_met: int,
    youths_talked: int,
    notes: str = "",
    confirm_duplicate: bool = False,
) -> FieldShift:
    """Log one field shift for the actor's unit (numbers only, no named youths); a shift exactly like one
    already logged (date, place and numbers) needs confirming."""
    errors = _field_shift_errors(
        actor=actor, worked_on=worked_on, area=area, staff=staff, youths_met=youths_met, youths_talked=youths_talked
    )
    if not errors:
        _duplicate_check(
            _same_shift(actor.unit_id, worked_on, district, area, youths_met, youths_talked),
            confirm=confirm_duplicate,
            errors=errors,
        )
    _fail(errors)
    shift = FieldShift.objects.create(
        unit_id=actor.unit_id,
        worked_on=worked_on,
        district=district,
        area=area.strip(),
        youths_met=youths_met,
        youths_talked=youths_talked,
        notes=notes.strip(),
        recorded_by=actor,
    )
    shift.staff.set(staff)
    _history(actor=actor, instance=shift, case=None, extra={"staff": [None, _ids(staff)]})
    return shift


@transaction.atomic
def field_shift_correct(
    *,
    actor: User,
    shift: FieldShift,
    worked_on: datetime.date,
    district: District | None,
    area: str,
    staff: list[User],
    youths_met: int,
    youths_talked: int,
    notes: str = "",
    change_reason: str,
    confirm_duplicate: bool = False,
) -> FieldShift:
    """Correct a logged field shift of the actor's unit (date, place, staff, numbers), with a reason."""
    row = _lock_unit_row(FieldShift, shift, actor)
    errors = _field_shift_errors(
        actor=actor, worked_on=worked_on, area=area, staff=staff, youths_met=youths_met, youths_talked=youths_talked
    )
    _reason_check(change_reason, errors)
    if not errors:
        _duplicate_check(
            _same_shift(row.unit_id, worked_on, district, area, youths_met, youths_talked),
            confirm=confirm_duplicate,
            errors=errors,
            exclude_pk=row.pk,
        )
    _fail(errors)
    old_staff, new_staff = _ids(row.staff.all()), _ids(staff)
    values = {
        "worked_on": worked_on,
        "district": district,
        "area": area.strip(),
        "youths_met": youths_met,
        "youths_talked": youths_talked,
        "notes": notes.strip(),
    }
    return _correct(
        row,
        values,
        actor=actor,
        change_reason=change_reason,
        related={"staff": [old_staff, new_staff]} if old_staff != new_staff else None,
        after_save=lambda saved: saved.staff.set(staff),
    )


@transaction.atomic
def field_shift_remove(*, actor: User, shift: FieldShift, change_reason: str) -> None:
    """Remove a field shift logged by mistake; the history keeps its values and why."""
    row = _lock_unit_row(FieldShift, shift, actor)
    _remove(row, actor=actor, change_reason=change_reason, case=None, extra={"staff": [_ids(row.staff.all()), None]})


@transaction.atomic
def polare_add(*, actor: User, name: str, birth_date: datetime.date, service_started_on: datetime.date) -> Polare:
    """Add a polare to the actor's unit's roster."""
    errors: dict = {}
    if not name.strip():
        errors["name"] = _("Ange namn.")
    _not_future(birth_date, "birth_date", errors)
    if birth_date and service_started_on and service_started_on < birth_date:
        errors["service_started_on"] = _("Datumet kan inte vara före födelsedatumet.")
    _fail(errors)
    polare = Polare.objects.create(
        unit_id=actor.unit_id, name=name.strip(), birth_date=birth_date, service_started_on=service_started_on
    )
    _history(actor=actor, instance=polare, case=None)
    return polare


@transaction.atomic
def polare_night_book(*, actor: User, polare: Polare, worked_on: datetime.date) -> PolareNight:
    """Put a polare on the roster for a night; the fee comes from the fee table (age, years of service)."""
    errors: dict = {}
    if polare.unit_id != actor.unit_id:
        errors["polare"] = _("Polaren tillhör en annan enhet.")
    if not polare.active:
        errors["polare"] = _("Polaren är inte aktiv.")
    if PolareNight.objects.filter(polare=polare, worked_on=worked_on).exists():
        errors["worked_on"] = _("Polaren är redan schemalagd den kvällen.")
    fee = polare_fee_for(polare=polare, on=worked_on)
    if fee is None:
        errors["worked_on"] = _(
            "Arvodestabellen har ingen nivå för polarens ålder den dagen. Kontakta administratören."
        )
    _fail(errors)
    night = PolareNight.objects.create(polare=polare, worked_on=worked_on, fee=fee)
    _history(actor=actor, instance=night, case=None)
    return night


@transaction.atomic
def polare_night_correct(
    *, actor: User, night: PolareNight, worked_on: datetime.date, fee: Decimal, change_reason: str
) -> PolareNight:
    """Correct a night on the roster: another date, or a fee other than the table's (e.g. a longer evening)."""
    row = _lock_unit_row(PolareNight, night, actor)
    errors: dict = {}
    if fee is None or fee < 0:
        errors["fee"] = _("Ange arvodet i kronor.")
    if PolareNight.objects.filter(polare_id=row.polare_id, worked_on=worked_on).exclude(pk=row.pk).exists():
        errors["worked_on"] = _("Polaren är redan schemalagd den kvällen.")
    _reason_check(change_reason, errors)
    _fail(errors)
    return _correct(row, {"worked_on": worked_on, "fee": fee}, actor=actor, change_reason=change_reason)


@transaction.atomic
def polare_night_remove(*, actor: User, night: PolareNight, change_reason: str) -> None:
    """Take a night off the roster (booked by mistake or not worked); the history keeps it and why."""
    row = _lock_unit_row(PolareNight, night, actor)
    _remove(row, actor=actor, change_reason=change_reason, case=None)


def _area_effort_errors(*, weeks, reason: str) -> dict:
    errors: dict = {}
    if weeks is None or not 1 <= weeks <= AREA_EFFORT_MAX_WEEKS:
        errors["weeks"] = _("En områdesinsats pågår 1–12 veckor.")
    if not reason.strip():
        errors["reason"] = _("Beskriv varför insatsen behövs.")
    return errors


@transaction.atomic
def area_effort_start(
    *,
    actor: User,
    district: District,
    starts_on: datetime.date,
    weeks: int,
    reason: str,
    confirm_duplicate: bool = False,
) -> AreaEffort:
    """Start an områdesinsats in a district for 1–12 weeks; the same district, start and length again needs
    confirming."""
    errors = _area_effort_errors(weeks=weeks, reason=reason)
    if not errors:
        _duplicate_check(
            AreaEffort.objects.filter(unit_id=actor.unit_id, district=district, starts_on=starts_on, weeks=weeks),
            confirm=confirm_duplicate,
            errors=errors,
        )
    _fail(errors)
    effort = AreaEffort.objects.create(
        unit_id=actor.unit_id,
        district=district,
        reason=reason.strip(),
        starts_on=starts_on,
        weeks=weeks,
        ends_on=starts_on + datetime.timedelta(weeks=weeks),
        created_by=actor,
    )
    _history(actor=actor, instance=effort, case=None)
    return effort


@transaction.atomic
def area_effort_extend(*, actor: User, effort: AreaEffort, weeks: int, reason: str) -> AreaEffort:
    """Extend an områdesinsats by 1–12 weeks from its current end; the earlier end date is kept in history."""
    locked = AreaEffort.objects.select_for_update().get(pk=effort.pk)
    errors: dict = {}
    if weeks is None or not 1 <= weeks <= AREA_EFFORT_MAX_WEEKS:
        errors["weeks"] = _("En förlängning är 1–12 veckor.")
    if not reason.strip():
        errors["reason"] = _("Beskriv varför insatsen förlängs.")
    if locked.ends_on < _today():
        errors["__all__"] = _("Insatsen har redan slutat; starta en ny områdesinsats i stället.")
    _fail(errors)
    new_end = locked.ends_on + datetime.timedelta(weeks=weeks)
    extension = AreaEffortExtension.objects.create(
        effort=locked,
        weeks=weeks,
        previous_ends_on=locked.ends_on,
        new_ends_on=new_end,
        reason=reason.strip(),
        created_by=actor,
    )
    _history(actor=actor, instance=extension, case=None)
    before = history_snapshot(locked)
    locked.ends_on = new_end
    locked.save(update_fields=["ends_on"])
    _history(actor=actor, instance=locked, case=None, before=before)
    return locked


@transaction.atomic
def area_effort_correct(
    *,
    actor: User,
    effort: AreaEffort,
    district: District,
    starts_on: datetime.date,
    weeks: int,
    reason: str,
    change_reason: str,
) -> AreaEffort:
    """Correct an områdesinsats (district, start, first length, why); its extensions still count on top."""
    row = _lock_unit_row(AreaEffort, effort, actor)
    errors = _area_effort_errors(weeks=weeks, reason=reason)
    _reason_check(change_reason, errors)
    _fail(errors)
    extended = sum(extension.weeks for extension in row.extensions.all())
    values = {
        "district": district,
        "starts_on": starts_on,
        "weeks": weeks,
        "ends_on": starts_on + datetime.timedelta(weeks=weeks + extended),
        "reason": reason.strip(),
    }
    return _correct(row, values, actor=actor, change_reason=change_reason)


@transaction.atomic
def area_effort_remove(*, actor: User, effort: AreaEffort, change_reason: str) -> None:
    """Remove an områdesinsats started by mistake, with its extensions; the history keeps it and why."""
    row = _lock_unit_row(AreaEffort, effort, actor)
    _remove(row, actor=actor, change_reason=change_reason, case=None, rows=row.extensions.all())


# ---------------------------------------------------------------- Genomförandeplan


# ---------------------------------------------------------------- reports to åklagare/domstol

REPORT_RECIPIENTS = ("aklagare", "domstol")  # consent.Actor codes (migration consent 0007)
REPORT_DEFAULT_BASIS = "osl_10_28"  # uppgiftsskyldighet: the reports are required by BrB 32 kap. and lag 2002:445


def _report_what_sent(case: Case, kind: str) -> str:
    """What the report holds, described for the utlämnande (counts and statuses, no copy of the texts)."""
    if kind == "ungdomstjanst":
        order = CommunityServiceOrder.objects.filter(case=case).first()
        if order is None:
            raise ValidationError(_("Registrera först domen/beslutet om ungdomstjänst."))
        return _(
            "Rapport om ungdomstjänst: dom/beslut, %(done)s av %(hours)s timmar utförda, status %(status)s, "
            "arbetsplatser och utförda tillfällen."
        ) % {
            "done": format_number(_performed_hours(order), 1),
            "hours": order.ordered_hours,
            "status": order.get_status_display().lower(),
        }
    if kind == "medling":
        mediation = Mediation.objects.filter(case=case).first()
        if mediation is None:
            raise ValidationError(_("Registrera först uppgifterna om medlingen."))
        return _(
            "Rapport om medling: brottet, förutsättningarna enligt 5 §, samråd, möten och utfall (%(status)s)."
        ) % {"status": (mediation.get_outcome_display() or mediation.get_status_display()).lower()}
    raise ValidationError(_("Okänd rapport."))


@transaction.atomic
def insats_report_disclose(
    *,
    actor: User,
    case: Case,
    kind: str,
    recipient: Actor,
    legal_basis: LegalBasis,
    recipient_detail: str = "",
) -> Disclosure:
    """Producing the report on an ungdomstjänst or a medling for åklagare/domstol is an utlämnande: it is
    recorded (recipient, legal basis, what was sent, today, decided by the one who sends it) before the
    report is printed, through consent.services.disclosure_record (which checks a consent-based basis)."""
    # a closed case may still report (the report often follows the end of the insats); the record is append-only
    locked = Case.objects.select_related("insats_type", "person").get(pk=case.pk)
    if locked.insats_type.code != kind:
        raise ValidationError(_("Uppgifterna hör inte till den här insatsen."), code="insats")
    if recipient.code not in REPORT_RECIPIENTS:
        raise ValidationError({"recipient": _("Rapporten skickas till åklagare eller domstol.")})
    return disclosure_record(
        actor=actor,
        person=locked.person,
        case=locked,
        recipient=recipient,
        recipient_detail=recipient_detail,
        what_sent=_report_what_sent(locked, kind),
        legal_basis=legal_basis,
        disclosed_on=_today(),
        decided_by=actor,
    )


def consent_block_message(*, person: Person, actor_obj: Actor, on: datetime.date) -> str | None:
    """The Swedish message that blocks sharing with `actor_obj`, or None when sharing_decision allows it."""
    decision = sharing_decision(person=person, actor=actor_obj, on=on)
    if decision.allowed:
        return None
    return _(
        "%(actor)s kan inte ingå i planen eftersom giltigt samtycke saknas. %(message)s "
        "Registrera samtycke från ungdomen och vårdnadshavarna först."
    ) % {"actor": actor_obj.name, "message": decision.message}


@transaction.atomic
def plan_create(
    *,
    actor: User,
    case: Case,
    coordinator: User,
    overall_goal: str = "",
    follow_up_method: str = "",
) -> Plan:
    """Start a genomförandeplan (version 1) on an open case; the samordnare must be able to see the case."""
    locked = _lock_case(case)
    errors: dict = {}
    if not coordinator.is_active or not coordinator.has_perm("cases.view_case"):
        errors["coordinator"] = _("Samordnaren måste vara aktiv personal.")
    elif not (coordinator.unit_id == locked.unit_id or coordinator.has_perm("cases.view_case", locked)):
        errors["coordinator"] = _("Samordnaren har inte tillgång till ärendet.")
    _fail(errors)
    plan = Plan.objects.create(case=locked, coordinator=coordinator)
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        overall_goal=overall_goal.strip(),
        follow_up_method=follow_up_method.strip(),
        created_by=actor,
    )
    _history(actor=actor, instance=plan, case=locked)
    _history(actor=actor, instance=version, case=locked)
    return plan


def _current_version(plan: Plan) -> PlanVersion:
    """Lock the plan's case (open) and return the plan's current version, locked."""
    _lock_case(plan.case)
    return (
        PlanVersion.objects.select_for_update()
        .select_related("plan__case__person")
        .get(plan_id=plan.pk, superseded_at__isnull=True)
    )


@transaction.atomic
def plan_update(*, actor: User, plan: Plan, overall_goal: str, follow_up_method: str) -> PlanVersion:
    """Edit the current version's overall goal and follow-up method (earlier versions are read-only)."""
    version = _current_version(plan)
    before = history_snapshot(version)
    version.overall_goal = overall_goal.strip()
    version.follow_up_method = follow_up_method.strip()
    version.save(update_fields=["overall_goal", "follow_up_method"])
    _history(actor=actor, instance=version, case=version.plan.case, before=before)
    return version


@transaction.atomic
def plan_trainer_assign(
    *, actor: User, plan: Plan, name: str, phone: str = "", assigned_on: datetime.date | None = None
) -> Plan:
    """Assign the personlig tränare (PT)."""
    _current_version(plan)
    errors: dict = {}
    if not name.strip():
        errors["name"] = _("Ange den personliga tränarens namn.")
    assigned_on = assigned_on or _today()
    _not_future(assigned_on, "assigned_on", errors)
    _fail(errors)
    before = history_snapshot(Plan.objects.get(pk=plan.pk))
    Plan.objects.filter(pk=plan.pk).update(
        trainer_name=name.strip(), trainer_phone=phone.strip(), trainer_assigned_on=assigned_on
    )
    plan.refresh_from_db()
    _history(actor=actor, instance=plan, case=plan.case, before=before)
    return plan


@transaction.atomic
def plan_participant_add(*, actor: User, plan: Plan, actor_obj: Actor, contact: str = "") -> PlanParticipant:
    """Add an actor to the plan. An actor that needs consent is admitted only while sharing_decision allows it."""
    version = _current_version(plan)
    person = version.plan.case.person
    errors: dict = {}
    if PlanParticipant.objects.filter(version=version, actor=actor_obj).exists():
        errors["actor"] = _("%(actor)s ingår redan i planen.") % {"actor": actor_obj.name}
    else:
        blocked = consent_block_message(person=person, actor_obj=actor_obj, on=_today())
        if blocked:
            errors["actor"] = blocked
    _fail(errors)
    participant = PlanParticipant.objects.create(
        version=version, actor=actor_obj, contact=contact.strip(), added_on=_today()
    )
    _history(actor=actor, instance=participant, case=version.plan.case)
    return participant


@transaction.atomic
def plan_goal_add(*, actor: User, plan: Plan, text: str) -> Goal:
    """Add a goal to the current version."""
    version = _current_version(plan)
    if not text.strip():
        raise ValidationError({"text": _("Skriv målet.")})
    position = version.goals.count() + 1
    goal = Goal.objects.create(version=version, position=position, text=text.strip())
    _history(actor=actor, instance=goal, case=version.plan.case)
    return goal


@transaction.atomic
def plan_activity_add(
    *,
    actor: User,
    plan: Plan,
    goal: Goal | None,
    what: str,
    responsible: Actor,
    when: str,
    due_on: datetime.date | None = None,
) -> Activity:
    """Add an activity (what, who, when). Activities for an actor that needs consent are blocked while
    sharing_decision does not allow it (e.g. after a revocation)."""
    version = _current_version(plan)
    errors: dict = {}
    if goal is not None and goal.version_id != version.pk:
        errors["goal"] = _("Målet hör inte till planens gällande version.")
    if not what.strip():
        errors["what"] = _("Beskriv vad som ska göras.")
    if not when.strip():
        errors["when"] = _("Ange när det ska göras.")
    blocked = consent_block_message(person=version.plan.case.person, actor_obj=responsible, on=_today())
    if blocked:
        errors["responsible"] = blocked
    _fail(errors)
    activity = Activity.objects.create(
        version=version,
        goal=goal,
        what=what.strip(),
        actor=responsible,
        when=when.strip(),
        due_on=due_on,
        created_by=actor,
    )
    _history(actor=actor, instance=activity, case=version.plan.case)
    return activity


@transaction.atomic
def plan_activity_done(*, actor: User, plan: Plan, activity: Activity, done_on: datetime.date) -> Activity:
    """Mark an activity of the current version as done on a date (not in the future, not before the plan
    version was written); it then leaves the to-do lists. Recorded in the change history."""
    version = _current_version(plan)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    errors: dict = {}
    if locked.version_id != version.pk:
        errors["activity"] = _("Aktiviteten hör till en tidigare version av planen.")
    elif locked.done_on is not None:
        errors["activity"] = _("Aktiviteten är redan markerad som klar.")
    _not_future(done_on, "done_on", errors)
    if done_on and done_on < version.plan.case.opened_on:
        errors["done_on"] = _("Datumet kan inte vara före att ärendet aktualiserades.")
    _fail(errors)
    before = history_snapshot(locked)
    locked.done_on = done_on
    locked.save(update_fields=["done_on"])
    _history(actor=actor, instance=locked, case=version.plan.case, before=before)
    return locked


@transaction.atomic
def plan_agreement_record(
    *, actor: User, plan: Plan, custodian: Custodian | None, agreed_on: datetime.date
) -> PlanAgreement:
    """Record that the young person (custodian None) or a custodian agreed to the current version, dated."""
    version = _current_version(plan)
    errors: dict = {}
    if custodian is not None and custodian.person_id != version.plan.case.person_id:
        errors["custodian"] = _("Vårdnadshavaren hör inte till ungdomen.")
    _not_future(agreed_on, "agreed_on", errors)
    if agreed_on and agreed_on < version.created_at.date():
        errors["agreed_on"] = _("Datumet kan inte vara före planversionen skrevs.")
    if PlanAgreement.objects.filter(version=version, custodian=custodian).exists():
        errors["custodian"] = _("Godkännandet är redan registrerat för den här versionen.")
    _fail(errors)
    agreement = PlanAgreement.objects.create(
        version=version, custodian=custodian, agreed_on=agreed_on, recorded_by=actor
    )
    _history(actor=actor, instance=agreement, case=version.plan.case)
    return agreement


@transaction.atomic
def plan_follow_up_schedule(*, actor: User, plan: Plan, due_on: datetime.date) -> FollowUp:
    """Plan a follow-up date for the current version."""
    version = _current_version(plan)
    if due_on is None or due_on < version.plan.case.opened_on:
        raise ValidationError({"due_on": _("Ange ett datum efter att ärendet aktualiserades.")})
    if due_on < _today():
        raise ValidationError({"due_on": _("Uppföljningen kan inte planeras till ett datum som har passerat.")})
    follow_up = FollowUp.objects.create(version=version, due_on=due_on)
    _history(actor=actor, instance=follow_up, case=version.plan.case)
    return follow_up


@transaction.atomic
def plan_follow_up_record(
    *,
    actor: User,
    follow_up: FollowUp,
    held_on: datetime.date,
    note: str,
    attainments: dict[int, tuple[str, str]],
) -> FollowUp:
    """Record a held follow-up meeting with the attainment of every goal of the version."""
    version = _current_version(follow_up.version.plan)
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    errors: dict = {}
    if locked.version_id != version.pk:
        errors["__all__"] = _("Uppföljningen hör till en tidigare version av planen.")
    if locked.held_on:
        errors["__all__"] = _("Uppföljningen är redan registrerad.")
    _not_future(held_on, "held_on", errors)
    goals = list(version.goals.all())
    if not goals:
        errors["__all__"] = _("Planen har inga mål att följa upp.")
    missing = [goal for goal in goals if attainments.get(goal.pk, ("", ""))[0] not in Attainment.values]
    if missing:
        errors["attainments"] = _("Ange måluppfyllelse för varje mål.")
    _fail(errors)
    before = history_snapshot(locked)
    locked.held_on = held_on
    locked.note = note.strip()
    locked.recorded_by = actor
    locked.save(update_fields=["held_on", "note", "recorded_by"])
    _history(actor=actor, instance=locked, case=version.plan.case, before=before)
    rows = GoalAttainment.objects.bulk_create(
        [
            GoalAttainment(follow_up=locked, goal=goal, level=attainments[goal.pk][0], comment=attainments[goal.pk][1])
            for goal in goals
        ]
    )
    for row in rows:
        _history(actor=actor, instance=row, case=version.plan.case)
    return locked


@transaction.atomic
def plan_revise(*, actor: User, plan: Plan, reason: str) -> PlanVersion:
    """Start a new version from the current one. The old version stays as it was and readable; goals,
    activities, participants and not yet held follow-ups are carried over; agreements must be given anew."""
    current = _current_version(plan)
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv varför planen revideras.")})
    before = history_snapshot(current)
    current.superseded_at = timezone.now()
    PlanVersion.objects.filter(pk=current.pk).update(superseded_at=current.superseded_at)
    _history(actor=actor, instance=current, case=current.plan.case, before=before)
    new = PlanVersion.objects.create(
        plan=current.plan,
        number=current.number + 1,
        overall_goal=current.overall_goal,
        follow_up_method=current.follow_up_method,
        created_by=actor,
        revision_reason=reason.strip(),
    )
    goal_map = {}
    for goal in current.goals.all():
        goal_map[goal.pk] = Goal.objects.create(version=new, position=goal.position, text=goal.text)
    Activity.objects.bulk_create(
        [
            Activity(
                version=new,
                goal=goal_map.get(activity.goal_id),
                what=activity.what,
                actor_id=activity.actor_id,
                when=activity.when,
                due_on=activity.due_on,
                done_on=activity.done_on,
                created_by=activity.created_by,
            )
            for activity in current.activities.all()
        ]
    )
    PlanParticipant.objects.bulk_create(
        [
            PlanParticipant(version=new, actor_id=p.actor_id, contact=p.contact, added_on=p.added_on)
            for p in current.participants.all()
        ]
    )
    FollowUp.objects.bulk_create(
        [FollowUp(version=new, due_on=f.due_on) for f in current.follow_ups.filter(held_on__isnull=True)]
    )
    _history(actor=actor, instance=new, case=current.plan.case)
    return new


def plan_consent_flags_record(*, on: datetime.date, flagged_plan_ids: set, all_plan_ids: set) -> int:
    """Store the daily consent flag (the pages compute it live; this keeps a dated trace for the beat job)."""
    changed = Plan.objects.filter(pk__in=flagged_plan_ids, consent_flagged_on__isnull=True).update(
        consent_flagged_on=on
    )
    changed += Plan.objects.filter(pk__in=all_plan_ids - flagged_plan_ids, consent_flagged_on__isnull=False).update(
        consent_flagged_on=None
    )
    return changed
