"""Pure rules of the insatser: no queries, no writes, so pages, services and tests decide the same way.

- avhopp routing (docs/domain.md "Insatser"), years of age or service;
- medling: what still stops a start under § 5 of lag 2002:445, and how long it has waited (§ 6, skyndsamt);
- which insatser record återfall;
- what a purchased insats costs, in all and within a year or half-year (spread over the days of its period).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from cases.identity import age_on
from cases.models import InsatsCode
from interventions.models import (
    Mediation,
    MediationStatus,
    MeetingKind,
    PartyRole,
    PriceUnit,
    ThreatLevel,
)

# återfall: the indicator of effect in the SIG special follow-up
REOFFENCE_INSATSER = (InsatsCode.SIG.value, InsatsCode.AVHOPP.value)

MEDIATION_MIN_AGE = 12

ROUTE_SIG = InsatsCode.SIG.value
ROUTE_FENIX = "fenix"
ROUTE_ADULT = "vuxen"
ROUTE_NONE = ""


@dataclass(frozen=True)
class Routing:
    code: str
    text: str


def avhopp_routing(*, age: int, motivated: bool, threat_level: str) -> Routing:
    """Routing suggestion for an avhoppare (docs/domain.md "Insatser"): 21+ → avdelning vuxen; under 21 with a serious
    (konkret) threat → Fenix; 16+ motivated without a serious threat → SIG; otherwise no suggestion."""
    serious = threat_level == ThreatLevel.CONCRETE
    if age >= 21:
        return Routing(ROUTE_ADULT, _("Avdelning vuxen (21 år eller äldre)."))
    if serious:
        return Routing(ROUTE_FENIX, _("Fenix (under 21 år med allvarlig hotbild)."))
    if age >= 16 and motivated:
        return Routing(
            ROUTE_SIG, _("Sociala insatsgrupper, SIG (16 år eller äldre, motiverad, ingen allvarlig hotbild).")
        )
    if not motivated:
        return Routing(
            ROUTE_NONE, _("Inget förslag: ungdomen bedöms inte som motiverad. Arbeta vidare med motivationen.")
        )
    return Routing(ROUTE_NONE, _("Inget förslag: under 16 år utan allvarlig hotbild. Bedöm inom barn och unga."))


def years_between(start: datetime.date, end: datetime.date) -> int:
    return max(age_on(start, end), 0)


# ---------------------------------------------------------------- medling


def mediation_start_problems(mediation: Mediation, on: datetime.date) -> list[str]:
    """What still stops the mediation from starting (§ 5), in Swedish; empty when it may start."""
    problems = []
    if not mediation.checks_recorded_on:
        problems.append(_("Kontrollerna enligt 5 § är inte registrerade."))
    if not mediation.offender_volunteers:
        problems.append(_("Gärningspersonen har inte bekräftat att hen deltar frivilligt."))
    if not mediation.victim_volunteers:
        problems.append(_("Brottsoffret har inte bekräftat att hen deltar frivilligt."))
    if not mediation.reported_to_police:
        problems.append(_("Brottet är inte anmält till polisen."))
    if not mediation.offender_admitted:
        problems.append(_("Gärningspersonen har inte erkänt gärningen."))
    if not mediation.suitability_assessed:
        problems.append(_("Lämpligheten är inte bedömd."))
    if mediation.case.person.age_on(on) < MEDIATION_MIN_AGE and not mediation.under_12_reason:
        problems.append(_("Gärningspersonen är under 12 år: medling kräver synnerliga skäl, som måste anges."))
    if not any(party.role == PartyRole.VICTIM for party in mediation.parties.all()):
        problems.append(_("Brottsoffret är inte registrerat som part."))
    if mediation.mediator_id is None:
        problems.append(_("Ingen medlare är utsedd."))
    return problems


def mediation_waiting_days(*, mediation: Mediation, opened_on: datetime.date, on: datetime.date) -> int | None:
    """Days the mediation has waited, when it has waited longer than MEDIATION_REMINDER_DAYS without a
    mediation meeting (lag 2002:445 § 6: skyndsamt); else None."""
    if mediation.status == MediationStatus.ENDED:
        return None
    held = any(m.kind == MeetingKind.MEDIATION for m in mediation.meetings.all())
    days = (on - opened_on).days
    if not held and days > settings.MEDIATION_REMINDER_DAYS:
        return days
    return None


# ---------------------------------------------------------------- avhopp: purchased insatser


def _days(start: datetime.date, end: datetime.date) -> int:
    """Days from start to end, both included (0 when end is before start)."""
    return max(0, (end - start).days + 1)


def _month_cost(price: Decimal, start: datetime.date, end: datetime.date) -> Decimal:
    """A monthly price over start..end: each calendar month counts by its share of days (a whole month is one
    price whether it has 28 or 31 days)."""
    total = Decimal(0)
    day = start
    while day <= end:
        month_days = calendar.monthrange(day.year, day.month)[1]
        month_end = min(end, day.replace(day=month_days))
        total += price * _days(day, month_end) / month_days
        day = month_end + datetime.timedelta(days=1)
    return total


def purchase_cost_between(
    *,
    price_unit: str,
    price: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    first: datetime.date,
    last: datetime.date,
) -> Decimal:
    """The part of a purchased insats's cost that falls in first..last (both included), unrounded.

    A price per day or month costs for the days of its period inside the window; a price for the period is
    spread evenly over the period's days (2026-11-15..2027-02-14 is 92 days: 47/92 in 2026, 45/92 in 2027).
    A price for the period with no end date has no days to spread over and counts on its start day."""
    price = Decimal(price)
    if ends_on is None:
        if price_unit != PriceUnit.PERIOD:
            raise ValueError("a price per month or day needs an end date")
        return price if first <= starts_on <= last else Decimal(0)
    start, end = max(starts_on, first), min(ends_on, last)
    if end < start:
        return Decimal(0)
    if price_unit == PriceUnit.DAY:
        return price * _days(start, end)
    if price_unit == PriceUnit.MONTH:
        return _month_cost(price, start, end)
    return price * _days(start, end) / _days(starts_on, ends_on)


def purchase_total(
    *, price_unit: str, price: Decimal, starts_on: datetime.date, ends_on: datetime.date | None
) -> Decimal:
    """The whole period's cost in kronor, rounded to öre (half up)."""
    last = ends_on or starts_on
    total = purchase_cost_between(
        price_unit=price_unit, price=price, starts_on=starts_on, ends_on=ends_on, first=starts_on, last=last
    )
    return total.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def purchase_cost_by_year(
    *, price_unit: str, price: Decimal, starts_on: datetime.date, ends_on: datetime.date | None
) -> dict[int, Decimal]:
    """The cost of a purchased insats per calendar year it falls in (only years with a cost)."""
    years = {}
    for year in range(starts_on.year, (ends_on or starts_on).year + 1):
        cost = purchase_cost_between(
            price_unit=price_unit,
            price=price,
            starts_on=starts_on,
            ends_on=ends_on,
            first=datetime.date(year, 1, 1),
            last=datetime.date(year, 12, 31),
        )
        if cost:
            years[year] = cost
    return years
