"""The insats page of a case (not the case page, cases.views.case_detail): details of its insats, plans, consent
and disclosures, with the forms that change them. Every form is a declaration (views/declarations.py) of its
insats module; this page registers them in page order and reads only the registry."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.models import Case
from consent import forms as consent_forms
from consent import views as consent_views
from core.forms import apply_service_errors
from core.policy import access_policy
from interventions import selectors
from interventions.rules import REOFFENCE_INSATSER
from interventions.selectors import CaseInsatsPanel
from interventions.views import avhopp, community_service, mediation, plans, reports, skk, victim_support
from interventions.views.common import require_perm
from interventions.views.declarations import (
    COMMON,
    INSATS,
    INSATS_FORMS,
    OPEN_PARAMETER,
    REOFFENCE,
    InsatsForm,
    PageForm,
)

# ---------------------------------------------------------------- consent and utlämnanden (every case)

CONSENT_RECORD = InsatsForm(
    name="samtycke",
    title=_("Registrera samtycke"),
    button=_("Registrera samtycke"),
    form=consent_forms.ConsentRecordForm,
    perm="consent.add_consent",
    run=consent_views.consent_record_posted,
    message=_("Samtycket är registrerat."),
    anchor="samtycke",
    section=COMMON,
)
CONSENT_REVOKE = InsatsForm(
    name="aterkalla",
    title=_("Återkalla samtycke"),
    button=_("Återkalla samtycket"),
    form=consent_forms.ConsentRevokeForm,
    perm="consent.add_consentrevocation",
    run=consent_views.consent_revoke_posted,
    message=_("Samtycket är återkallat från och med det angivna datumet."),
    anchor="samtycke",
    section=COMMON,
)
DISCLOSURE = InsatsForm(
    name="utlamnande",
    title=_("Registrera utlämnande"),
    button=_("Registrera utlämnande"),
    form=consent_forms.DisclosureForm,
    perm="consent.add_disclosure",
    run=consent_views.disclosure_record_posted,
    message=_("Utlämnandet är registrerat."),
    anchor="utlamnanden",
    section=COMMON,
    with_user=True,
)

# page order: the insats's own forms (its report last), återfall, then what every case has
INSATS_FORMS.register(
    *community_service.FORMS,
    reports.COMMUNITY_SERVICE_REPORT,
    *mediation.FORMS,
    reports.MEDIATION_REPORT,
    *victim_support.FORMS,
    *skk.FORMS,
    *avhopp.FORMS,
    avhopp.REOFFENCE_FORM,
    plans.CREATE,
    CONSENT_RECORD,
    CONSENT_REVOKE,
    DISCLOSURE,
)


def _insats_forms(
    user, case: Case, panel: CaseInsatsPanel, bound: dict | None, opened: str | None
) -> dict[str, list[PageForm]]:
    """The forms of the insats page the user may use, per section (a closed case: only those declared
    after_close, the reports): a failed POST's bound form as it was, the others with the record's current
    values, built only when shown; the one `opened` names is shown opened. A refused form is shown with its
    errors even when the page no longer offers it (posted from a page opened before the insats ended), so the
    user reads why."""
    sections: dict[str, list[PageForm]] = {INSATS: [], REOFFENCE: [], COMMON: []}
    for declaration in INSATS_FORMS:
        refused = (bound or {}).get(declaration.name)
        if (refused is not None or declaration.offered(case, panel)) and user.has_perm(declaration.perm):
            page_form = PageForm(
                declaration,
                build=partial(declaration.make, case, user, panel=panel),
                url=declaration.url(case),
                place=declaration.place(case),
                open=declaration.name == opened,
                refused=refused,
            )
            sections[declaration.section].append(page_form)
    return sections


def _insats_page(request: HttpRequest, case: Case, *, bound: dict | None = None, status: int = 200):
    # the case itself came through case_for_insats (permissions applied, access logged)
    panel = selectors.case_insats_panel(case=case)
    tracks_reoffences = panel.code in REOFFENCE_INSATSER
    sections = _insats_forms(request.user, case, panel, bound, request.GET.get(OPEN_PARAMETER))
    return render(
        request,
        "interventions/insats_page.html",
        {
            "case": case,
            "person": case.person,
            "panel": panel,
            "insats_forms": sections[INSATS],
            "tracks_reoffences": tracks_reoffences,
            "reoffences": selectors.reoffences_for_case(case=case) if tracks_reoffences else [],
            "reoffence_forms": sections[REOFFENCE],
            "common_forms": sections[COMMON],
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
    declaration = INSATS_FORMS.get(action)
    if declaration is None:
        raise Http404
    case = selectors.case_for_insats(user=request.user, case_id=case_id, request=request, what=f"insats_{action}")
    require_perm(request.user, declaration.perm)
    if not declaration.fits(case):
        raise Http404
    form = declaration.make(case, request.user, request.POST)
    if form.is_valid():
        try:
            result = declaration.run(request, case, form)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, declaration.message)
            return redirect(declaration.done(case, result))
    return _insats_page(request, case, bound={action: form}, status=400)
