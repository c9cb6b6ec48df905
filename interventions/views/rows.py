"""Correcting and removing recorded rows (hours, purchases, field shifts, polare nights, områdesinsatser)
with a reason."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from cases.models import Case, InsatsCode
from core.policy import access_policy
from interventions import forms, selectors, services
from interventions.views.common import posted_to, require_perm, submit_chosen

# ---------------------------------------------------------------- correcting and removing recorded rows


@dataclass(frozen=True)
class RowKind:
    """A kind of recorded row with hours, costs, fees or numbers that can be corrected or removed (with a reason).
    `get(owner, row_id)` fetches it within the case or the user's unit (404 otherwise); `form(data, row, user)`
    is the correction form; `initial(row)` its current values; `back(row)` where to return."""

    title: StrOrPromise
    perm: str
    get: Callable
    form: Callable
    initial: Callable
    correct: Callable
    remove: Callable
    back: Callable
    insats: str | None = None  # for rows of a case: the insats they belong to


def _values(row, names) -> dict:
    return {name: getattr(row, name) for name in names}


CASE_ROWS: dict[str, RowKind] = {
    "timmar": RowKind(
        title=gettext_lazy("Rätta eller ta bort utfört tillfälle"),
        perm="interventions.change_communityserviceorder",
        get=lambda case, pk: selectors.session_get(case=case, session_id=pk),
        form=lambda data, row, user: forms.SessionCorrectForm(data, case=row.order.case),
        initial=lambda row: {**_values(row, ("performed_on", "hours", "note")), "workplace": row.workplace_id},
        correct=lambda r, row, d: services.community_service_session_correct(actor=r.user, session=row, **d),
        remove=lambda r, row, why: services.community_service_session_remove(
            actor=r.user, session=row, change_reason=why
        ),
        back=lambda row: reverse("interventions:case", args=[row.order.case_id]) + "#ungdomstjanst",
        insats=InsatsCode.COMMUNITY_SERVICE,
    ),
    "kopt-insats": RowKind(
        title=gettext_lazy("Rätta eller ta bort köpt insats"),
        perm="interventions.change_purchasedservice",
        get=lambda case, pk: selectors.purchase_get(case=case, purchase_id=pk),
        form=lambda data, row, user: forms.PurchaseCorrectForm(data, case=row.case),
        initial=lambda row: _values(row, ("kind", "provider", "starts_on", "ends_on", "price", "price_unit", "note")),
        correct=lambda r, row, d: services.purchased_service_correct(actor=r.user, service=row, **d),
        remove=lambda r, row, why: services.purchased_service_remove(actor=r.user, service=row, change_reason=why),
        back=lambda row: reverse("interventions:case", args=[row.case_id]) + "#avhopp",
        insats=InsatsCode.AVHOPP,
    ),
}

UNIT_ROWS: dict[str, RowKind] = {
    "faltpass": RowKind(
        title=gettext_lazy("Rätta eller ta bort fältpass"),
        perm="interventions.change_fieldshift",
        get=lambda user, pk: selectors.field_shift_get_for_user(user=user, shift_id=pk),
        form=lambda data, row, user: forms.FieldShiftCorrectForm(data, user=user),
        initial=lambda row: {
            **_values(row, ("worked_on", "starts_at", "ends_at", "area", "youths_met", "youths_talked", "notes")),
            "district": row.district_id,
            "staff": [member.pk for member in row.staff.all()],
        },
        correct=lambda r, row, d: services.field_shift_correct(
            actor=r.user, shift=row, **{**d, "staff": list(d["staff"])}
        ),
        remove=lambda r, row, why: services.field_shift_remove(actor=r.user, shift=row, change_reason=why),
        back=lambda row: reverse("interventions:field_shifts"),
    ),
    "polarkvall": RowKind(
        title=gettext_lazy("Rätta eller ta bort polarkväll"),
        perm="interventions.change_polare",
        get=lambda user, pk: selectors.polare_night_get_for_user(user=user, night_id=pk),
        form=lambda data, row, user: forms.PolareNightCorrectForm(data),
        initial=lambda row: _values(row, ("worked_on", "fee")),
        correct=lambda r, row, d: services.polare_night_correct(actor=r.user, night=row, **d),
        remove=lambda r, row, why: services.polare_night_remove(actor=r.user, night=row, change_reason=why),
        back=lambda row: reverse("interventions:polare"),
    ),
    "omradesinsats": RowKind(
        title=gettext_lazy("Rätta eller ta bort områdesinsats"),
        perm="interventions.change_areaeffort",
        get=lambda user, pk: selectors.area_effort_get_for_user(user=user, effort_id=pk),
        form=lambda data, row, user: forms.AreaEffortCorrectForm(data, user=user),
        initial=lambda row: {**_values(row, ("starts_on", "weeks", "reason")), "district": row.district_id},
        correct=lambda r, row, d: services.area_effort_correct(actor=r.user, effort=row, **d),
        remove=lambda r, row, why: services.area_effort_remove(actor=r.user, effort=row, change_reason=why),
        back=lambda row: reverse("interventions:area_efforts"),
    ),
}

ROW_CORRECT, ROW_REMOVE = "ratta", "ta-bort"
ROW_CORRECTED = gettext_lazy("Uppgifterna är rättade. Ändringen och skälet finns i historiken.")
ROW_REMOVED = gettext_lazy("Raden är borttagen. Den och skälet finns kvar i historiken.")


def _row_page(request, spec: RowKind, row, *, case: Case | None = None):
    """GET: the correction form with the row's values and the removal form. POST (hidden "form"): one of them."""
    correct_form = spec.form(posted_to(request, ROW_CORRECT), row, request.user)
    remove_form = forms.RemoveForm(posted_to(request, ROW_REMOVE))
    if not correct_form.is_bound:  # show the row's current values
        for name, value in spec.initial(row).items():
            correct_form.fields[name].initial = value
    submits = {
        ROW_CORRECT: (correct_form, lambda **data: spec.correct(request, row, data), ROW_CORRECTED),
        ROW_REMOVE: (remove_form, lambda change_reason: spec.remove(request, row, change_reason), ROW_REMOVED),
    }
    if submit_chosen(request, submits):
        return redirect(spec.back(row))
    return render(
        request,
        "interventions/row_correct.html",
        {
            "title": spec.title,
            "case": case,
            "back": spec.back(row),
            "correct_form": correct_form,
            "remove_form": remove_form,
            "form_names": (ROW_CORRECT, ROW_REMOVE),
        },
        status=400 if (correct_form.errors or remove_form.errors) else 200,
    )


@access_policy("case")
@login_required
def case_row(request, case_id, kind, row_id):
    """Correct or remove one recorded row of a case's insats (hours, purchases) with a reason."""
    spec = CASE_ROWS.get(kind)
    if spec is None:
        raise Http404
    case = selectors.case_for_insats(user=request.user, case_id=case_id, request=request, what=f"insats_rad_{kind}")
    require_perm(request.user, spec.perm)
    if case.insats_type.code != spec.insats:
        raise Http404
    row = spec.get(case, row_id)
    if not case.is_open:
        messages.error(request, _("Ärendet är avslutat och kan inte ändras."))
        return redirect(spec.back(row))
    return _row_page(request, spec, row, case=case)


@access_policy("authenticated")
@login_required
def unit_row(request, kind, row_id):
    """Correct or remove one row of the unit's field work (shift, polare night, områdesinsats) with a reason."""
    spec = UNIT_ROWS.get(kind)
    if spec is None:
        raise Http404
    require_perm(request.user, spec.perm)
    row = spec.get(request.user, row_id)
    return _row_page(request, spec, row)
