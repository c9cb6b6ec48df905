"""Reads for ungdomstjänst. A read that a form's action needs raises ValidationError when it finds nothing,
with the Swedish message the form shows."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from cases.models import Case
from interventions.models import (
    CommunityServiceOrder,
    CommunityServiceSession,
)


def community_service_order_for_case(*, case: Case) -> CommunityServiceOrder:
    """The ungdomstjänst of a case already fetched through case_for_insats; ValidationError while the
    judgment is not registered (workplaces, hours and the end need it)."""
    order = CommunityServiceOrder.objects.filter(case=case).first()
    if order is None:
        raise ValidationError(_("Registrera först domen/beslutet om ungdomstjänst."))
    order.case = case
    return order


# ---------------------------------------------------------------- one recorded row, for correction


def session_get(*, case: Case, session_id: int) -> CommunityServiceSession:
    """An occasion of the ungdomstjänst of a case already fetched through case_for_insats (else 404)."""
    row = CommunityServiceSession.objects.select_related("order", "workplace").filter(order__case=case, pk=session_id)
    session = row.first()
    if session is None:
        raise Http404
    session.order.case = case
    return session


def community_service_performed_hours(order: CommunityServiceOrder) -> Decimal:
    """Hours performed so far (summed in the database)."""
    return order.sessions.aggregate(total=Sum("hours"))["total"] or Decimal("0")
