"""Genomförandeplaner: the plan page (current or earlier version), its forms and the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from consent import forms as consent_forms
from core.forms import apply_service_errors
from core.policy import access_policy
from interventions import forms, selectors, services
from interventions.models import (
    Plan,
)
from interventions.pdf import pdf_response
from interventions.views.common import Action, cleaned, page_forms_for, require_perm
from interventions.views.insats_page import CASE_ACTIONS

# ---------------------------------------------------------------- plans

PLAN_ACTIONS: dict[str, Action] = {
    "andra": Action(
        form=forms.PlanEditForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_update(actor=r.user, plan=plan, **cleaned(f)),
        message=gettext_lazy("Planen är uppdaterad."),
        anchor="plan",
    ),
    "aktor": Action(
        form=forms.ParticipantForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_participant_add(
            actor=r.user, plan=plan, actor_obj=cleaned(f)["actor"], contact=cleaned(f)["contact"]
        ),
        message=gettext_lazy("Aktören ingår nu i planen."),
        anchor="aktorer",
    ),
    "mal": Action(
        form=forms.GoalForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_goal_add(actor=r.user, plan=plan, **cleaned(f)),
        message=gettext_lazy("Målet är tillagt."),
        anchor="mal",
    ),
    "aktivitet": Action(
        form=forms.ActivityForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_activity_add(actor=r.user, plan=plan, **cleaned(f)),
        message=gettext_lazy("Aktiviteten är tillagd."),
        anchor="aktiviteter",
    ),
    "aktivitet-klar": Action(
        form=forms.ActivityDoneForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_activity_done(actor=r.user, plan=plan, **cleaned(f)),
        message=gettext_lazy("Aktiviteten är markerad som klar."),
        anchor="aktiviteter",
    ),
    "godkannande": Action(
        form=forms.AgreementForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_agreement_record(
            actor=r.user,
            plan=plan,
            custodian=consent_forms.custodian_for_giver(plan.case, cleaned(f)["giver"]),
            agreed_on=cleaned(f)["agreed_on"],
        ),
        message=gettext_lazy("Godkännandet är registrerat."),
        anchor="godkannanden",
    ),
    "tranare": Action(
        form=forms.TrainerForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_trainer_assign(actor=r.user, plan=plan, **cleaned(f)),
        message=gettext_lazy("Den personliga tränaren är utsedd."),
        anchor="plan",
    ),
    "uppfoljning-planera": Action(
        form=forms.FollowUpScheduleForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_follow_up_schedule(actor=r.user, plan=plan, **cleaned(f)),
        message=gettext_lazy("Uppföljningen är inplanerad."),
        anchor="uppfoljningar",
    ),
    "uppfoljning": Action(
        form=forms.FollowUpRecordForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_follow_up_record(
            actor=r.user,
            follow_up=cleaned(f)["follow_up"],
            held_on=cleaned(f)["held_on"],
            note=cleaned(f)["note"],
            attainments=f.attainments(),
        ),
        message=gettext_lazy("Uppföljningen är registrerad."),
        anchor="uppfoljningar",
    ),
    "revidera": Action(
        form=forms.ReviseForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_revise(actor=r.user, plan=plan, **cleaned(f)),
        message=gettext_lazy("En ny version av planen är skapad. Den tidigare versionen finns kvar att läsa."),
        anchor="plan",
    ),
    "samtycke": Action(
        form=consent_forms.ConsentRecordForm,
        perm="consent.add_consent",
        run=lambda r, plan, f: CASE_ACTIONS["samtycke"].run(r, plan.case, f),
        message=gettext_lazy("Samtycket är registrerat."),
        anchor="samtycke",
    ),
    "aterkalla": Action(
        form=consent_forms.ConsentRevokeForm,
        perm="consent.add_consentrevocation",
        run=lambda r, plan, f: CASE_ACTIONS["aterkalla"].run(r, plan.case, f),
        message=gettext_lazy("Samtycket är återkallat från och med det angivna datumet."),
        anchor="samtycke",
    ),
}
VERSION_FORMS = {"aktivitet", "aktivitet-klar", "uppfoljning"}


def _plan_form(name: str, plan: Plan, state, data=None):
    kwargs = {"case": plan.case, "plan": plan}
    if name in VERSION_FORMS:
        kwargs["version"] = state.version
    form = PLAN_ACTIONS[name].form(data, **kwargs)
    if data is None and name == "andra":
        form.fields["overall_goal"].initial = state.version.overall_goal
        form.fields["follow_up_method"].initial = state.version.follow_up_method
    if data is None and name == "tranare":
        form.fields["name"].initial = plan.trainer_name
        form.fields["phone"].initial = plan.trainer_phone
    return form


def _plan_forms(user, plan: Plan, state, bound: dict | None) -> dict:
    """The forms of an editable plan version the user may use (a failed POST's bound form as it was)."""
    open_activities = any(a.done_on is None for a in state.version.activities.all())
    return {
        name: (bound or {}).get(name) or _plan_form(name, plan, state)
        for name, spec in PLAN_ACTIONS.items()
        # "aktivitet-klar" only while there is an activity left to mark done
        if user.has_perm(spec.perm) and (name != "aktivitet-klar" or open_activities)
    }


def _plan_page(request, plan: Plan, *, version_number=None, state=None, bound=None, status=200):
    """The plan page; `state` is the current version's when the caller (a refused POST) has already read it."""
    state = state or selectors.plan_detail(plan=plan, version_number=version_number)
    editable = plan.case.is_open and state.version.is_current
    page_forms = _plan_forms(request.user, plan, state, bound) if editable else {}
    return render(
        request,
        "interventions/plan.html",
        {
            "plan": plan,
            "case": plan.case,
            "person": plan.case.person,
            "state": state,
            "version": state.version,
            "versions": selectors.plan_versions(plan=plan),
            "forms": page_forms_for(page_forms, "interventions:plan_action", plan.pk),
            "editable": editable,
            "today": timezone.localdate(),
        },
        status=status,
    )


@access_policy("case")
@login_required
def plan_detail(request, plan_id, number=None):
    """A genomförandeplan (current version, or an earlier one read-only) with its live consent flag."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, request=request)
    return _plan_page(request, plan, version_number=number)


@access_policy("case")
@login_required
@require_POST
def plan_action(request, plan_id, action):
    spec = PLAN_ACTIONS.get(action)
    if spec is None:
        raise Http404
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, request=request, what=f"plan_{action}")
    require_perm(request.user, spec.perm)
    state = selectors.plan_detail(plan=plan)
    form = _plan_form(action, plan, state, request.POST)
    if form.is_valid():
        try:
            spec.run(request, plan, form)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, spec.message)
            return redirect(reverse("interventions:plan", args=[plan.pk]) + f"#{spec.anchor}")
    return _plan_page(request, plan, state=state, bound={action: form}, status=400)


@access_policy("case")
@login_required
def plan_pdf(request, plan_id):
    """The plan as a PDF for the young person and the family (plain Swedish, masked identity, no address)."""
    plan = selectors.plan_get_for_user(
        user=request.user, plan_id=plan_id, request=request, what="plan_pdf", printing=True
    )
    state = selectors.plan_detail(plan=plan)
    return pdf_response(
        template="interventions/pdf/plan.html",
        context={
            "plan": plan,
            "case": plan.case,
            "person": plan.case.person,
            "state": state,
            "version": state.version,
            "today": timezone.localdate(),
        },
        filename=f"genomforandeplan-{plan.case.number}.pdf",
    )
