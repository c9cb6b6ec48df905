"""Access to a case or plan for the insats pages: through cases.selectors (permissions applied, 404 when not
visible), access-logged as a view or a print."""

from uuid import UUID

from django.db.models import (
    prefetch_related_objects,
)
from django.http import Http404, HttpRequest

from cases.models import Case
from cases.selectors import (
    case_get_for_user,
)
from core.access_log import Seen, access_log_record
from core.models import AccessAction, User
from interventions.models import (
    Plan,
)

# ---------------------------------------------------------------- case access


def case_for_insats(*, user: User, case_id: UUID, request: HttpRequest | None, what: str) -> Case:
    """A case the user may see (else 404), logged once, with custodians loaded for consent and plans."""
    case = case_get_for_user(user=user, case_id=case_id, request=request, what=what)
    # custodians drive consent and agreements; loading them once keeps later queries constant
    prefetch_related_objects([case.person], "custodians")
    return case


def case_for_print(*, user: User, case_id: UUID, request: HttpRequest | None, what: str) -> Case:
    """A case the user may see (else 404) for a PDF: the print is access-logged as PRINT."""
    case = case_get_for_user(user=user, case_id=case_id, request=request, log=False)
    prefetch_related_objects([case.person], "custodians")
    access_log_record(
        user=user,
        request=request,
        action=AccessAction.PRINT,
        what=what,
        seen=[
            Seen(
                person_id=case.person.pk,
                case_id=case.pk,
                protected_identity=case.person.is_protected and case.person.identity_visible,
            )
        ],
    )
    return case


def plan_get_for_user(
    *, user: User, plan_id: UUID, request: HttpRequest | None, what: str = "plan", printing: bool = False
) -> Plan:
    """A plan whose case the user may see (else 404); the view (or print) is access-logged."""
    plan = Plan.objects.select_related("coordinator").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    fetch = case_for_print if printing else case_for_insats
    plan.case = fetch(user=user, case_id=plan.case_id, request=request, what=what)
    return plan
