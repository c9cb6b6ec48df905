"""HTML views for insatser, plans and field work: parse input, call one selector and/or service, render.

Every view declares its access policy. Cases and people are reached only through selectors that apply
permissions (404 when not visible) and write the access log. Each form posts to one action; a service's
ValidationError goes back onto the form's fields (Swedish), the page is shown again with status 400.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.models import Case, Custodian
from cases.selectors import CASE_LIST_ORDERINGS
from consent import services as consent_services
from consent.selectors import disclosure_list_for_case
from core.forms import apply_service_errors
from core.policy import access_policy
from documents.models import AktbilagaKind
from interventions import forms, selectors, services, todo
from interventions.models import (
    CommunityServiceOrder,
    Mediation,
    MediationStatus,
    PartyRole,
    Plan,
)
from interventions.pdf import given_out_pdf_response, pdf_response

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
            "cases": mine.cases,
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


# ---------------------------------------------------------------- helpers


def _require(user, perm: str) -> None:
    # A visible case but an action the role may not take: answer like an unknown URL (deny by default).
    if not user.has_perm(perm):
        raise Http404


def _order(case: Case) -> CommunityServiceOrder:
    return selectors.community_service_order_for_case(case=case)


def _mediation(case: Case) -> Mediation:
    return selectors.mediation_for_case(case=case)


def _custodian(case: Case, giver: str) -> Custodian | None:
    if giver == forms.YOUNG_PERSON:
        return None
    custodian = next((c for c in case.person.custodians.all() if str(c.pk) == giver), None)
    if custodian is None:
        raise ValidationError({"giver": _("Välj ungdomen eller en av vårdnadshavarna.")})
    return custodian


@dataclass(frozen=True)
class Action:
    form: Callable
    perm: str
    run: Callable
    message: str
    anchor: str
    insats: str | tuple[str, ...] | None = None  # the insats (or insatser) the action belongs to

    def fits(self, case: Case) -> bool:
        if not self.insats:
            return True
        allowed = (self.insats,) if isinstance(self.insats, str) else self.insats
        return case.insats_type.code in allowed


def _d(form) -> dict:
    return form.cleaned_data


def _submit(request: HttpRequest, form, run: Callable, message: str | Callable) -> bool:
    """Validate a bound form and run its service with the cleaned data as keyword arguments. True when saved
    (the success message, or message(result), is queued); False when the form or the service refused, with
    the errors on the form."""
    if not form.is_valid():
        return False
    try:
        result = run(**form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    messages.success(request, message(result) if callable(message) else message)
    return True


# A page with several forms says in its POST which one was sent (hidden field "form").


def _bound(request: HttpRequest, name: str):
    """The POST data for the form `name` when the POST is that form's, else None (the form stays unbound)."""
    return request.POST if request.POST.get("form") == name else None


def _submit_chosen(request: HttpRequest, submits: dict[str, tuple]) -> bool:
    """_submit the (form, run, message) of the form the POST names; False when it names none of them."""
    chosen = request.POST.get("form")
    return chosen in submits and _submit(request, *submits[chosen])


# ---------------------------------------------------------------- case actions

