"""Fältverksamhet (no individual cases): field shifts, polare and områdesinsatser of the user's unit."""

import datetime
import hashlib
import json
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

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


@access_policy("authenticated")
@login_required
def field_month(request):
    """The unit's month of field work (?manad=YYYY-MM, default this month): shifts, hours, met and talked with
    per district, and the events; the same figures as the nämnd report's field section."""
    require_perm(request.user, "interventions.view_fieldshift")
    today = timezone.localdate()
    try:
        month = datetime.date.fromisoformat(f"{request.GET.get('manad', '')}-01")
    except ValueError:
        month = today.replace(day=1)
    data = selectors.field_month_for_user(user=request.user, month=month)
    previous = (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    following = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    context = {**data, "previous": previous, "following": following if following <= today else None}
    return render(request, "interventions/field_month.html", context)


POLARE_ADDED = gettext_lazy("Polaren är tillagd.")
NIGHT_STATUS_SAVED = gettext_lazy("Kvällens status är sparad.")


def _booked(night) -> str:
    return _("Kvällen är schemalagd. Arvode: %(fee)s.") % {"fee": formats.money(night.fee)}


@access_policy("authenticated")
@login_required
def polare_roster(request):
    """Polare of the unit, nights on the roster and the fee per night from the fee table."""
    require_perm(request.user, "interventions.view_polare")
    roster = selectors.polare_roster_for_user(user=request.user)
    today = timezone.localdate()
    nights = selectors.polare_nights_for_user(user=request.user, since=today.replace(day=1))
    bound = {
        "polare_form": forms.PolareForm(posted_to(request, "polare")),
        "night_form": forms.PolareNightForm(posted_to(request, "kvall"), polare_queryset=roster),
        "status_form": forms.PolareNightStatusForm(posted_to(request, "status"), nights=nights),
    }
    if request.method == "POST":
        require_perm(request.user, "interventions.change_polare")
        act = partial(partial, actor=request.user)
        submits = {
            "polare": (bound["polare_form"], act(services.polare_add), POLARE_ADDED),
            "kvall": (bound["night_form"], act(services.polare_night_book), _booked),
            "status": (bound["status_form"], act(services.polare_night_set_status), NIGHT_STATUS_SAVED),
        }
        if submit_chosen(request, submits):
            return redirect("interventions:polare")
    context = {"roster": roster, "nights": nights, "since": today.replace(day=1), "today": today, **bound}
    status = 400 if any(form.errors for form in bound.values()) else 200
    return render(request, "interventions/polare.html", context, status=status)


AREA_EFFORT_SAVED = gettext_lazy("Områdesinsatsen är sparad.")


@access_policy("authenticated")
@login_required
def area_efforts(request):
    """Områdesinsatser of the unit: start one (1–12 weeks) or extend a running one."""
    require_perm(request.user, "interventions.view_areaeffort")
    start_form = forms.AreaEffortForm(posted_to(request, "ny"), user=request.user)
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


# ---------------------------------------------------------------- the phone's field log (works offline)


@access_policy("authenticated")
@login_required
def field_app(request):
    """The field log for the phone: an installable page that works offline; entries queue on the phone and are
    sent to field_app_sync. Holds the unit's districts, polare and running områdesinsatser, no young person."""
    require_perm(request.user, "interventions.add_fieldshift")
    return render(request, "interventions/field_app.html", {"app_data": selectors.field_app_data(user=request.user)})


@access_policy("authenticated")
@require_POST
def field_app_sync(request):
    """One queued entry from the phone, as JSON with its idempotency key: 201 when recorded, 200 with the first
    result when the key was recorded before, 400 with the errors, 401/403 when the phone must sign in again
    (it keeps the entry)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Logga in för att skicka.")}, status=401)
    if not request.user.has_perm("interventions.add_fieldshift"):
        return JsonResponse({"error": _("Du får inte registrera fältpass.")}, status=403)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"errors": {"__all__": [_("Felaktigt format.")]}}, status=400)
    try:
        result, created = services.field_log_sync(actor=request.user, payload=payload)
    except ValidationError as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return JsonResponse(result, status=201 if created else 200)


@access_policy("authenticated")
@login_required
def field_app_service_worker(request):
    """The field log's service worker, served from the app's own path so its scope is the app; it lists the
    current (hashed) static files to keep for offline use and holds no data. Signed out, the browser's update
    check fails and the installed worker goes on serving the kept page."""
    # A new deploy (new hashed static names) gives a new cache name, so the old copies are dropped.
    files = "|".join(static(name) for name in ("field_app/field_app.js", "css/app.css", "js/app.js"))
    version = hashlib.sha256(files.encode()).hexdigest()[:12]
    response = render(request, "interventions/field_app_sw.js", {"version": version}, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
