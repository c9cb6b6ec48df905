"""Mina ärenden: the user's to-do list and open cases."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from cases.selectors import CASE_LIST_ORDERINGS
from core.policy import access_policy
from interventions import selectors

# ---------------------------------------------------------------- Mina ärenden

# (sort key, column heading) of Mina ärenden; the keys are cases.selectors.CASE_LIST_ORDERINGS.
HOME_COLUMNS = [
    ("number", gettext_lazy("Ärende")),
    ("person", gettext_lazy("Ungdom")),
    ("insats", gettext_lazy("Insats")),
    ("opened", gettext_lazy("Aktualiserat")),
    ("days", gettext_lazy("Dagar öppet")),
    ("follow_up", gettext_lazy("Nästa uppföljning")),
]


def _home_sorting(request: HttpRequest) -> tuple[str, bool]:
    """Mina ärenden's sort key (?sortera=, one of CASE_LIST_ORDERINGS, else the next follow-up) and direction."""
    order = request.GET.get("sortera", "follow_up")
    return (order if order in CASE_LIST_ORDERINGS else "follow_up"), request.GET.get("ordning") == "fallande"


@access_policy("authenticated")
@login_required
def home(request):
    """Mina ärenden: the user's to-do list (interventions.todo, the same as Planering's "mina") and their
    open cases, sortable and paginated; the rows shown of both are access-logged in one write."""
    order, descending = _home_sorting(request)
    mine = selectors.my_cases_for_user(
        user=request.user,
        on=timezone.localdate(),
        order=order,
        descending=descending,
        page_number=request.GET.get("sida"),
        request=request,
    )
    return render(
        request,
        "cases/home.html",
        {
            "page": mine.page,
            "rows": mine.rows,
            "counts": mine.counts,
            "total": mine.total,
            "order": order,
            "descending": descending,
            "columns": HOME_COLUMNS,
            "pagination_query": urlencode({"sortera": order, **({"ordning": "fallande"} if descending else {})}) + "&",
            "todo": mine.todo,
            "todo_more": mine.todo_more,
        },
    )