CASE_ACTIONS: dict[str, Action] = {
    # Ungdomstjänst
    "ungdomstjanst": Action(
        form=forms.CommunityServiceForm,
        perm="interventions.change_communityserviceorder",
        run=lambda r, case, f: services.community_service_set(actor=r.user, case=case, **_d(f)),
        message=gettext_lazy("Uppgifterna om ungdomstjänsten är sparade."),
        anchor="ungdomstjanst",
        insats="ungdomstjanst",
    ),
    "arbetsplats": Action(
        form=forms.WorkplaceForm,
        perm="interventions.change_communityserviceorder",
        run=lambda r, case, f: services.community_service_workplace_add(actor=r.user, order=_order(case), **_d(f)),
        message=gettext_lazy("Arbetsplatsen är tillagd."),
        anchor="ungdomstjanst",
        insats="ungdomstjanst",
    ),
    "timmar": Action(
        form=forms.SessionForm,
        perm="interventions.change_communityserviceorder",
        run=lambda r, case, f: services.community_service_session_add(actor=r.user, order=_order(case), **_d(f)),
        message=gettext_lazy("Timmarna är registrerade."),
        anchor="ungdomstjanst",
        insats="ungdomstjanst",
    ),
    "ungdomstjanst-avslut": Action(
        form=forms.CommunityServiceEndForm,
        perm="interventions.change_communityserviceorder",
        run=lambda r, case, f: services.community_service_end(actor=r.user, order=_order(case), **_d(f)),
        message=gettext_lazy("Ungdomstjänsten är avslutad."),
        anchor="ungdomstjanst",
        insats="ungdomstjanst",
    ),
    "rapport-ungdomstjanst": Action(
        form=forms.ReportForm,
        perm="consent.add_disclosure",
        run=lambda r, case, f: services.insats_report_disclose(actor=r.user, case=case, kind="ungdomstjanst", **_d(f)),
        message=gettext_lazy("Utlämnandet är registrerat. Rapporten är klar att skicka."),
        anchor="utlamnanden",
        insats="ungdomstjanst",
    ),
    # Medling
    "medling": Action(
        form=forms.MediationForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_set(actor=r.user, case=case, **_d(f)),
        message=gettext_lazy("Uppgifterna om medlingen är sparade."),
        anchor="medling",
        insats="medling",
    ),
    "part": Action(
        form=forms.PartyForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_party_add(
            actor=r.user, mediation=_mediation(case), role=PartyRole.VICTIM, **_d(f)
        ),
        message=gettext_lazy("Brottsoffret är tillagt som part."),
        anchor="medling",
        insats="medling",
    ),
    "kontroller": Action(
        form=forms.ChecksForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_checks_record(actor=r.user, mediation=_mediation(case), **_d(f)),
        message=gettext_lazy("Kontrollerna enligt 5 § är registrerade."),
        anchor="medling",
        insats="medling",
    ),
    "medling-start": Action(
        form=forms.StartForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_start(actor=r.user, mediation=_mediation(case), **_d(f)),
        message=gettext_lazy("Medlingen är påbörjad."),
        anchor="medling",
        insats="medling",
    ),
    "samrad": Action(
        form=forms.ConsultationForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_consultation_add(actor=r.user, mediation=_mediation(case), **_d(f)),
        message=gettext_lazy("Samrådet är registrerat."),
        anchor="medling",
        insats="medling",
    ),
    "medlingsmote": Action(
        form=forms.MediationMeetingForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_meeting_add(actor=r.user, mediation=_mediation(case), **_d(f)),
        message=gettext_lazy("Mötet är registrerat."),
        anchor="medling",
        insats="medling",
    ),
    "medling-avslut": Action(
        form=forms.MediationEndForm,
        perm="interventions.change_mediation",
        run=lambda r, case, f: services.mediation_end(actor=r.user, mediation=_mediation(case), **_d(f)),
        message=gettext_lazy("Medlingen är avslutad."),
        anchor="medling",
        insats="medling",
    ),
    "rapport-medling": Action(
        form=forms.ReportForm,
        perm="consent.add_disclosure",
        run=lambda r, case, f: services.insats_report_disclose(actor=r.user, case=case, kind="medling", **_d(f)),
        message=gettext_lazy("Utlämnandet är registrerat. Rapporten är klar att skicka."),
        anchor="utlamnanden",
        insats="medling",
    ),
    # Stöd, SKK, Avhopp
    "stod": Action(
        form=forms.VictimSupportForm,
        perm="interventions.change_victimsupport",
        run=lambda r, case, f: services.victim_support_set(actor=r.user, case=case, **_d(f)),
        message=gettext_lazy("Uppgifterna är sparade."),
        anchor="stod",
        insats="stod_brottsutsatta",
    ),
    "skk": Action(
        form=forms.SkkForm,
        perm="interventions.change_skkassignment",
        run=lambda r, case, f: services.skk_set(actor=r.user, case=case, **_d(f)),
        message=gettext_lazy("Uppgifterna om kontaktpersonen är sparade."),
        anchor="skk",
        insats="skk",
    ),
    "hotbild": Action(
        form=forms.DefectorAssessmentForm,
        perm="interventions.add_defectorassessment",
        run=lambda r, case, f: services.defector_assess(actor=r.user, case=case, **_d(f)),
        message=gettext_lazy("Bedömningen är registrerad."),
        anchor="avhopp",
        insats="avhopp",
    ),
    "kopt-insats": Action(
        form=forms.PurchaseForm,
        perm="interventions.add_purchasedservice",
        run=lambda r, case, f: services.purchased_service_add(actor=r.user, case=case, **_d(f)),
        message=gettext_lazy("Den köpta insatsen är registrerad."),
        anchor="avhopp",
        insats="avhopp",
    ),
    # Återfall (SIG and avhopp): the indicator of effect in the SIG special follow-up
    "aterfall": Action(
        form=forms.ReoffenceForm,
        perm="interventions.add_reoffence",
        run=lambda r, case, f: services.reoffence_record(actor=r.user, case=case, **_d(f)),
        message=gettext_lazy("Återfallet är registrerat."),
        anchor="aterfall",
        insats=services.REOFFENCE_INSATSER,
    ),
    # Every case: plans, consent and disclosures
    "plan": Action(
        form=lambda data, case, user: forms.PlanCreateForm(data, case=case, user=user),
        perm="interventions.add_plan",
        run=lambda r, case, f: services.plan_create(actor=r.user, case=case, **_d(f)),
        message=gettext_lazy("Genomförandeplanen är skapad."),
        anchor="planer",
    ),
    "samtycke": Action(
        form=forms.ConsentRecordForm,
        perm="consent.add_consent",
        run=lambda r, case, f: consent_services.consent_record(
            actor=r.user,
            person=case.person,
            custodian=_custodian(case, _d(f)["giver"]),
            actors=list(_d(f)["actors"]),
            given_on=_d(f)["given_on"],
            form=_d(f)["form"],
            valid_until=_d(f)["valid_until"],
            note=_d(f)["note"],
        ),
        message=gettext_lazy("Samtycket är registrerat."),
        anchor="samtycke",
    ),
    "aterkalla": Action(
        form=forms.ConsentRevokeForm,
        perm="consent.add_consentrevocation",
        run=lambda r, case, f: consent_services.consent_revoke(actor=r.user, **_d(f)),
        message=gettext_lazy("Samtycket är återkallat från och med det angivna datumet."),
        anchor="samtycke",
    ),
    "utlamnande": Action(
        form=lambda data, case, user: forms.DisclosureForm(data, case=case, user=user),
        perm="consent.add_disclosure",
        run=lambda r, case, f: consent_services.disclosure_record(actor=r.user, person=case.person, case=case, **_d(f)),
        message=gettext_lazy("Utlämnandet är registrerat."),
        anchor="utlamnanden",
    ),
}

