"""Reports on an ungdomstjänst or a medling to åklagare/domstol (PDF), for an utlämnande or as a preview."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, InsatsCode
from consent.selectors import disclosure_list_for_case
from core.http import signed_in_user
from core.policy import access_policy
from documents.models import AktbilagaKind
from interventions import forms, selectors, services
from interventions.pdf import GivenOut, pdf_response
from interventions.views.declarations import InsatsForm


def _report_form(insats: InsatsCode, pdf: str, title) -> InsatsForm:
    """The form that records the report's utlämnande, then opens the report printed for it."""
    return InsatsForm(
        name=f"rapport-{insats.value}",
        title=title,
        button=_("Registrera utlämnandet och skapa rapporten"),
        form=forms.ReportForm,
        perm="consent.add_disclosure",
        run=lambda request, case, form: services.insats_report_disclose(
            actor=signed_in_user(request), case=case, kind=insats.value, **form.cleaned_data
        ),
        message=_("Utlämnandet är registrerat. Rapporten är klar att skicka."),
        anchor="utlamnanden",
        insatser=(insats.value,),
        redirect=lambda case, disclosure: reverse(pdf, args=[case.pk]) + f"?utlamnande={disclosure.pk}",
        # the report tells how it ended: it is made after "Avsluta medlingen" and after the case has ended
        after_close=True,
    )


COMMUNITY_SERVICE_REPORT = _report_form(
    InsatsCode.COMMUNITY_SERVICE,
    "interventions:community_service_pdf",
    _("Rapport till åklagare eller domstol (utlämnande)"),
)
MEDIATION_REPORT = _report_form(
    InsatsCode.MEDIATION, "interventions:mediation_pdf", _("Rapport till åklagaren (utlämnande)")
)


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
    return pdf_response(
        template=template,
        context={
            "case": case,
            "person": case.person,
            "panel": panel,
            "order": panel.community_service,
            "mediation": panel.mediation,
            "disclosure": disclosure,
            "today": timezone.localdate(),
            "author": request.user,
        },
        filename=f"{filename}-{case.number}.pdf",
        # sent under an utlämnande: kept as an aktbilaga (the first print is what was sent)
        given_out=GivenOut(request.user, case, kind, disclosure) if disclosure is not None else None,
    )


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
