"""Planering and the enhetschef's caseload page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from core.policy import access_policy
from interventions import selectors, todo
from interventions.views.common import require_perm

# ---------------------------------------------------------------- planning view


@access_policy("case")
@login_required
def planning(request):
    """Planering: the to-do counts of every responsible user on the open cases the user may see, and one page of
    their list: everyone's, only the user's own (`visa=mina`, as on Mina ärenden) or one person's (`ansvarig`)."""
    require_perm(request.user, "interventions.view_plan")
    only_mine = request.GET.get("visa") == "mina"
    try:
        owner_id = request.user.pk if only_mine else int(request.GET["ansvarig"])
    except KeyError:
        owner_id = None
    except ValueError:
        raise Http404 from None
    today = timezone.localdate()
    planning = selectors.planning_for_user(
        user=request.user, on=today, request=request, owner_id=owner_id, page_number=request.GET.get("sida")
    )
    shown = {"visa": "mina"} if only_mine else {"ansvarig": owner_id} if owner_id is not None else {}
    return render(
        request,
        "interventions/planning.html",
        {
            "planning": planning,
            "only_mine": only_mine,
            "today": today,
            "week_end": todo.week_end(today),
            "horizon": settings.PLAN_FOLLOW_UP_HORIZON_DAYS,
            "pagination_query": urlencode(shown) + "&" if shown else "",
        },
    )


@access_policy("manager")
@login_required
def caseload(request):
    """The enhetschef's unit: caseload and to-do counts per handläggare (no names of young people)."""
    require_perm(request.user, "cases.reassign_case")
    if not request.user.unit_id:
        raise Http404
    today = timezone.localdate()
    rows = todo.caseload_for_manager(user=request.user, on=today)
    return render(
        request,
        "interventions/caseload.html",
        {
            "rows": rows,
            "today": today,
            "week_end": todo.week_end(today),
            "unit": request.user.unit,
            "horizon": settings.PLAN_FOLLOW_UP_HORIZON_DAYS,
            "consent_days": settings.CONSENT_EXPIRY_NOTICE_DAYS,
        },
    )