# Heading and button text of each form (case page and plan page).
FORM_TEXT = {
    "ungdomstjanst": (gettext_lazy("Dom och handledare"), gettext_lazy("Spara")),
    "arbetsplats": (gettext_lazy("Lägg till arbetsplats"), gettext_lazy("Lägg till arbetsplats")),
    "timmar": (gettext_lazy("Registrera utförda timmar"), gettext_lazy("Registrera timmar")),
    "ungdomstjanst-avslut": (gettext_lazy("Avsluta ungdomstjänsten"), gettext_lazy("Avsluta")),
    "rapport-ungdomstjanst": (
        gettext_lazy("Rapport till åklagare eller domstol (utlämnande)"),
        gettext_lazy("Registrera utlämnandet och skapa rapporten"),
    ),
    "medling": (gettext_lazy("Uppgifter om medlingen"), gettext_lazy("Spara")),
    "part": (gettext_lazy("Lägg till brottsoffer"), gettext_lazy("Lägg till brottsoffer")),
    "kontroller": (gettext_lazy("Kontroller enligt 5 § lagen om medling"), gettext_lazy("Spara kontrollerna")),
    "medling-start": (gettext_lazy("Påbörja medlingen"), gettext_lazy("Påbörja medling")),
    "samrad": (gettext_lazy("Samråd med förundersökningsledaren"), gettext_lazy("Registrera samråd")),
    "medlingsmote": (gettext_lazy("Registrera möte"), gettext_lazy("Registrera möte")),
    "medling-avslut": (gettext_lazy("Avsluta medlingen"), gettext_lazy("Avsluta medlingen")),
    "rapport-medling": (
        gettext_lazy("Rapport till åklagaren (utlämnande)"),
        gettext_lazy("Registrera utlämnandet och skapa rapporten"),
    ),
    "stod": (gettext_lazy("Brottet"), gettext_lazy("Spara")),
    "skk": (gettext_lazy("Kontaktperson"), gettext_lazy("Spara")),
    "hotbild": (gettext_lazy("Ny bedömning av hotbild och motivation"), gettext_lazy("Registrera bedömning")),
    "kopt-insats": (gettext_lazy("Registrera köpt insats"), gettext_lazy("Registrera köpt insats")),
    "aterfall": (gettext_lazy("Registrera återfall"), gettext_lazy("Registrera återfall")),
    "plan": (gettext_lazy("Ny genomförandeplan"), gettext_lazy("Skapa plan")),
    "samtycke": (gettext_lazy("Registrera samtycke"), gettext_lazy("Registrera samtycke")),
    "aterkalla": (gettext_lazy("Återkalla samtycke"), gettext_lazy("Återkalla samtycket")),
    "utlamnande": (gettext_lazy("Registrera utlämnande"), gettext_lazy("Registrera utlämnande")),
    "andra": (gettext_lazy("Ändra mål och uppföljningssätt"), gettext_lazy("Spara")),
    "aktor": (gettext_lazy("Lägg till aktör i planen"), gettext_lazy("Lägg till aktör")),
    "mal": (gettext_lazy("Lägg till mål"), gettext_lazy("Lägg till mål")),
    "aktivitet": (gettext_lazy("Lägg till aktivitet"), gettext_lazy("Lägg till aktivitet")),
    "aktivitet-klar": (gettext_lazy("Markera aktivitet som klar"), gettext_lazy("Markera som klar")),
    "godkannande": (gettext_lazy("Registrera godkännande av planen"), gettext_lazy("Registrera godkännande")),
    "tranare": (gettext_lazy("Personlig tränare"), gettext_lazy("Spara")),
    "uppfoljning-planera": (gettext_lazy("Planera uppföljning"), gettext_lazy("Planera uppföljning")),
    "uppfoljning": (gettext_lazy("Registrera genomförd uppföljning"), gettext_lazy("Registrera uppföljning")),
    "revidera": (gettext_lazy("Revidera planen (ny version)"), gettext_lazy("Skapa ny version")),
}


