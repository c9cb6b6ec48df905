"""Writes for fältverksamhet (no individual cases): field shifts, polare and their nights, områdesinsatser."""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.history import history_snapshot
from core.models import District, User
from interventions.models import (
    AreaEffort,
    AreaEffortExtension,
    FieldEvent,
    FieldEventKind,
    FieldLogEntry,
    FieldShift,
    Polare,
    PolareNight,
    PolareNightStatus,
)
from interventions.selectors.field_work import polare_fee_for
from interventions.services.common import (
    correct_row,
    duplicate_check,
    fail,
    history,
    ids_text,
    not_future,
    reason_check,
    remove_row,
    today,
)

AREA_EFFORT_MAX_WEEKS = 12


# ---------------------------------------------------------------- Fältverksamhet


def _field_shift_errors(
    *, actor: User, worked_on, area: str, staff: list[User], youths_met, youths_talked, starts_at=None, ends_at=None
) -> dict:
    errors: dict = {}
    if (starts_at is None) != (ends_at is None):
        errors["ends_at" if ends_at is None else "starts_at"] = _("Ange både när passet började och slutade.")
    elif starts_at is not None and starts_at == ends_at:
        errors["ends_at"] = _("Passet kan inte sluta samma minut som det började.")
    if actor.unit_id is None:
        errors["__all__"] = _("Du måste tillhöra en enhet.")
    not_future(worked_on, "worked_on", errors)
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


