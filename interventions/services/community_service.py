"""Writes for ungdomstjänst: the judgment, workplaces, performed hours (corrected or removed with a reason)
and the end."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from cases.models import Case, InsatsCode
from core import formats
from core.concurrency import version_check_and_bump
from core.history import history_snapshot
from core.models import User
from interventions.models import (
    CS_MAX_HOURS,
    CS_MIN_HOURS,
    CommunityServiceOrder,
    CommunityServiceSession,
    CommunityServiceStatus,
    CommunityServiceWorkplace,
)
from interventions.selectors.community_service import community_service_performed_hours
from interventions.services.common import (
    correct_row,
    duplicate_check,
    fail,
    history,
    lock_case,
    not_future,
    reason_check,
    remove_row,
)

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
    expected_version: int | None = None,
) -> CommunityServiceOrder:
    """Record or correct the order of an ungdomstjänst case (20–150 hours) while it is ongoing. A correction
    names the version it started from (the form carries it): EditConflict when someone saved in between,
    also when the order was registered by someone else after this user's form was shown (no version)."""
    locked = lock_case(case, InsatsCode.COMMUNITY_SERVICE)
    errors: dict = {}
    if ordered_hours is None or not CS_MIN_HOURS <= ordered_hours <= CS_MAX_HOURS:
        errors["ordered_hours"] = _("Ungdomstjänst döms ut i %(min)s–%(max)s timmar.") % {
            "min": CS_MIN_HOURS,
            "max": CS_MAX_HOURS,
        }
    not_future(judgment_on, "judgment_on", errors)
    order = CommunityServiceOrder.objects.select_for_update().filter(case=locked).first()
    if order and order.status != CommunityServiceStatus.ONGOING:
        errors["__all__"] = _("Ungdomstjänsten är avslutad och kan inte ändras.")
    if order and ordered_hours is not None and "ordered_hours" not in errors:
        performed = community_service_performed_hours(order)
        if performed > ordered_hours:
            errors["ordered_hours"] = _("Det är redan utfört %(done)s timmar; ange minst så många.") % {
                "done": formats.quantity(performed)
            }
    if order:
        version_check_and_bump(
            instance=order,
            expected_version=0 if expected_version is None else expected_version,
            submitted={
                "ordered_hours": ordered_hours,
                "judgment_on": judgment_on,
                "issued_by": issued_by.strip(),
                "report_to": report_to.strip(),
                "supervisor_name": supervisor_name.strip(),
                "supervisor_phone": supervisor_phone.strip(),
            },
        )
    fail(errors)
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
    history(actor=actor, instance=order, case=locked, before=before)
    return order


def _lock_order(order: CommunityServiceOrder) -> CommunityServiceOrder:
    lock_case(order.case)
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
    history(actor=actor, instance=workplace, case=order.case)
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
    not_future(performed_on, "performed_on", errors)
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
        other_hours=community_service_performed_hours(locked),
    )
    if not errors:
        duplicate_check(_same_session(locked, workplace, performed_on, hours), confirm=confirm_duplicate, errors=errors)
    fail(errors)
    session = CommunityServiceSession.objects.create(
        order=locked, workplace=workplace, performed_on=performed_on, hours=hours, note=note.strip(), recorded_by=actor
    )
    history(actor=actor, instance=session, case=locked.case)
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
    reason_check(change_reason, errors)
    if not errors:
        duplicate_check(
            _same_session(locked, workplace, performed_on, hours),
            confirm=confirm_duplicate,
            errors=errors,
            exclude_pk=row.pk,
        )
    fail(errors)
    values = {"workplace": workplace, "performed_on": performed_on, "hours": hours, "note": note.strip()}
    return correct_row(row, values, actor=actor, change_reason=change_reason, case=locked.case)


@transaction.atomic
def community_service_session_remove(*, actor: User, session: CommunityServiceSession, change_reason: str) -> None:
    """Remove an occasion recorded by mistake from an ongoing ungdomstjänst; the history keeps it and why."""
    locked = _lock_order(session.order)
    row = CommunityServiceSession.objects.select_for_update().get(pk=session.pk, order=locked)
    remove_row(row, actor=actor, change_reason=change_reason, case=locked.case)


@transaction.atomic
def community_service_assessment_set(
    *, actor: User, order: CommunityServiceOrder, assessment: str, expected_version: int | None = None
) -> CommunityServiceOrder:
    """Write the assessment the report to åklagare/domstol prints, naming the version the form started from
    (EditConflict when someone saved in between). Unlike the other writes it is allowed after the
    ungdomstjänst and the case have ended: the report, and so its assessment, usually follows the end."""
    case = Case.objects.select_for_update().get(pk=order.case_id)  # the case first, in the other writes' order
    locked = CommunityServiceOrder.objects.select_for_update().get(pk=order.pk, case=case)
    before = history_snapshot(locked)
    text = assessment.strip()
    version_check_and_bump(instance=locked, expected_version=expected_version, submitted={"assessment": text})
    locked.assessment = text
    locked.save(update_fields=["assessment", "version"])
    history(actor=actor, instance=locked, case=case, before=before)
    return locked


@transaction.atomic
def community_service_end(
    *, actor: User, order: CommunityServiceOrder, status: str, ended_on: datetime.date, note: str = ""
) -> CommunityServiceOrder:
    """Mark an ungdomstjänst as fullgjord (all ordered hours performed) or avbruten (with a reason)."""
    locked = _lock_order(order)
    errors: dict = {}
    if status == CommunityServiceStatus.COMPLETED:
        performed = community_service_performed_hours(locked)
        if performed < locked.ordered_hours:
            errors["status"] = _(
                "Ungdomstjänsten kan inte markeras som fullgjord: %(done)s av %(hours)s timmar är utförda."
            ) % {"done": formats.quantity(performed), "hours": formats.quantity(locked.ordered_hours)}
    elif status == CommunityServiceStatus.INTERRUPTED:
        if not note.strip():
            errors["note"] = _("Skriv varför ungdomstjänsten avbröts.")
    else:
        errors["status"] = _("Välj fullgjord eller avbruten.")
    not_future(ended_on, "ended_on", errors)
    if ended_on and ended_on < locked.judgment_on:
        errors["ended_on"] = _("Datumet kan inte vara före domen.")
    fail(errors)
    before = history_snapshot(locked)
    locked.status = status
    locked.ended_on = ended_on
    locked.end_note = note.strip()
    locked.save(update_fields=["status", "ended_on", "end_note"])
    history(actor=actor, instance=locked, case=order.case, before=before)
    return locked
