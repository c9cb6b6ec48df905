"""Writes for särskilt kvalificerad kontaktperson (SKK)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, InsatsCode
from core.history import history_snapshot
from core.models import User
from interventions.models import (
    SkkAssignment,
)
from interventions.services.common import fail, history, lock_case, not_future

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
    locked = lock_case(case, InsatsCode.SKK)
    errors: dict = {}
    if not contact_person.strip():
        errors["contact_person"] = _("Ange kontaktpersonen.")
    if hours_per_month is None or hours_per_month <= 0:
        errors["hours_per_month"] = _("Ange antal timmar per månad.")
    not_future(decided_on, "decided_on", errors)
    if ends_on and decided_on and ends_on < decided_on:
        errors["ends_on"] = _("Slutdatum kan inte vara före beslutet.")
    fail(errors)
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
    history(actor=actor, instance=assignment, case=locked, before=before)
    return assignment
