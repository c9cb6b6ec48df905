"""Beslut pages: record a beslut on a bistånd case, verkställighet / end / reason for delay of a granted one,
the avslag letter; and for the enhetschef the beslut not verkställda in three months with the quarterly
report to IVO (CSV) and the nämnd (PDF). Thin: a selector and/or a service per view."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from cases.models import Case
from cases.selectors import case_get_for_user
from cases.services import CASE_CLOSED
from core import pdf
from core.access_log import Seen, access_log_record
from core.forms import apply_service_errors
from core.http import AuthenticatedRequest
from core.models import AccessAction
from core.policy import access_policy
from decisions import exports, forms, letters, selectors, services
from decisions.models import Outcome


def _to_decisions(case_id: UUID) -> HttpResponseRedirect:
    return redirect(reverse("case_detail", kwargs={"case_id": case_id}) + "#beslut")


def _case(request: AuthenticatedRequest, case_id: UUID, permission: str, what: str) -> Case:
    """A visible case for a beslut page; without the permission the page does not exist (404)."""
    if not request.user.has_perm(permission):
        raise Http404
    return case_get_for_user(user=request.user, case_id=case_id, request=request, what=what)


@access_policy("case")
@login_required
def decision_create(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """Record a beslut; the delegationsordning decides whether this user may make it (services.delegation_check)."""
    case = _case(request, case_id, "decisions.add_decision", "decision_create")
    if not case.is_open:
        messages.error(request, CASE_CLOSED)
        return _to_decisions(case.pk)
    form = forms.DecisionForm(request.POST or None, lagrum=selectors.lagrum_choices())
    if form.is_valid():
        try:
            decision = services.decision_record(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Beslutet är registrerat: %(outcome)s.") % {"outcome": decision.get_outcome_display().lower()},
            )
            return _to_decisions(case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "decisions/decision_form.html", {"case": case, "form": form}, status=status)


@dataclass(frozen=True)
class DecisionAction:
    """One change of a granted beslut: its page, form, service and message together (STYLE rule 14)."""

    title: StrOrPromise
    button: StrOrPromise
    form: type[forms.VersionedDecisionForm]
    service: Callable[..., object]
    done: StrOrPromise


ACTIONS = {
    "execute": DecisionAction(
        gettext_lazy("Registrera verkställighet"),
        gettext_lazy("Spara verkställighet"),
        forms.ExecuteForm,
        services.decision_execute,
        gettext_lazy("Beslutet är verkställt."),
    ),
    "end": DecisionAction(
        gettext_lazy("Avsluta beslut utan verkställighet"),
        gettext_lazy("Avsluta beslutet"),
        forms.EndForm,
        services.decision_end,
        gettext_lazy("Beslutet är avslutat utan verkställighet."),
    ),
    "delay": DecisionAction(
        gettext_lazy("Orsak till dröjsmål"),
        gettext_lazy("Spara orsaken"),
        forms.DelayReasonForm,
        services.decision_delay_reason_record,
        gettext_lazy("Orsaken till dröjsmålet är sparad."),
    ),
}


@access_policy("case")
@login_required
def decision_action(request: AuthenticatedRequest, case_id: UUID, decision_id: UUID, action: str) -> HttpResponse:
    """Verkställighet, end or reason for delay of a granted beslut; the form carries the beslut's version."""
    spec = ACTIONS[action]
    case = _case(request, case_id, "decisions.change_decision", f"decision_{action}")
    decision = selectors.decision_get(case=case, decision_id=decision_id)
    form = spec.form(request.POST or None, initial={"version": decision.version})
    if form.is_valid():
        try:
            spec.service(actor=request.user, decision=decision, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, spec.done)
            return _to_decisions(case.pk)
    context = {"case": case, "decision": decision, "form": form, "spec": spec}
    return render(request, "decisions/decision_action.html", context, status=400 if request.method == "POST" else 200)


@access_policy("case")
@login_required
@require_GET
def decision_letter(request: AuthenticatedRequest, case_id: UUID, decision_id: UUID) -> HttpResponse:
    """The avslag letter with besvärshänvisning, rendered again from the beslut (printing is access-logged)."""
    case = _case(request, case_id, "decisions.view_decision", "decision_letter")
    decision = selectors.decision_get(case=case, decision_id=decision_id)
    if decision.outcome != Outcome.REFUSED:
        raise Http404
    access_log_record(
        user=request.user,
        request=request,
        action=AccessAction.PRINT,
        what="decision_letter",
        seen=[Seen(case.person_id, case.pk, case.person.is_protected and case.person.identity_visible)],
    )
    return pdf.pdf_response(
        letters.avslag_letter_pdf(decision=decision, case=case), filename=letters.letter_filename(decision)
    )


# ------------------------------------------------------------------- the enhetschef's list and the report


def manager_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Enhetschef with the report permission; for anyone else the page does not exist (404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("decisions.view_unexecuted_report"):
            raise Http404
        return view(request, *args, **kwargs)

    return access_policy("manager")(login_required(wrapper))


def _quarter(request: AuthenticatedRequest) -> tuple[int, int] | None:
    """?kvartal=2026-3 → (2026, 3); None when missing or not one of the quarters offered."""
    value = request.GET.get("kvartal", "")
    if value not in dict(forms.quarter_choices(timezone.localdate())):
        return None
    year, quarter = value.split("-")
    return int(year), int(quarter)


BAD_QUARTER = gettext_lazy("Välj ett av de kvartal som erbjuds (till exempel 2026-3).")


@manager_view
@require_GET
def unexecuted_list(request: AuthenticatedRequest) -> HttpResponse:
    """Beslut of the unit not verkställda within three months, with days waiting, and the quarterly reports."""
    today = timezone.localdate()
    rows = selectors.unexecuted_list_for_manager(user=request.user, today=today, request=request)
    context = {"rows": rows, "today": today, "quarters": forms.quarter_choices(today)}
    return render(request, "decisions/unexecuted_list.html", context)


@manager_view
@require_GET
def unexecuted_ivo_csv(request: AuthenticatedRequest) -> HttpResponse:
    """The quarter's report for IVO's e-service: one row per beslut, no name or number (the export is logged)."""
    quarter = _quarter(request)
    if quarter is None:
        return HttpResponseBadRequest(BAD_QUARTER, content_type="text/plain; charset=utf-8")
    report = selectors.quarter_report_for_ivo(user=request.user, year=quarter[0], quarter=quarter[1], request=request)
    response = HttpResponse(exports.ivo_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ej-verkstallda-beslut-{quarter[0]}-k{quarter[1]}-ivo.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@manager_view
@require_GET
def unexecuted_namnd_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """The quarter's report for the nämnd: counts per insats, 1–4 shown as "<5", no personal data."""
    quarter = _quarter(request)
    if quarter is None:
        return HttpResponseBadRequest(BAD_QUARTER, content_type="text/plain; charset=utf-8")
    report, lines = selectors.quarter_report_for_namnd(user=request.user, year=quarter[0], quarter=quarter[1])
    document = exports.namnd_pdf(report=report, lines=lines, user=request.user)
    return pdf.pdf_response(document, filename=f"ej-verkstallda-beslut-{quarter[0]}-k{quarter[1]}-namnd.pdf")
