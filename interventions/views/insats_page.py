"""The insats page of a case (not the case page, cases.views.case_detail): details of its insats, plans, consent and
disclosures, with the forms that change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.models import Case
from consent import forms as consent_forms
from consent import views as consent_views
from core.forms import apply_service_errors
from core.policy import access_policy
from interventions import forms, selectors, services
from interventions.models import (
    MediationStatus,
    PartyRole,
)
from interventions.rules import REOFFENCE_INSATSER
from interventions.views.common import (
    Action,
    PageForm,
    cleaned,
    mediation_of,
    order_of,
    page_forms_for,
    require_perm,
)

# ---------------------------------------------------------------- case actions

CASE_ACTIONS: dict[str, Action] = {
    # Ungdomstjänst
    "ungdomstjanst": Action(
        form=forms.CommunityServiceForm,
        perm="interventions.change_communityserviceorder",
        run=lambda r, case, f: services.community_service_set(actor=r.user, case=case, **cleaned(f)),
        message=gettext_lazy("Uppgifterna om ungdomstjänsten är sparade."),
        anchor="ungdomstjanst",
        insats="ungdomstjanst",
    ),
    "arbetsplats": Action(
        form=forms.WorkplaceForm,
        perm="interventions.change_communityserviceorder",
        run=lambda r, case, f: services.community_service_workplace_add(
            actor=r.user, order=order_of(case), **cleaned(f)
        ),
        message=gettext_lazy("Arbetsplatsen är tillagd."),
        anchor="ungdomstjanst",
        insats="ungdomstjanst",
    ),
    "timmar": Action(
        form=forms.SessionForm,
        perm="interventions.change_communityserviceorder",
        run=lambda r, case, f: services.community_service_session_add(actor=r.user, order=order_of(case), **cleaned(f)),
        message=gettext_lazy("Timmarna är registrerade."),
        anchor="ungdomstjanst",
        insats="ungdomstjanst",
    ),
    "ungdomstjanst-avslut": Action(
        form=forms.CommunityServiceEndForm,
        perm="interventions.change_communityserviceorder",
        run=lambda r, case, f: services.community_service_end(actor=r.user, order=order_of(case), **cleaned(f)),
        message=gettext_lazy("Ungdomstjänsten är avslutad."),
        anchor="ungdomstjanst",
        insats="ungdomstjanst",
    ),
    "rapport-ungdomstjanst": Action(
        form=forms.ReportForm,
        perm="consent.add_disclosure",
        run=lambda r, case, f: services.insats_report_disclose(
            actor=r.user, case=case, kind="ungdomstjanst", **cleaned(f)
        ),
        message=gettext_lazy("Utlämnandet är registrerat. Rapporten är klar att skicka."),
        anchor="utlamnanden",
        insats="ungdomstjanst",
    ),
    # Medling
    "medling": Action(
        form=forms.MediationForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_set(actor=r.user, case=case, **cleaned(f)),
        message=gettext_lazy("Uppgifterna om medlingen är sparade."),
        anchor="medling",
        insats="medling",
    ),
    "part": Action(
        form=forms.PartyForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_party_add(
            actor=r.user, mediation=mediation_of(case), role=PartyRole.VICTIM, **cleaned(f)
        ),
        message=gettext_lazy("Brottsoffret är tillagt som part."),
        anchor="medling",
        insats="medling",
    ),
    "kontroller": Action(
        form=forms.ChecksForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_checks_record(
            actor=r.user, mediation=mediation_of(case), **cleaned(f)
        ),
        message=gettext_lazy("Kontrollerna enligt 5 § är registrerade."),
        anchor="medling",
        insats="medling",
    ),
    "medling-start": Action(
        form=forms.StartForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_start(actor=r.user, mediation=mediation_of(case), **cleaned(f)),
        message=gettext_lazy("Medlingen är påbörjad."),
        anchor="medling",
        insats="medling",
    ),
    "samrad": Action(
        form=forms.ConsultationForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_consultation_add(
            actor=r.user, mediation=mediation_of(case), **cleaned(f)
        ),
        message=gettext_lazy("Samrådet är registrerat."),
        anchor="medling",
        insats="medling",
    ),
    "medlingsmote": Action(
        form=forms.MediationMeetingForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_meeting_add(actor=r.user, mediation=mediation_of(case), **cleaned(f)),
        message=gettext_lazy("Mötet är registrerat."),
        anchor="medling",
        insats="medling",
    ),
    "medling-avslut": Action(
        form=forms.MediationEndForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_end(actor=r.user, mediation=mediation_of(case), **cleaned(f)),
        message=gettext_lazy("Medlingen är avslutad."),
        anchor="medling",
        insats="medling",
    ),
    "rapport-medling": Action(
        form=forms.ReportForm,
        perm="consent.add_disclosure",
        run=lambda r, case, f: services.insats_report_disclose(actor=r.user, case=case, kind="medling", **cleaned(f)),
        message=gettext_lazy("Utlämnandet är registrerat. Rapporten är klar att skicka."),
        anchor="utlamnanden",
        insats="medling",
    ),
    # Stöd, SKK, Avhopp
    "stod": Action(
        form=forms.VictimSupportForm,
        perm="interventions.change_victimsupport",
        run=lambda r, case, f: services.victim_support_set(actor=r.user, case=case, **cleaned(f)),
        message=gettext_lazy("Uppgifterna är sparade."),
        anchor="stod",
        insats="stod_brottsutsatta",
    ),
    "skk": Action(
        form=forms.SkkForm,
        perm="interventions.change_skkassignment",
        run=lambda r, case, f: services.skk_set(actor=r.user, case=case, **cleaned(f)),
        message=gettext_lazy("Uppgifterna om kontaktpersonen är sparade."),
        anchor="skk",
        insats="skk",
    ),
    "hotbild": Action(
        form=forms.DefectorAssessmentForm,
        perm="interventions.add_defectorassessment",
        run=lambda r, case, f: services.defector_assess(actor=r.user, case=case, **cleaned(f)),
        message=gettext_lazy("Bedömningen är registrerad."),
        anchor="avhopp",
        insats="avhopp",
    ),
    "kopt-insats": Action(
        form=forms.PurchaseForm,
        perm="interventions.add_purchasedservice",
        run=lambda r, case, f: services.purchased_service_add(actor=r.user, case=case, **cleaned(f)),
        message=gettext_lazy("Den köpta insatsen är registrerad."),
        anchor="avhopp",
        insats="avhopp",
    ),
    # Återfall (SIG and avhopp): the indicator of effect in the SIG special follow-up
    "aterfall": Action(
        form=forms.ReoffenceForm,
        perm="interventions.add_reoffence",
        run=lambda r, case, f: services.reoffence_record(actor=r.user, case=case, **cleaned(f)),
        message=gettext_lazy("Återfallet är registrerat."),
        anchor="aterfall",
        insats=REOFFENCE_INSATSER,
    ),
    # Every case: plans, consent and disclosures
    "plan": Action(
        form=lambda data, case, user: forms.PlanCreateForm(data, case=case, user=user),
        perm="interventions.add_plan",
        run=lambda r, case, f: services.plan_create(actor=r.user, case=case, **cleaned(f)),
        message=gettext_lazy("Genomförandeplanen är skapad."),
        anchor="planer",
    ),
    "samtycke": Action(
        form=consent_forms.ConsentRecordForm,
        perm="consent.add_consent",
        run=consent_views.consent_record_posted,
        message=gettext_lazy("Samtycket är registrerat."),
        anchor="samtycke",
    ),
    "aterkalla": Action(
        form=consent_forms.ConsentRevokeForm,
        perm="consent.add_consentrevocation",
        run=consent_views.consent_revoke_posted,
        message=gettext_lazy("Samtycket är återkallat från och med det angivna datumet."),
        anchor="samtycke",
    ),
    "utlamnande": Action(
        form=lambda data, case, user: consent_forms.DisclosureForm(data, case=case, user=user),
        perm="consent.add_disclosure",
        run=consent_views.disclosure_record_posted,
        message=gettext_lazy("Utlämnandet är registrerat."),
        anchor="utlamnanden",
    ),
}

# Heading and button text of each form (case page and plan page).


SECTION_FORMS = {
    "ungdomstjanst": ["ungdomstjanst", "arbetsplats", "timmar", "ungdomstjanst-avslut", "rapport-ungdomstjanst"],
    "medling": [
        "medling",
        "part",
        "kontroller",
        "medling-start",
        "samrad",
        "medlingsmote",
        "medling-avslut",
        "rapport-medling",
    ],
    "stod_brottsutsatta": ["stod"],
    "skk": ["skk"],
    "avhopp": ["hotbild", "kopt-insats"],
}
COMMON_FORMS = ["plan", "samtycke", "aterkalla", "utlamnande"]
REPORT_PDFS = {
    "rapport-ungdomstjanst": "interventions:community_service_pdf",
    "rapport-medling": "interventions:mediation_pdf",
}
REOFFENCE_FORMS = ["aterfall"]  # own section "Återfall" on SIG and avhopp cases


def _make_form(name: str, case: Case, user, data=None):
    spec = CASE_ACTIONS[name]
    if isinstance(spec.form, type):
        return spec.form(data, case=case)
    return spec.form(data, case, user)  # forms that also need the user (defaults such as "me")


def _initial_for(name: str, panel) -> dict:
    """Current values for the forms that edit a one-to-one record."""
    if name == "ungdomstjanst" and panel.community_service:
        o = panel.community_service
        return {f: getattr(o, f) for f in forms.CommunityServiceForm.base_fields}
    if name == "medling" and panel.mediation:
        m = panel.mediation
        return {
            **{f: getattr(m, f) for f in ("offence", "offence_on", "police_reference", "prosecutor")},
            "mediator": m.mediator_id,
        }
    if name == "kontroller" and panel.mediation:
        m = panel.mediation
        return {
            **{f: getattr(m, f) for f in forms.ChecksForm.base_fields if f != "recorded_on"},
            "recorded_on": m.checks_recorded_on,  # the form's name for it differs from the model's
        }
    if name == "stod" and panel.victim_support:
        return {f: getattr(panel.victim_support, f) for f in forms.VictimSupportForm.base_fields}
    if name == "skk" and panel.skk:
        return {f: getattr(panel.skk, f) for f in forms.SkkForm.base_fields}
    return {}


# Medling forms that no longer apply once mediation has started, and once it has ended (then none applies).
MEDIATION_FORMS_BEFORE_START = {"kontroller", "medling-start"}


def _section_forms(panel) -> list[str]:
    """The insats forms that still apply: a started medling offers no checks or start, an ended one nothing."""
    names = SECTION_FORMS.get(panel.code, [])
    if panel.code == "medling" and panel.mediation is not None:
        if panel.mediation.status == MediationStatus.ENDED:
            return []
        if panel.mediation.started_on:
            return [name for name in names if name not in MEDIATION_FORMS_BEFORE_START]
    return names


def _insats_forms(user, case: Case, panel, *, tracks_reoffences: bool, bound: dict | None) -> dict:
    """The forms of an open case's insats page the user may use: a failed POST's bound form as it was, the
    others with the record's current values."""
    if not case.is_open:
        return {}
    page_forms = {}
    for name in _section_forms(panel) + (REOFFENCE_FORMS if tracks_reoffences else []) + COMMON_FORMS:
        if not user.has_perm(CASE_ACTIONS[name].perm):
            continue
        if bound and name in bound:
            page_forms[name] = bound[name]
            continue
        form = _make_form(name, case, user)
        for key, value in _initial_for(name, panel).items():
            form.fields[key].initial = value
        page_forms[name] = form
    return page_forms


