"""Reads for avhopp: återfall of a case, purchased insatser (per year over the visible cases, one for correction)."""

from collections import defaultdict
from decimal import Decimal

from django.http import Http404

from cases.models import Case
from cases.selectors import (
    case_queryset_for_user,
)
from core.models import User
from interventions.models import (
    PurchasedService,
    Reoffence,
)
from interventions.rules import purchase_cost_by_year


def reoffences_for_case(*, case: Case) -> list[Reoffence]:
    """Återfall recorded on a case already fetched through case_for_insats, with who recorded them."""
    return list(Reoffence.objects.filter(case=case).select_related("recorded_by"))


# ---------------------------------------------------------------- unit-level lists


def purchased_costs_per_year(*, user: User) -> list[dict]:
    """Avhopp: purchased insatser per year over the cases the user may see; each purchase's cost is spread over
    the days of its period (interventions.rules), so a placement over new year counts in both years. A year's
    row counts the purchases and cases with a cost in it."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    services: dict[int, int] = defaultdict(int)
    cases: dict[int, set] = defaultdict(set)
    purchases = PurchasedService.objects.filter(case__in=case_queryset_for_user(user)).values_list(
        "case_id", "price_unit", "price", "starts_on", "ends_on"
    )
    for case_id, price_unit, price, starts_on, ends_on in purchases.iterator():
        per_year = purchase_cost_by_year(price_unit=price_unit, price=price, starts_on=starts_on, ends_on=ends_on)
        for year, cost in per_year.items():
            totals[year] += cost
            services[year] += 1
            cases[year].add(case_id)
    return [
        {"year": year, "total": totals[year], "services": services[year], "cases": len(cases[year])}
        for year in sorted(totals, reverse=True)
    ]


def purchase_get(*, case: Case, purchase_id: int) -> PurchasedService:
    """A purchased insats of a case already fetched through case_for_insats (else 404)."""
    purchase = PurchasedService.objects.filter(case=case, pk=purchase_id).first()
    if purchase is None:
        raise Http404
    purchase.case = case
    return purchase