def _unit_id(actor: User) -> int:
    """The actor's unit: field work always belongs to one (a user without a unit gets a Swedish refusal)."""
    if actor.unit_id is None:
        raise ValidationError({"__all__": _("Du måste tillhöra en enhet.")})
    return actor.unit_id


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
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    confirm_duplicate: bool = False,
) -> FieldShift:
    """Log one field shift for the actor's unit (numbers only, no named youths); a shift exactly like one
    already logged (date, place and numbers) needs confirming."""
    errors = _field_shift_errors(
        actor=actor,
        worked_on=worked_on,
        area=area,
        staff=staff,
        youths_met=youths_met,
        youths_talked=youths_talked,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    if not errors:
        duplicate_check(
            _same_shift(actor.unit_id, worked_on, district, area, youths_met, youths_talked),
            confirm=confirm_duplicate,
            errors=errors,
        )
    fail(errors)
    shift = FieldShift.objects.create(
        unit_id=_unit_id(actor),
        worked_on=worked_on,
        starts_at=starts_at,
        ends_at=ends_at,
        district=district,
        area=area.strip(),
        youths_met=youths_met,
        youths_talked=youths_talked,
        notes=notes.strip(),
        recorded_by=actor,
    )
    shift.staff.set(staff)
    history(actor=actor, instance=shift, case=None, extra={"staff": [None, ids_text(staff)]})
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
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    change_reason: str,
    confirm_duplicate: bool = False,
) -> FieldShift:
    """Correct a logged field shift of the actor's unit (date, place, staff, numbers), with a reason."""
    row = _lock_unit_row(FieldShift, shift, actor)
    errors = _field_shift_errors(
        actor=actor,
        worked_on=worked_on,
        area=area,
        staff=staff,
        youths_met=youths_met,
        youths_talked=youths_talked,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    reason_check(change_reason, errors)
    if not errors:
        duplicate_check(
            _same_shift(row.unit_id, worked_on, district, area, youths_met, youths_talked),
            confirm=confirm_duplicate,
            errors=errors,
            exclude_pk=row.pk,
        )
    fail(errors)
    old_staff, new_staff = ids_text(row.staff.all()), ids_text(staff)
    values = {
        "worked_on": worked_on,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "district": district,
        "area": area.strip(),
        "youths_met": youths_met,
        "youths_talked": youths_talked,
        "notes": notes.strip(),
    }
    return correct_row(
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
    remove_row(
        row, actor=actor, change_reason=change_reason, case=None, extra={"staff": [ids_text(row.staff.all()), None]}
    )


@transaction.atomic
def polare_add(*, actor: User, name: str, birth_date: datetime.date, service_started_on: datetime.date) -> Polare:
    """Add a polare to the actor's unit's roster."""
    errors: dict = {}
    if not name.strip():
        errors["name"] = _("Ange namn.")
    not_future(birth_date, "birth_date", errors)
    if birth_date and service_started_on and service_started_on < birth_date:
        errors["service_started_on"] = _("Datumet kan inte vara före födelsedatumet.")
    fail(errors)
    polare = Polare.objects.create(
        unit_id=_unit_id(actor), name=name.strip(), birth_date=birth_date, service_started_on=service_started_on
    )
    history(actor=actor, instance=polare, case=None)
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
    fail(errors)
    # A night booked after the fact is recorded as worked; tonight and later are planned until marked.
    status = PolareNightStatus.WORKED if worked_on < today() else PolareNightStatus.PLANNED
    assert fee is not None  # a missing fee table level is refused above (fail raises); narrows the type
    night = PolareNight.objects.create(polare=polare, worked_on=worked_on, fee=fee, status=status)
    history(actor=actor, instance=night, case=None)
    return night


@transaction.atomic
def polare_night_set_status(*, actor: User, night: PolareNight, status: str) -> PolareNight:
    """Mark a night on the roster worked or cancelled (or planned again); only worked nights count in fees and
    figures, so a night cannot be marked worked before it has begun."""
    row = _lock_unit_row(PolareNight, night, actor)
    errors: dict = {}
    if status not in PolareNightStatus.values:
        errors["status"] = _("Välj planerad, arbetad eller inställd.")
    elif status == row.status:
        errors["status"] = _("Kvällen har redan den statusen.")
    elif status == PolareNightStatus.WORKED and row.worked_on > today():
        errors["status"] = _("En kväll som inte har varit än kan inte markeras som arbetad.")
    fail(errors)
    before = history_snapshot(row)
    row.status = status
    row.save(update_fields=["status"])
    history(actor=actor, instance=row, case=None, before=before)
    return row


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
    elif row.status == PolareNightStatus.WORKED and worked_on and worked_on > today():
        errors["worked_on"] = _("En arbetad kväll kan inte flyttas till ett datum som inte har varit än.")
    reason_check(change_reason, errors)
    fail(errors)
    return correct_row(row, {"worked_on": worked_on, "fee": fee}, actor=actor, change_reason=change_reason)


@transaction.atomic
def polare_night_remove(*, actor: User, night: PolareNight, change_reason: str) -> None:
    """Take a night off the roster (booked by mistake or not worked); the history keeps it and why."""
    row = _lock_unit_row(PolareNight, night, actor)
    remove_row(row, actor=actor, change_reason=change_reason, case=None)


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
        duplicate_check(
            AreaEffort.objects.filter(unit_id=_unit_id(actor), district=district, starts_on=starts_on, weeks=weeks),
            confirm=confirm_duplicate,
            errors=errors,
        )
    fail(errors)
    effort = AreaEffort.objects.create(
        unit_id=_unit_id(actor),
        district=district,
        reason=reason.strip(),
        starts_on=starts_on,
        weeks=weeks,
        ends_on=starts_on + datetime.timedelta(weeks=weeks),
        created_by=actor,
    )
    history(actor=actor, instance=effort, case=None)
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
    if locked.ends_on < today():
        errors["__all__"] = _("Insatsen har redan slutat; starta en ny områdesinsats i stället.")
    fail(errors)
    new_end = locked.ends_on + datetime.timedelta(weeks=weeks)
    extension = AreaEffortExtension.objects.create(
        effort=locked,
        weeks=weeks,
        previous_ends_on=locked.ends_on,
        new_ends_on=new_end,
        reason=reason.strip(),
        created_by=actor,
    )
    history(actor=actor, instance=extension, case=None)
    before = history_snapshot(locked)
    locked.ends_on = new_end
    locked.save(update_fields=["ends_on"])
    history(actor=actor, instance=locked, case=None, before=before)
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
    reason_check(change_reason, errors)
    fail(errors)
    extended = sum(extension.weeks for extension in row.extensions.all())
    values = {
        "district": district,
        "starts_on": starts_on,
        "weeks": weeks,
        "ends_on": starts_on + datetime.timedelta(weeks=weeks + extended),
        "reason": reason.strip(),
    }
    return correct_row(row, values, actor=actor, change_reason=change_reason)


@transaction.atomic
def area_effort_remove(*, actor: User, effort: AreaEffort, change_reason: str) -> None:
    """Remove an områdesinsats started by mistake, with its extensions; the history keeps it and why."""
    row = _lock_unit_row(AreaEffort, effort, actor)
    remove_row(row, actor=actor, change_reason=change_reason, case=None, rows=row.extensions.all())


# ---------------------------------------------------------------- the phone's field log (offline queue)

LOG_KEYS = {"key", "worked_on", "starts_at", "ends_at", "areas", "events", "polare", "area_effort"}
AREA_KEYS = {"district", "from", "met", "talked"}
EVENT_KEYS = {"kind", "district", "place", "at", "note"}
EVENT_NOTE_MAX = 500


def _unknown_keys(value, allowed: set[str], where: str) -> None:
    """The log takes only what the app sends: anything else (a position above all) is refused, not ignored."""
    if not isinstance(value, dict):
        raise ValidationError({where: _("Felaktigt format.")}, code="format")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ValidationError(
            {where: _("Okända uppgifter: %(keys)s.") % {"keys": ", ".join(unknown)}}, code="unknown_keys"
        )


def _parse(parser, text, field: str, errors: dict):
    try:
        return parser(text) if text not in (None, "") else None
    except (TypeError, ValueError):
        errors[field] = _("Felaktigt värde.")
        return None


def _count(value, field: str, errors: dict) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        errors[field] = _("Ange ett antal (0 eller fler).")
        return 0
    return value


def _district(value, field: str, errors: dict, *, unit_id: int | None) -> District | None:
    if value is None:
        return None
    known = District.objects.of_unit(unit_id)  # the phone offers the unit's municipality's districts only
    district = known.filter(pk=value).first() if isinstance(value, int) else None
    if district is None:
        errors[field] = _("Okänt område.")
    return district


def _clean_log(actor: User, payload) -> dict:
    """Check a log entry from the phone: known keys only, dates and times, districts, counters, events."""
    _unknown_keys(payload, LOG_KEYS, "__all__")
    errors: dict = {}
    key = _parse(uuid.UUID, payload.get("key"), "key", errors)
    if key is None:
        errors["key"] = _("Posten saknar nyckel.")
    worked_on = _parse(datetime.date.fromisoformat, payload.get("worked_on"), "worked_on", errors)
    if worked_on is None:
        errors.setdefault("worked_on", _("Ange datum."))
    not_future(worked_on, "worked_on", errors)
    starts_at = _parse(datetime.time.fromisoformat, payload.get("starts_at"), "starts_at", errors)
    ends_at = _parse(datetime.time.fromisoformat, payload.get("ends_at"), "ends_at", errors)
    if starts_at is None or ends_at is None:
        errors.setdefault("ends_at", _("Ange när passet började och slutade."))
    areas = []
    for index, area in enumerate(payload.get("areas") or []):
        _unknown_keys(area, AREA_KEYS, f"areas.{index}")
        district = _district(area.get("district"), f"areas.{index}.district", errors, unit_id=actor.unit_id)
        if district is None:
            errors.setdefault(f"areas.{index}.district", _("Välj område."))
        met = _count(area.get("met"), f"areas.{index}.met", errors)
        talked = _count(area.get("talked"), f"areas.{index}.talked", errors)
        if talked > met:
            errors[f"areas.{index}.talked"] = _("Fler samtal än mötta ungdomar går inte ihop.")
        arrived = _parse(datetime.time.fromisoformat, area.get("from"), f"areas.{index}.from", errors)
        areas.append({"district": district, "from": arrived or starts_at, "met": met, "talked": talked})
    if not areas:
        errors["areas"] = _("Ange minst ett område ni besökte.")
    events = []
    for index, event in enumerate(payload.get("events") or []):
        _unknown_keys(event, EVENT_KEYS, f"events.{index}")
        if event.get("kind") not in FieldEventKind.values:
            errors[f"events.{index}.kind"] = _("Välj typ av händelse.")
        note = event.get("note") or ""
        if not isinstance(note, str) or len(note) > EVENT_NOTE_MAX:
            errors[f"events.{index}.note"] = _("Anteckningen får vara högst 500 tecken.")
            note = ""
        place = event.get("place") or ""
        if not isinstance(place, str) or len(place) > 200:
            errors[f"events.{index}.place"] = _("Platsen får vara högst 200 tecken.")
            place = ""
        events.append(
            {
                "kind": event.get("kind"),
                "district": _district(event.get("district"), f"events.{index}.district", errors, unit_id=actor.unit_id),
                "place": place.strip(),
                "note": note.strip(),
                "occurred_at": _parse(datetime.time.fromisoformat, event.get("at"), f"events.{index}.at", errors),
            }
        )
    polare_ids = payload.get("polare") or []
    polare = list(Polare.objects.filter(unit_id=_unit_id(actor), active=True, pk__in=polare_ids))
    if len(polare) != len(set(polare_ids)):
        errors["polare"] = _("Okänd polare.")
    effort = None
    if payload.get("area_effort") is not None:
        effort = AreaEffort.objects.filter(unit_id=_unit_id(actor), pk=payload.get("area_effort")).first()
        if effort is None:
            errors["area_effort"] = _("Okänd områdesinsats.")
    fail(errors)
    return {
        "key": key,
        "worked_on": worked_on,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "areas": areas,
        "events": events,
        "polare": polare,
        "area_effort": effort,
    }


def _log_result(entry: FieldLogEntry) -> dict:
    shifts = list(entry.shifts.order_by("starts_at", "pk"))
    return {"key": str(entry.key), "shifts": [shift.pk for shift in shifts]}


def _polare_worked(actor: User, polare: Polare, worked_on: datetime.date) -> None:
    """A polare out on the logged shift worked that night: book it if it was not on the roster, then mark it."""
    night = PolareNight.objects.filter(polare=polare, worked_on=worked_on).first()
    if night is None:
        night = polare_night_book(actor=actor, polare=polare, worked_on=worked_on)
    if night.status != PolareNightStatus.WORKED:
        polare_night_set_status(actor=actor, night=night, status=PolareNightStatus.WORKED)


def field_log_sync(*, actor: User, payload) -> tuple[dict, bool]:
    """Record one entry queued on the phone: a shift with the districts visited in time order (each district
    from its arrival to the next one, or to the end of the shift, is one logged shift row with its counters),
    its events and polare. The key the phone made is stored with a unique constraint: a resend returns the
    first result and `False` (nothing written). Returns (result, created)."""
    _unit_id(actor)  # refused before anything is read or written
    if isinstance(payload, dict) and payload.get("key"):
        done = _log_entry_done(payload.get("key"))
        if done is not None:
            return done
    try:
        return _field_log_write(actor=actor, payload=payload), True
    except IntegrityError:  # the same key arrived twice at once: the other request wrote it
        done = _log_entry_done(payload.get("key"))
        if done is None:
            raise
        return done


def _log_entry_done(key) -> tuple[dict, bool] | None:
    try:
        entry = FieldLogEntry.objects.filter(key=uuid.UUID(str(key))).first()
    except ValueError:
        return None
    return (_log_result(entry), False) if entry else None


@transaction.atomic
def _field_log_write(*, actor: User, payload) -> dict:
    clean = _clean_log(actor, payload)
    entry = FieldLogEntry.objects.create(key=clean["key"], unit_id=_unit_id(actor), recorded_by=actor)
    areas = clean["areas"]
    shifts = []
    for index, area in enumerate(areas):
        ends_at = areas[index + 1]["from"] if index + 1 < len(areas) else clean["ends_at"]
        shift = field_shift_record(
            actor=actor,
            worked_on=clean["worked_on"],
            district=area["district"],
            area=area["district"].name,
            staff=[actor],
            youths_met=area["met"],
            youths_talked=area["talked"],
            starts_at=area["from"],
            ends_at=ends_at if ends_at != area["from"] else clean["ends_at"],
            confirm_duplicate=True,  # the key, not the values, tells a resend from a second shift
        )
        if clean["area_effort"] is not None:
            before = history_snapshot(shift)
            shift.area_effort = clean["area_effort"]
            shift.save(update_fields=["area_effort"])
            history(actor=actor, instance=shift, case=None, before=before)
        shifts.append(shift)
    for event in clean["events"]:
        district = event.pop("district")
        home = next((s for s in shifts if district is not None and s.district_id == district.pk), shifts[0])
        row = FieldEvent.objects.create(
            shift=home,
            place=event["place"] or (district.name if district else ""),
            **{k: v for k, v in event.items() if k != "place"},
        )
        history(actor=actor, instance=row, case=None)
    for polare in clean["polare"]:
        _polare_worked(actor, polare, clean["worked_on"])
    entry.shifts.set(shifts)
    history(actor=actor, instance=entry, case=None, extra={"shifts": [None, ids_text(shifts)]})
    return _log_result(entry)