def _insats_section(page_forms: dict, case: Case, names) -> list[PageForm]:
    """The page's forms of one section (`names` decides which), each posting to its case action."""
    return page_forms_for({k: v for k, v in page_forms.items() if names(k)}, "interventions:case_action", case.pk)


def _insats_page(request: HttpRequest, case: Case, *, bound: dict | None = None, status: int = 200):
    # the case itself came through case_for_insats (permissions applied, access logged)
    panel = selectors.case_insats_panel(case=case)
    tracks_reoffences = panel.code in REOFFENCE_INSATSER
    reoffences = selectors.reoffences_for_case(case=case) if tracks_reoffences else []
    page_forms = _insats_forms(request.user, case, panel, tracks_reoffences=tracks_reoffences, bound=bound)
    return render(
        request,
        "interventions/insats_page.html",
        {
            "case": case,
            "person": case.person,
            "panel": panel,
            "insats_forms": _insats_section(page_forms, case, lambda name: name not in COMMON_FORMS + REOFFENCE_FORMS),
            "tracks_reoffences": tracks_reoffences,
            "reoffences": reoffences,
            "reoffence_forms": _insats_section(page_forms, case, lambda name: name in REOFFENCE_FORMS),
            "common_forms": _insats_section(page_forms, case, lambda name: name in COMMON_FORMS),
        },
        status=status,
    )


@access_policy("case")
@login_required
def insats_page(request, case_id):
    """The insats page of a case: details of its insats, plans, consent and disclosures, with the forms."""
    case = selectors.case_for_insats(user=request.user, case_id=case_id, request=request, what="insats_page")
    return _insats_page(request, case)


@access_policy("case")
@login_required
@require_POST
def insats_page_action(request, case_id, action):
    """One form on the insats page: validate, call its service, show errors on the fields or redirect."""
    spec = CASE_ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = selectors.case_for_insats(user=request.user, case_id=case_id, request=request, what=f"insats_{action}")
    require_perm(request.user, spec.perm)
    if not spec.fits(case):
        raise Http404
    form = _make_form(action, case, request.user, request.POST)
    if form.is_valid():
        try:
            result = spec.run(request, case, form)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, spec.message)
            if action == "plan":
                return redirect("interventions:plan", plan_id=result.pk)
            if action in REPORT_PDFS:  # the report of the utlämnande just recorded
                return redirect(reverse(REPORT_PDFS[action], args=[case.pk]) + f"?utlamnande={result.pk}")
            return redirect(reverse("interventions:case", args=[case.pk]) + f"#{spec.anchor}")
    return _insats_page(request, case, bound={action: form}, status=400)
