"""HTML views for case work (socialsekreterare): parse input, call one selector and/or service, render.

Every view declares its access policy; personal data is read only through cases.selectors, which
apply permissions (404 for anything not visible) and write the access-log rows.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cases import selectors
from core.policy import access_policy

HOME_PAGE_SIZE = 25
# (sort key, column heading) of Mina ärenden; the keys are selectors.CASE_LIST_ORDERINGS.
HOME_COLUMNS = [
    ("number", _("Ärende")),
    ("person", _("Ungdom")),
    ("insats", _("Insats")),
    ("opened", _("Aktualiserat")),
    ("days", _("Dagar öppet")),
    ("follow_up", _("Nästa uppföljning")),
]


@access_policy("authenticated")
@login_required
def home(request):
    """Mina ärenden: the user's open cases, sortable and paginated; only the shown rows are logged."""
    order = request.GET.get("sortera", "follow_up")
    if order not in selectors.CASE_LIST_ORDERINGS:
        order = "follow_up"
    descending = request.GET.get("ordning") == "fallande"
    mine = selectors.case_list_mine(user=request.user, order=order, descending=descending)
    paginator = Paginator(mine, HOME_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("sida"))
    cases = selectors.case_list_log(user=request.user, cases=page.object_list, request=request, what="home")
    today = timezone.localdate()
    for case in cases:
        case.days_open = (today - case.opened_on).days
    counts = selectors.case_counts_mine(user=request.user)
    return render(
        request,
        "cases/home.html",
        {
            "page": page,
            "cases": cases,
            "counts": counts,
            "total": paginator.count,
            "order": order,
            "descending": descending,
            "columns": HOME_COLUMNS,
            "pagination_query": urlencode({"sortera": order, **({"ordning": "fallande"} if descending else {})}) + "&",
        },
    )


@access_policy("authenticated")
@login_required
def person_search(request):
    return render(request, "cases/search.html", {})


@access_policy("authenticated")
@login_required
def person_register(request):
    return render(request, "cases/person_form.html", {})


@access_policy("case")
@login_required
def case_detail(request, case_id):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request)
    return render(request, "cases/case_detail.html", {"case": case})