@dataclass
class PageForm:
    name: str
    form: object
    url: str
    title: str
    submit: str


def _page_forms(forms_by_name: dict, url_name: str, obj_id) -> list[PageForm]:
    return [
        PageForm(name, form, reverse(url_name, args=[obj_id, name]), *FORM_TEXT[name])
        for name, form in forms_by_name.items()
    ]


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
    """The insats forms that still apply: a started medling offers no checks or start, an ended one only its
    report (the report with the outcome follows the end)."""
    names = SECTION_FORMS.get(panel.code, [])
    if panel.code == "medling" and panel.mediation is not None:
        if panel.mediation.status == MediationStatus.ENDED:
            return [name for name in names if name in REPORT_PDFS]
        if panel.mediation.started_on:
            return [name for name in names if name not in MEDIATION_FORMS_BEFORE_START]
    return names


def _case_forms(user, case: Case, panel, *, tracks_reoffences: bool, bound: dict | None) -> dict:
    """The forms of an open case's insats page the user may use: a failed POST's bound form as it was, the
    others with the record's current values. A closed case offers only the report on its insats."""
    names = _section_forms(panel) + (REOFFENCE_FORMS if tracks_reoffences else []) + COMMON_FORMS
    if not case.is_open:
        names = [name for name in names if name in REPORT_PDFS]
    page_forms = {}
    for name in names:
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


def _case_section(page_forms: dict, case: Case, names) -> list[PageForm]:
    """The page's forms of one section (`names` decides which), each posting to its case action."""
    return _page_forms({k: v for k, v in page_forms.items() if names(k)}, "interventions:case_action", case.pk)


def _case_page(request: HttpRequest, case: Case, *, bound: dict | None = None, status: int = 200):
    # the case itself came through case_for_insats (permissions applied, access logged)
    panel = selectors.case_insats_panel(case=case)
    tracks_reoffences = panel.code in services.REOFFENCE_INSATSER
    reoffences = selectors.reoffences_for_case(case=case) if tracks_reoffences else []
    page_forms = _case_forms(request.user, case, panel, tracks_reoffences=tracks_reoffences, bound=bound)
    return render(
        request,
        "interventions/case_page.html",
        {
            "case": case,
            "person": case.person,
            "panel": panel,
            "insats_forms": _case_section(page_forms, case, lambda name: name not in COMMON_FORMS + REOFFENCE_FORMS),
            "tracks_reoffences": tracks_reoffences,
            "reoffences": reoffences,
            "reoffence_forms": _case_section(page_forms, case, lambda name: name in REOFFENCE_FORMS),
            "common_forms": _case_section(page_forms, case, lambda name: name in COMMON_FORMS),
        },
        status=status,
    )


