"""Avhopp: purchased insatser summed per year."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.policy import access_policy
from interventions import selectors
from interventions.views.common import require_perm

# ---------------------------------------------------------------- avhopp costs


@access_policy("case")
@login_required
def avhopp_costs(request):
    """Purchased insatser for avhoppare summed per year over the cases the user may see (no names)."""
    require_perm(request.user, "interventions.view_purchasedservice")
    return render(
        request, "interventions/avhopp_costs.html", {"rows": selectors.purchased_costs_per_year(user=request.user)}
    )
