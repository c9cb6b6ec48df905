"""Reads for avhopp: återfall of a case, purchased insatser (per year over the visible cases, one for correction)."""

from django.db.models import (
    Count,
    Sum,
)
from django.db.models.functions import ExtractYear
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


def reoffences_for_case(*, case: Case) -> list[Reoffence]:
    """Återfall recorded on a case already fetched through case_for_insats, with who recorded them."""
    return list(Reoffence.objects.filter(case=case).select_related("recorded_by"))


# ---------------------------------------------------------------- unit-level lists


def purchased_costs_per_year(*, user: User) -> list[dict]:
    """Avhopp: purchased insatser summed per year over the cases the user may see (aggregated in SQL)."""
    return list(
        PurchasedService.objects.filter(case__in=case_queryset_for_user(user))
        .annotate(year=ExtractYear("starts_on"))
        .values("year")
        .annotate(total=Sum("cost"), services=Count("id"), cases=Count("case", distinct=True))
        .order_by("-year")
    )


def purchase_get(*, case: Case, purchase_id: int) -> PurchasedService:
    """A purchased insats of a case already fetched through case_for_insats (else 404)."""
    purchase = PurchasedService.objects.filter(case=case, pk=purchase_id).first()
    if purchase is None:
        raise Http404
    purchase.case = case
    return purchase