@access_policy("case")
@login_required
def case_insats(request, case_id):
    """The insats page of a case: details of its insats, plans, consent and disclosures, with the forms."""
    case = selectors.case_for_insats(user=request.user, case_id=case_id, request=request, what="insats_page")
    return _case_page(request, case)


@access_policy("case")
@login_required
@require_POST
def case_action(request, case_id, action):
    """One form on the insats page: validate, call its service, show errors on the fields or redirect."""
    spec = CASE_ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = selectors.case_for_insats(user=request.user, case_id=case_id, request=request, what=f"insats_{action}")
    _require(request.user, spec.perm)
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
    return _case_page(request, case, bound={action: form}, status=400)


# ---------------------------------------------------------------- correcting and removing recorded rows


@dataclass(frozen=True)
class RowKind:
    """A kind of recorded row with hours, costs, fees or numbers that can be corrected or removed (with a reason).
    `get(owner, row_id)` fetches it within the case or the user's unit (404 otherwise); `form(data, row, user)`
    is the correction form; `initial(row)` its current values; `back(row)` where to return."""

    title: str
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
        insats="ungdomstjanst",
    ),
    "kopt-insats": RowKind(
        title=gettext_lazy("Rätta eller ta bort köpt insats"),
        perm="interventions.change_purchasedservice",
        get=lambda case, pk: selectors.purchase_get(case=case, purchase_id=pk),
        form=lambda data, row, user: forms.PurchaseCorrectForm(data, case=row.case),
        initial=lambda row: _values(row, ("kind", "provider", "starts_on", "ends_on", "cost", "note")),
        correct=lambda r, row, d: services.purchased_service_correct(actor=r.user, service=row, **d),
        remove=lambda r, row, why: services.purchased_service_remove(actor=r.user, service=row, change_reason=why),
        back=lambda row: reverse("interventions:case", args=[row.case_id]) + "#avhopp",
        insats="avhopp",
    ),
}

