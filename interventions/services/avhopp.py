"""Writes for avhopp: threat and motivation assessments, purchased insatser (corrected or removed with a reason)
and återfall (also recorded on SIG cases: the indicator of effect in the SIG special follow-up)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.models import Case, InsatsCode
from core.models import User
from decisions.rules import insats_start_problem
from interventions.models import (
    DefectorAssessment,
    PriceUnit,
    PurchasedService,
    Reoffence,
    ReoffenceKind,
)
from interventions.rules import REOFFENCE_INSATSER, purchase_total
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

# ---------------------------------------------------------------- Avhopp


@transaction.atomic
def defector_assess(
    *, actor: User, case: Case, assessed_on: datetime.date, threat_level: str, motivated: bool, note: str = ""
) -> DefectorAssessment:
    """Record a hotbild and motivation assessment; history is kept, the newest counts."""
    locked = lock_case(case, InsatsCode.AVHOPP)
    errors: dict = {}
    not_future(assessed_on, "assessed_on", errors)
    fail(errors)
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
    history(actor=actor, instance=assessment, case=locked)
    return assessment


def _purchase_errors(*, provider: str, starts_on, ends_on, price_unit: str, price) -> dict:
    errors: dict = {}
    if not provider.strip():
        errors["provider"] = _("Ange leverantör.")
    if price is None or price < 0:
        errors["price"] = _("Ange priset i kronor.")
    if price_unit not in PriceUnit.values:
        errors["price_unit"] = _("Välj om priset gäller hela perioden, per månad eller per dygn.")
    elif price_unit != PriceUnit.PERIOD and not ends_on:
        errors["ends_on"] = _(
            "Ange slutdatum: ett pris per månad eller dygn ger en kostnad först när perioden är känd."
        )
    if ends_on and starts_on and ends_on < starts_on:
        errors["ends_on"] = _("Slutdatum kan inte vara före startdatum.")
    return errors


def _same_purchase(case, kind, provider, starts_on, ends_on, price_unit, price) -> QuerySet:
    return PurchasedService.objects.filter(
        case=case,
        kind=kind,
        provider__iexact=provider.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        price_unit=price_unit,
        price=price,
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
    price: Decimal,
    price_unit: str = PriceUnit.PERIOD,
    note: str = "",
    confirm_duplicate: bool = False,
) -> PurchasedService:
    """Record a purchased insats (skyddat boende, behandling …) with its provider, period and price (for the
    period, per month or per day; the period's cost follows from them); one exactly like a purchase already
    recorded (same kind, provider, period and price) needs confirming."""
    locked = lock_case(case, InsatsCode.AVHOPP)
    errors = _purchase_errors(
        provider=provider, starts_on=starts_on, ends_on=ends_on, price_unit=price_unit, price=price
    )
    if starts_on and (no_decision := insats_start_problem(case=locked, on_date=starts_on)):
        errors.setdefault("starts_on", no_decision)  # bistånd: not before its beslut (decisions.rules)
    if not errors:
        duplicate_check(
            _same_purchase(locked, kind, provider, starts_on, ends_on, price_unit, price),
            confirm=confirm_duplicate,
            errors=errors,
        )
    fail(errors)
    service = PurchasedService(
        case=locked,
        kind=kind,
        provider=provider.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        price_unit=price_unit,
        price=price,
        cost=purchase_total(price_unit=price_unit, price=price, starts_on=starts_on, ends_on=ends_on),
        note=note.strip(),
        recorded_by=actor,
    )
    service.full_clean()
    service.save()
    history(actor=actor, instance=service, case=locked)
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
    price: Decimal,
    price_unit: str = PriceUnit.PERIOD,
    note: str = "",
    change_reason: str,
    confirm_duplicate: bool = False,
) -> PurchasedService:
    """Correct a purchased insats (e.g. the price on the final invoice) on an open avhopp case, with a reason."""
    locked = lock_case(service.case, InsatsCode.AVHOPP)
    row = PurchasedService.objects.select_for_update().get(pk=service.pk, case=locked)
    errors = _purchase_errors(
        provider=provider, starts_on=starts_on, ends_on=ends_on, price_unit=price_unit, price=price
    )
    reason_check(change_reason, errors)
    if not errors:
        duplicate_check(
            _same_purchase(locked, kind, provider, starts_on, ends_on, price_unit, price),
            confirm=confirm_duplicate,
            errors=errors,
            exclude_pk=row.pk,
        )
    fail(errors)
    values = {
        "kind": kind,
        "provider": provider.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "price_unit": price_unit,
        "price": price,
        "cost": purchase_total(price_unit=price_unit, price=price, starts_on=starts_on, ends_on=ends_on),
        "note": note.strip(),
    }
    return correct_row(row, values, actor=actor, change_reason=change_reason, case=locked, full_clean=True)


@transaction.atomic
def purchased_service_remove(*, actor: User, service: PurchasedService, change_reason: str) -> None:
    """Remove a purchase recorded by mistake (e.g. twice) from an open avhopp case; the history keeps it and why."""
    locked = lock_case(service.case, InsatsCode.AVHOPP)
    row = PurchasedService.objects.select_for_update().get(pk=service.pk, case=locked)
    remove_row(row, actor=actor, change_reason=change_reason, case=locked)


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
    locked = lock_case(case)
    if locked.insats_type.code not in REOFFENCE_INSATSER:
        raise ValidationError(_("Återfall registreras bara för SIG och avhopp."), code="insats")
    errors: dict = {}
    if noted_on is None:
        errors["noted_on"] = _("Ange när återfallet blev känt.")
    not_future(noted_on, "noted_on", errors)
    not_future(offence_on, "offence_on", errors)
    if kind not in ReoffenceKind.values:
        errors["kind"] = _("Välj vilken typ av uppgift det gäller.")
    if offence_on and noted_on and offence_on > noted_on and "offence_on" not in errors:
        errors["offence_on"] = _("Brottsdatum kan inte vara efter datumet då återfallet blev känt.")
    fail(errors)
    reoffence = Reoffence(
        case=locked, noted_on=noted_on, offence_on=offence_on, kind=kind, note=note.strip(), recorded_by=actor
    )
    reoffence.full_clean()
    reoffence.save()
    history(actor=actor, instance=reoffence, case=locked)
    return reoffence
