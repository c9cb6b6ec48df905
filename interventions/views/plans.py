"""Genomförandeplaner: the form that creates one on the insats page, the plan page (current or earlier
version) with its forms, and the PDF."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from consent import forms as consent_forms
from consent import views as consent_views
from core.forms import apply_service_errors
from core.policy import access_policy
from documents.models import AktbilagaKind
from interventions import forms, selectors, services
from interventions.models import Plan
from interventions.pdf import GivenOut, pdf_response
from interventions.selectors import PlanState
from interventions.views.common import require_perm
from interventions.views.declarations import COMMON, OPEN_PARAMETER, PLAN_FORMS, InsatsForm, PageForm, PlanForm

# ---------------------------------------------------------------- on the insats page

CREATE = InsatsForm(
    name="plan",
    title=_("Ny genomförandeplan"),
    button=_("Skapa plan"),
    form=forms.PlanCreateForm,
    perm="interventions.add_plan",
    run=lambda request, case, form: services.plan_create(actor=request.user, case=case, **form.cleaned_data),
    message=_("Genomförandeplanen är skapad."),
    anchor="planer",
    section=COMMON,
    with_user=True,
    redirect=lambda case, plan: reverse("interventions:plan", args=[plan.pk]),
)

# ---------------------------------------------------------------- on the plan page

CHANGE = "interventions.change_plan"

EDIT = PlanForm(
    name="andra",
    title=_("Ändra mål och uppföljningssätt"),
    button=_("Spara"),
    form=forms.PlanEditForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_update(actor=request.user, plan=plan, **form.service_data()),
    message=_("Planen är uppdaterad."),
    anchor="plan",
    initial=lambda plan, state: {
        "overall_goal": state.version.overall_goal,
        "follow_up_method": state.version.follow_up_method,
        "version": plan.version,
    },
)
BUILD = PlanForm(
    name="skriv",
    title=_("Skriv planen: mål, aktiviteter, tränare, uppföljningar och underskrifter"),
    button=_("Spara planen"),
    form=forms.PlanBuildForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_build(actor=request.user, plan=plan, **form.service_data()),
    message=_("Planen är sparad."),
    anchor="mal",
    initial=lambda plan, state: {
        "version": plan.version,
        "meeting_on": state.version.meeting_on or timezone.localdate(),
        "trainer_name": plan.trainer_name,
        "trainer_phone": plan.trainer_phone,
    },
)
PARTICIPANT = PlanForm(
    name="aktor",
    title=_("Lägg till aktör i planen"),
    button=_("Lägg till aktör"),
    form=forms.ParticipantForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_participant_add(
        actor=request.user, plan=plan, actor_obj=form.cleaned_data["actor"], contact=form.cleaned_data["contact"]
    ),
    message=_("Aktören ingår nu i planen."),
    anchor="aktorer",
)
GOAL = PlanForm(
    name="mal",
    title=_("Lägg till mål"),
    button=_("Lägg till mål"),
    form=forms.GoalForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_goal_add(actor=request.user, plan=plan, **form.cleaned_data),
    message=_("Målet är tillagt."),
    anchor="mal",
)
ACTIVITY = PlanForm(
    name="aktivitet",
    title=_("Lägg till aktivitet"),
    button=_("Lägg till aktivitet"),
    form=forms.ActivityForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_activity_add(actor=request.user, plan=plan, **form.cleaned_data),
    message=_("Aktiviteten är tillagd."),
    anchor="aktiviteter",
    with_version=True,
)
ACTIVITY_DONE = PlanForm(
    name="aktivitet-klar",
    title=_("Markera aktivitet som klar"),
    button=_("Markera som klar"),
    form=forms.ActivityDoneForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_activity_done(actor=request.user, plan=plan, **form.cleaned_data),
    message=_("Aktiviteten är markerad som klar."),
    anchor="aktiviteter",
    # only while there is an activity left to mark done
    applies=lambda state: any(activity.done_on is None for activity in state.version.activities.all()),
    with_version=True,
)
AGREEMENT = PlanForm(
    name="godkannande",
    title=_("Registrera godkännande av planen"),
    button=_("Registrera godkännande"),
    form=forms.AgreementForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_agreement_record(
        actor=request.user,
        plan=plan,
        custodian=consent_forms.custodian_for_giver(plan.case, form.cleaned_data["giver"]),
        agreed_on=form.cleaned_data["agreed_on"],
    ),
    message=_("Godkännandet är registrerat."),
    anchor="godkannanden",
)
TRAINER = PlanForm(
    name="tranare",
    title=_("Personlig tränare"),
    button=_("Spara"),
    form=forms.TrainerForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_trainer_assign(actor=request.user, plan=plan, **form.service_data()),
    message=_("Den personliga tränaren är utsedd."),
    anchor="plan",
    initial=lambda plan, state: {"name": plan.trainer_name, "phone": plan.trainer_phone, "version": plan.version},
)
FOLLOW_UP_SCHEDULE = PlanForm(
    name="uppfoljning-planera",
    title=_("Planera uppföljning"),
    button=_("Planera uppföljning"),
    form=forms.FollowUpScheduleForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_follow_up_schedule(
        actor=request.user, plan=plan, **form.cleaned_data
    ),
    message=_("Uppföljningen är inplanerad."),
    anchor="uppfoljningar",
)
FOLLOW_UP_RECORD = PlanForm(
    name="uppfoljning",
    title=_("Registrera genomförd uppföljning"),
    button=_("Registrera uppföljning"),
    form=forms.FollowUpRecordForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_follow_up_record(
        actor=request.user,
        follow_up=form.cleaned_data["follow_up"],
        held_on=form.cleaned_data["held_on"],
        note=form.cleaned_data["note"],
        attainments=form.attainments(),
    ),
    message=_("Uppföljningen är registrerad."),
    anchor="uppfoljningar",
    with_version=True,
)
REVISE = PlanForm(
    name="revidera",
    title=_("Revidera planen (ny version)"),
    button=_("Skapa ny version"),
    form=forms.ReviseForm,
    perm=CHANGE,
    run=lambda request, plan, form: services.plan_revise(actor=request.user, plan=plan, **form.cleaned_data),
    message=_("En ny version av planen är skapad. Den tidigare versionen finns kvar att läsa."),
    anchor="plan",
)
CONSENT_RECORD = PlanForm(
    name="samtycke",
    title=_("Registrera samtycke"),
    button=_("Registrera samtycke"),
    form=consent_forms.ConsentManyForm,
    perm="consent.add_consent",
    run=lambda request, plan, form: consent_views.consents_posted(request, plan.case, form),
    message=_("Samtycket är registrerat."),
    anchor="samtycke",
)
CONSENT_REVOKE = PlanForm(
    name="aterkalla",
    title=_("Återkalla samtycke"),
    button=_("Återkalla samtycket"),
    form=consent_forms.ConsentRevokeForm,
    perm="consent.add_consentrevocation",
    run=lambda request, plan, form: consent_views.consent_revoke_posted(request, plan.case, form),
    message=_("Samtycket är återkallat från och med det angivna datumet."),
    anchor="samtycke",
)

PLAN_FORMS.register(
    EDIT,
    BUILD,
    PARTICIPANT,
    GOAL,
    ACTIVITY,
    ACTIVITY_DONE,
    AGREEMENT,
    TRAINER,
    FOLLOW_UP_SCHEDULE,
    FOLLOW_UP_RECORD,
    REVISE,
    CONSENT_RECORD,
    CONSENT_REVOKE,
)


def _plan_forms(user, plan: Plan, state: PlanState, bound: dict | None, opened: str | None) -> list[PageForm]:
    """The forms of an editable plan version the user may use (a failed POST's bound form as it was); the one
    `opened` names is shown opened."""
    return [
        PageForm(
            declaration,
            build=partial(declaration.make, plan, state),
            url=declaration.url(plan),
            place=declaration.place(plan.pk),
            open=declaration.name == opened,
            refused=(bound or {}).get(declaration.name),
        )
        for declaration in PLAN_FORMS
        if user.has_perm(declaration.perm) and declaration.applies(state)
    ]


def _plan_page(request, plan: Plan, *, version_number=None, state=None, bound=None, status=200):
    """The plan page; `state` is the current version's when the caller (a refused POST) has already read it."""
    state = state or selectors.plan_detail(plan=plan, version_number=version_number)
    editable = plan.case.is_open and state.version.is_current
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
            "forms": _plan_forms(request.user, plan, state, bound, request.GET.get(OPEN_PARAMETER)) if editable else [],
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
    """One form on the plan page: validate, call its service, show errors on the fields or redirect."""
    declaration = PLAN_FORMS.get(action)
    if declaration is None:
        raise Http404
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, request=request, what=f"plan_{action}")
    require_perm(request.user, declaration.perm)
    state = selectors.plan_detail(plan=plan)
    form = declaration.make(plan, state, request.POST)
    if form.is_valid():
        try:
            declaration.run(request, plan, form)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, declaration.message)
            return redirect(declaration.done(plan))
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
        # ?lamnas_ut=1: given to the young person and the family, so kept as an aktbilaga
        given_out=GivenOut(request.user, plan.case, AktbilagaKind.PLAN)
        if request.GET.get("lamnas_ut") == "1"
        else None,
    )
