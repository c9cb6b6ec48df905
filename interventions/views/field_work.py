"""Fältverksamhet (no individual cases): field shifts, polare and områdesinsatser of the user's unit."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import formats
from core.policy import access_policy
from interventions import forms, selectors, services
from interventions.views.common import posted_to, require_perm, submit, submit_chosen

# ---------------------------------------------------------------- fältverksamhet (no individual cases)


FIELD_SHIFT_SAVED = gettext_lazy("Fältpasset är registrerat.")


@access_policy("authenticated")
@login_required
def field_shifts(request):
    """Shift log of the user's unit: area, staff, youths met and talked with (numbers only)."""
    require_perm(request.user, "interventions.view_fieldshift")
    form = forms.FieldShiftForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require_perm(request.user, "interventions.add_fieldshift")
        if submit(request, form, partial(services.field_shift_record, actor=request.user), FIELD_SHIFT_SAVED):
            return redirect("interventions:field_shifts")
    today = timezone.localdate()
    shifts = selectors.field_shifts_for_user(user=request.user)[:50]
    totals = selectors.field_totals(user=request.user, year=today.year)
    return render(
        request,
        "interventions/field_shifts.html",
        {"form": form, "shifts": shifts, "totals": totals, "year": today.year},
        status=400 if form.errors else 200,
    )


POLARE_ADDED = gettext_lazy("Polaren är tillagd.")


def _booked(night) -> str:
    return _("Kvällen är schemalagd. Arvode: %(fee)s.") % {"fee": formats.money(night.fee)}


@access_policy("authenticated")
@login_required
def polare_roster(request):
    """Polare of the unit, nights on the roster and the fee per night from the fee table."""
    require_perm(request.user, "interventions.view_polare")
    roster = selectors.polare_roster_for_user(user=request.user)
    polare_form = forms.PolareForm(posted_to(request, "polare"))
    night_form = forms.PolareNightForm(posted_to(request, "kvall"), polare_queryset=roster)
    if request.method == "POST":
        require_perm(request.user, "interventions.change_polare")
        submits = {
            "polare": (polare_form, partial(services.polare_add, actor=request.user), POLARE_ADDED),
            "kvall": (night_form, partial(services.polare_night_book, actor=request.user), _booked),
        }
        if submit_chosen(request, submits):
            return redirect("interventions:polare")
    since = timezone.localdate().replace(day=1)
    return render(
        request,
        "interventions/polare.html",
        {
            "roster": roster,
            "nights": selectors.polare_nights_for_user(user=request.user, since=since),
            "since": since,
            "polare_form": polare_form,
            "night_form": night_form,
        },
        status=400 if (polare_form.errors or night_form.errors) else 200,
    )


AREA_EFFORT_SAVED = gettext_lazy("Områdesinsatsen är sparad.")


@access_policy("authenticated")
@login_required
def area_efforts(request):
    """Områdesinsatser of the unit: start one (1–12 weeks) or extend a running one."""
    require_perm(request.user, "interventions.view_areaeffort")
    start_form = forms.AreaEffortForm(posted_to(request, "ny"))
    efforts = selectors.area_efforts_for_user(user=request.user)
    extend_form = forms.area_effort_extend_form(posted_to(request, "forlang"), efforts=efforts)
    if request.method == "POST":
        require_perm(request.user, "interventions.change_areaeffort")
        submits = {
            "ny": (start_form, partial(services.area_effort_start, actor=request.user), AREA_EFFORT_SAVED),
            "forlang": (extend_form, partial(services.area_effort_extend, actor=request.user), AREA_EFFORT_SAVED),
        }
        if submit_chosen(request, submits):
            return redirect("interventions:area_efforts")
    return render(
        request,
        "interventions/area_efforts.html",
        {"efforts": efforts, "start_form": start_form, "extend_form": extend_form, "today": timezone.localdate()},
        status=400 if (start_form.errors or extend_form.errors) else 200,
    )