UNIT_ROWS: dict[str, RowKind] = {
    "faltpass": RowKind(
        title=gettext_lazy("Rätta eller ta bort fältpass"),
        perm="interventions.change_fieldshift",
        get=lambda user, pk: selectors.field_shift_get_for_user(user=user, shift_id=pk),
        form=lambda data, row, user: forms.FieldShiftCorrectForm(data, user=user),
        initial=lambda row: {
            **_values(row, ("worked_on", "area", "youths_met", "youths_talked", "notes")),
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
        form=lambda data, row, user: forms.AreaEffortCorrectForm(data),
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
    correct_form = spec.form(_bound(request, ROW_CORRECT), row, request.user)
    remove_form = forms.RemoveForm(_bound(request, ROW_REMOVE))
    if not correct_form.is_bound:  # show the row's current values
        for name, value in spec.initial(row).items():
            correct_form.fields[name].initial = value
    submits = {
        ROW_CORRECT: (correct_form, lambda **data: spec.correct(request, row, data), ROW_CORRECTED),
        ROW_REMOVE: (remove_form, lambda change_reason: spec.remove(request, row, change_reason), ROW_REMOVED),
    }
    if _submit_chosen(request, submits):
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
    _require(request.user, spec.perm)
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
    _require(request.user, spec.perm)
    row = spec.get(request.user, row_id)
    return _row_page(request, spec, row)


# ---------------------------------------------------------------- plans

PLAN_ACTIONS: dict[str, Action] = {
    "andra": Action(
        form=forms.PlanEditForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_update(actor=r.user, plan=plan, **_d(f)),
        message=gettext_lazy("Planen är uppdaterad."),
        anchor="plan",
    ),
    "aktor": Action(
        form=forms.ParticipantForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_participant_add(
            actor=r.user, plan=plan, actor_obj=_d(f)["actor"], contact=_d(f)["contact"]
        ),
        message=gettext_lazy("Aktören ingår nu i planen."),
        anchor="aktorer",
    ),
    "mal": Action(
        form=forms.GoalForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_goal_add(actor=r.user, plan=plan, **_d(f)),
        message=gettext_lazy("Målet är tillagt."),
        anchor="mal",
    ),
    "aktivitet": Action(
        form=forms.ActivityForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_activity_add(actor=r.user, plan=plan, **_d(f)),
        message=gettext_lazy("Aktiviteten är tillagd."),
        anchor="aktiviteter",
    ),
    "aktivitet-klar": Action(
        form=forms.ActivityDoneForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_activity_done(actor=r.user, plan=plan, **_d(f)),
        message=gettext_lazy("Aktiviteten är markerad som klar."),
        anchor="aktiviteter",
    ),
    "godkannande": Action(
        form=forms.AgreementForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_agreement_record(
            actor=r.user, plan=plan, custodian=_custodian(plan.case, _d(f)["giver"]), agreed_on=_d(f)["agreed_on"]
        ),
        message=gettext_lazy("Godkännandet är registrerat."),
        anchor="godkannanden",
    ),
    "tranare": Action(
        form=forms.TrainerForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_trainer_assign(actor=r.user, plan=plan, **_d(f)),
        message=gettext_lazy("Den personliga tränaren är utsedd."),
        anchor="plan",
    ),
    "uppfoljning-planera": Action(
        form=forms.FollowUpScheduleForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_follow_up_schedule(actor=r.user, plan=plan, **_d(f)),
        message=gettext_lazy("Uppföljningen är inplanerad."),
        anchor="uppfoljningar",
    ),
    "uppfoljning": Action(
        form=forms.FollowUpRecordForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_follow_up_record(
            actor=r.user,
            follow_up=_d(f)["follow_up"],
            held_on=_d(f)["held_on"],
            note=_d(f)["note"],
            attainments=f.attainments(),
        ),
        message=gettext_lazy("Uppföljningen är registrerad."),
        anchor="uppfoljningar",
    ),
    "revidera": Action(
        form=forms.ReviseForm,
        perm="interventions.change_plan",
        run=lambda r, plan, f: services.plan_revise(actor=r.user, plan=plan, **_d(f)),
        message=gettext_lazy("En ny version av planen är skapad. Den tidigare versionen finns kvar att läsa."),
        anchor="plan",
    ),
    "samtycke": Action(
        form=forms.ConsentRecordForm,
        perm="consent.add_consent",
        run=lambda r, plan, f: CASE_ACTIONS["samtycke"].run(r, plan.case, f),
        message=gettext_lazy("Samtycket är registrerat."),
        anchor="samtycke",
    ),
    "aterkalla": Action(
        form=forms.ConsentRevokeForm,
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
            "forms": _page_forms(page_forms, "interventions:plan_action", plan.pk),
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
    _require(request.user, spec.perm)
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
    context = {
        "plan": plan,
        "case": plan.case,
        "person": plan.case.person,
        "state": state,
        "version": state.version,
        "today": timezone.localdate(),
    }
    filename = f"genomforandeplan-{plan.case.number}.pdf"
    if request.GET.get("lamnas_ut") == "1":  # given to the young person and the family: kept as an aktbilaga
        return given_out_pdf_response(
            template="interventions/pdf/plan.html",
            context=context,
            filename=filename,
            actor=request.user,
            case=plan.case,
            kind=AktbilagaKind.PLAN,
        )
    return pdf_response(template="interventions/pdf/plan.html", context=context, filename=filename)


def _report_disclosure(request, case: Case):
    """The utlämnande a report is printed for (?utlamnande=<id>, recorded on this case), or None: a preview."""
    raw = request.GET.get("utlamnande")
    if raw is None:
        return None
    if not raw.isdigit():
        raise Http404
    disclosure = disclosure_list_for_case(case=case).filter(pk=int(raw)).first()
    if disclosure is None:
        raise Http404
    return disclosure


def _report_pdf(request, case_id, *, what: str, template: str, record: str, filename: str, kind: str):
    """A report on the case's insats (`record`: the panel's attribute holding it, 404 while there is none) to
    åklagare/domstol: for an utlämnande recorded on the case (the insats page records it), or without one a
    preview marked as not sent. The print is access-logged."""
    case = selectors.case_for_print(user=request.user, case_id=case_id, request=request, what=what)
    disclosure = _report_disclosure(request, case)
    panel = selectors.case_insats_panel(case=case)
    if getattr(panel, record) is None:
        raise Http404
    context = {
        "case": case,
        "person": case.person,
        "panel": panel,
        "order": panel.community_service,
        "mediation": panel.mediation,
        "disclosure": disclosure,
        "today": timezone.localdate(),
        "author": request.user,
    }
    if disclosure is not None:  # sent under an utlämnande: kept as an aktbilaga (the first print is what was sent)
        return given_out_pdf_response(
            template=template,
            context=context,
            filename=f"{filename}-{case.number}.pdf",
            actor=request.user,
            case=case,
            kind=kind,
            utlamnande=disclosure,
        )
    return pdf_response(template=template, context=context, filename=f"{filename}-{case.number}.pdf")


@access_policy("case")
@login_required
def community_service_pdf(request, case_id):
    """Report on an ungdomstjänst to åklagare/domstol (or a preview)."""
    return _report_pdf(
        request,
        case_id,
        what="ungdomstjanst_pdf",
        template="interventions/pdf/community_service.html",
        record="community_service",
        filename="ungdomstjanst",
        kind=AktbilagaKind.COMMUNITY_SERVICE_REPORT,
    )


@access_policy("case")
@login_required
def mediation_pdf(request, case_id):
    """Report on a mediation back to åklagaren (or a preview)."""
    return _report_pdf(
        request,
        case_id,
        what="medling_pdf",
        template="interventions/pdf/mediation.html",
        record="mediation",
        filename="medling",
        kind=AktbilagaKind.MEDIATION_REPORT,
    )


# ---------------------------------------------------------------- planning view


@access_policy("case")
@login_required
def planning(request):
    """Planering: the to-do list of every responsible user on the open cases the user may see (or only the
    user's own, as on Mina ärenden), and plans lacking consent per samordnare."""
    _require(request.user, "interventions.view_plan")
    only_mine = request.GET.get("visa") == "mina"
    today = timezone.localdate()
    groups = selectors.planning_for_user(user=request.user, on=today, request=request, only_mine=only_mine)
    return render(
        request,
        "interventions/planning.html",
        {"groups": groups, "only_mine": only_mine, "today": today, "horizon": settings.PLAN_FOLLOW_UP_HORIZON_DAYS},
    )


@access_policy("manager")
@login_required
def caseload(request):
    """The enhetschef's unit: caseload and to-do counts per handläggare (no names of young people)."""
    _require(request.user, "cases.reassign_case")
    if not request.user.unit_id:
        raise Http404
    today = timezone.localdate()
    rows = todo.caseload_for_manager(user=request.user, on=today)
    return render(
        request,
        "interventions/caseload.html",
        {
            "rows": rows,
            "today": today,
            "week_end": todo.week_end(today),
            "unit": request.user.unit,
            "horizon": settings.PLAN_FOLLOW_UP_HORIZON_DAYS,
            "consent_days": settings.CONSENT_EXPIRY_NOTICE_DAYS,
        },
    )


# ---------------------------------------------------------------- stöd: a whole short case in one form


@access_policy("person")
@login_required
def short_case(request):
    """Record a whole short support case (register or pick the person, open, 1–2 contacts, close)."""
    _require(request.user, "cases.add_case")
    form = forms.ShortCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["existing_number"]
        try:
            person = selectors.short_case_person(user=request.user, number=number) if number else None
            case = services.victim_support_short_case(actor=request.user, person=person, **form.case_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Ärendet %(number)s är registrerat och avslutat.") % {"number": case.number})
            return redirect("interventions:case", case_id=case.pk)
    return render(request, "interventions/short_case.html", {"form": form}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- avhopp costs


@access_policy("case")
@login_required
def avhopp_costs(request):
    """Purchased insatser for avhoppare summed per year over the cases the user may see (no names)."""
    _require(request.user, "interventions.view_purchasedservice")
    return render(
        request, "interventions/avhopp_costs.html", {"rows": selectors.purchased_costs_per_year(user=request.user)}
    )


# ---------------------------------------------------------------- ASLAN


@access_policy("case")
@login_required
def aslan_groups(request):
    _require(request.user, "interventions.view_aslangroup")
    form = forms.AslanGroupForm(request.POST or None)
    if request.method == "POST":
        _require(request.user, "interventions.add_aslangroup")
        if form.is_valid():
            try:
                group = services.aslan_group_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Gruppen är skapad."))
                return redirect("interventions:aslan_group", group_id=group.pk)
    return render(
        request,
        "interventions/aslan_groups.html",
        {"groups": selectors.aslan_groups_for_user(user=request.user), "form": form},
        status=400 if form.errors else 200,
    )


ASLAN_ADDED = gettext_lazy("Barnet är tillagt i gruppen.")
ASLAN_MET = gettext_lazy("Träffen och närvaron är registrerade.")


def _aslan_add(request, group, case: Case):
    """The child joins with its custodians as parents."""
    parents = selectors.aslan_parents_for(case=case)
    return services.aslan_participant_add(actor=request.user, group=group, case=case, parents=parents)


def _aslan_meeting(request, group, form):
    """The meeting's date and topic, and the attendance from the form's fields per child."""
    return services.aslan_meeting_record(
        actor=request.user,
        group=group,
        held_on=form.cleaned_data["held_on"],
        topic=form.cleaned_data["topic"],
        attendance=form.attendance(),
    )


@access_policy("case")
@login_required
def aslan_group(request, group_id):
    """An ASLAN group: children (ASLAN cases of the unit) with parents, meetings and attendance."""
    _require(request.user, "interventions.view_aslangroup")
    group = selectors.aslan_group_get_for_user(user=request.user, group_id=group_id, request=request)
    add_form = forms.AslanParticipantForm(
        _bound(request, "deltagare"), cases=selectors.aslan_cases_available(user=request.user, group=group)
    )
    meeting_form = forms.AslanMeetingForm(_bound(request, "traff"), participants=group.visible_participants)
    if request.method == "POST":
        _require(request.user, "interventions.change_aslangroup")
        submits = {
            "deltagare": (add_form, lambda case: _aslan_add(request, group, case), ASLAN_ADDED),
            "traff": (meeting_form, lambda **_: _aslan_meeting(request, group, meeting_form), ASLAN_MET),
        }
        if _submit_chosen(request, submits):
            return redirect("interventions:aslan_group", group_id=group.pk)
    return render(
        request,
        "interventions/aslan_group.html",
        {"group": group, "add_form": add_form, "meeting_form": meeting_form},
        status=400 if (add_form.errors or meeting_form.errors) else 200,
    )


# ---------------------------------------------------------------- fältverksamhet (no individual cases)


FIELD_SHIFT_SAVED = gettext_lazy("Fältpasset är registrerat.")


@access_policy("authenticated")
@login_required
def field_shifts(request):
    """Shift log of the user's unit: area, staff, youths met and talked with (numbers only)."""
    _require(request.user, "interventions.view_fieldshift")
    form = forms.FieldShiftForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _require(request.user, "interventions.add_fieldshift")
        if _submit(request, form, partial(services.field_shift_record, actor=request.user), FIELD_SHIFT_SAVED):
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
    return _("Kvällen är schemalagd. Arvode: %(fee)s kr.") % {"fee": night.fee}


@access_policy("authenticated")
@login_required
def polare_roster(request):
    """Polare of the unit, nights on the roster and the fee per night from the fee table."""
    _require(request.user, "interventions.view_polare")
    roster = selectors.polare_roster_for_user(user=request.user)
    polare_form = forms.PolareForm(_bound(request, "polare"))
    night_form = forms.PolareNightForm(_bound(request, "kvall"), polare_queryset=roster)
    if request.method == "POST":
        _require(request.user, "interventions.change_polare")
        submits = {
            "polare": (polare_form, partial(services.polare_add, actor=request.user), POLARE_ADDED),
            "kvall": (night_form, partial(services.polare_night_book, actor=request.user), _booked),
        }
        if _submit_chosen(request, submits):
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
    _require(request.user, "interventions.view_areaeffort")
    start_form = forms.AreaEffortForm(_bound(request, "ny"))
    efforts = selectors.area_efforts_for_user(user=request.user)
    extend_form = forms.area_effort_extend_form(_bound(request, "forlang"), efforts=efforts)
    if request.method == "POST":
        _require(request.user, "interventions.change_areaeffort")
        submits = {
            "ny": (start_form, partial(services.area_effort_start, actor=request.user), AREA_EFFORT_SAVED),
            "forlang": (extend_form, partial(services.area_effort_extend, actor=request.user), AREA_EFFORT_SAVED),
        }
        if _submit_chosen(request, submits):
            return redirect("interventions:area_efforts")
    return render(
        request,
        "interventions/area_efforts.html",
        {"efforts": efforts, "start_form": start_form, "extend_form": extend_form, "today": timezone.localdate()},
        status=400 if (start_form.errors or extend_form.errors) else 200,
    )
