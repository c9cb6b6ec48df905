"""Reports on an ungdomstjänst or a medling to åklagare/domstol (PDF), for an utlämnande or as a preview."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from cases.models import Case
from consent.selectors import disclosure_list_for_case
from core.policy import access_policy
from interventions import selectors
from interventions.pdf import pdf_response


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


def _report_pdf(request, case_id, *, what: str, template: str, record: str, filename: str):
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
    )
