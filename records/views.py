"""Access pages: loggkontroll, sharing, skyddad identitet, change history, registerutdrag and gallring.

Thin views: parse input, call selectors (which apply permissions and write the access log) and services,
render. Anything the user may not see is a 404, never a 403.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.selectors import case_get_for_user, identity_requests_for_person, person_get_for_user, person_search
from core.forms import apply_service_errors
from core.models import AccessAction
from core.pdf import pdf_response, render_pdf
from core.policy import access_policy
from documents.models import AktbilagaKind
from documents.services import aktbilaga_record
from records.exports import accesslog_csv, person_reads_csv, registerutdrag_json
from records.extract import person_identity
from records.forms import AccessLogFilterForm, GrantForm, JournalPrintForm, PersonLookupForm, RevokeForm
from records.journal import case_journal_print, person_name
from records.models import RecordType
from records.selectors import (
    AccessLogExport,
    accesslog_page,
    accesslog_person_for_user,
    accesslog_person_label,
    accesslog_review_rows,
    accesslog_rows_show,
    accesslog_sample,
    accesslog_staff_choices,
    burst_limit,
    case_history_rows,
    case_shares,
    case_sharing_get_for_user,
    grant_candidates,
    grant_events_for_case,
    grant_events_for_person,
    grant_events_for_unit,
    person_extract_for_user,
    person_history_rows_for_user,
    protected_identity_grantees,
    protected_identity_person_for_user,
    retention_item_rows,
    retention_rule_list,
    retention_run_get_for_user,
    retention_run_items,
    retention_run_list,
)
from records.services import (
    case_share_grant,
    case_share_revoke,
    identity_access_request_decide,
    protected_identity_grant,
    protected_identity_revoke,
)
from records.tasks import retention_dry_run_task

RETENTION_ITEMS_PER_PAGE = 100


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise Http404


# --- loggkontroll --------------------------------------------------------------------------------


MAX_PAGE_NUMBER = 100_000  # far beyond the log's pages; a larger number (or no number) is the first page


def _page_number(raw) -> int:
    """The page asked for (sida); anything that is not a page number from 1 to MAX_PAGE_NUMBER is page 1."""
    text = str(raw or "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_PAGE_NUMBER)):
        return 1
    number = int(text)
    return number if 1 <= number <= MAX_PAGE_NUMBER else 1


def _filtered_log(request):
    """The filter form (GET) and the log rows it selects."""
    form = AccessLogFilterForm(request.GET or None, staff=accesslog_staff_choices(request.user))
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    return form, filters, accesslog_review_rows(user=request.user, filters=filters)


def _person_lookup(request):
    """The person look-up form (POST, so a typed personnummer stays out of URLs and logs) and its hits."""
    lookup = PersonLookupForm(request.POST if request.method == "POST" else None)
    if not lookup.is_valid():
        return lookup, []
    return lookup, person_search(user=request.user, query=lookup.cleaned_data["query"], request=request, limit=20)


def _selected_rows(request, rows, *, sample: bool):
    """A stickprov (no pages), or the page asked for (sida)."""
    if sample:
        return accesslog_sample(rows, size=settings.LOGGKONTROLL_SAMPLE_SIZE), None
    return accesslog_page(rows, number=_page_number(request.GET.get("sida")))


def _paging_query(request) -> dict:
    """The filters of the page's links to other pages and to the export (without page and stickprov)."""
    query = {key: value for key, value in request.GET.items() if key not in ("sida", "stickprov") and value}
    return {"extra": urlencode(query) + "&" if query else "", "query_string": urlencode(query)}


@access_policy("manager")
@login_required
@require_http_methods(["GET", "POST"])
def accesslog_review(request):
    """Loggkontroll for enhetschef: filter by user, person and period; flags; stickprov; CSV export."""
    _require(request.user, "core.view_accesslog")
    form, filters, rows = _filtered_log(request)
    lookup, found = _person_lookup(request)
    sample = request.GET.get("stickprov") == "1"
    selected, page = _selected_rows(request, rows, sample=sample)
    shown = accesslog_rows_show(
        viewer=request.user, rows=selected, request=request, action=AccessAction.LIST, what="loggkontroll"
    )
    return render(
        request,
        "core/accesslog_review.html",
        {
            "form": form,
            "lookup": lookup,
            "found": found,
            "shown": shown,
            "page": page,
            "sample": sample,
            "person_label": accesslog_person_label(shown=shown, person_id=filters.get("person")),
            "burst_limit": burst_limit(),
            "grant_events": grant_events_for_unit(user=request.user)[:20],
        }
        | _paging_query(request),
    )


@access_policy("manager")
@login_required
@require_http_methods(["GET"])
def accesslog_export(request):
    """The filtered loggkontroll rows as CSV, streamed; the export itself is access-logged per person named."""
    _require(request.user, "core.view_accesslog")
    _form, _filters, rows = _filtered_log(request)
    return accesslog_csv(AccessLogExport(viewer=request.user, rows=rows, request=request))


@access_policy("manager")
@login_required
@require_http_methods(["GET"])
def accesslog_person_extract(request, person_id):
    """For the person concerned: who has read their record (HTML, ?format=csv or ?format=pdf); logged."""
    output = request.GET.get("format", "html")
    person, rows = accesslog_person_for_user(user=request.user, person_id=person_id, request=request, output=output)
    if output == "csv":
        response = person_reads_csv(rows)
        filename = f"loggutdrag-{timezone.localdate().isoformat()}.csv"
        _keep_given_out(request, person, AktbilagaKind.ACCESS_LOG_EXTRACT, response, filename, "text/csv")
        return response
    context = {"person": person, "rows": rows, "generated_at": timezone.now()}
    if output == "pdf":
        document = render_pdf("core/accesslog_person_pdf.html", context, request=request)
        filename = f"loggutdrag-{timezone.localdate().isoformat()}.pdf"
        response = pdf_response(document, filename=filename)
        _keep_given_out(request, person, AktbilagaKind.ACCESS_LOG_EXTRACT, response, filename)
        return response
    return render(request, "core/accesslog_person.html", context)


def _keep_given_out(request, person, kind: str, response, filename: str, content_type: str = "application/pdf") -> None:
    """A loggutdrag or registerutdrag file is produced to be given to the person: kept as an aktbilaga in the
    person's own series (it concerns no one case), byte for byte as served."""
    aktbilaga_record(
        actor=request.user,
        case=None,
        person=person,
        kind=kind,
        filename=filename,
        content=response.content,
        content_type=content_type,
    )


# --- change history ------------------------------------------------------------------------------


@access_policy("person")
@login_required
@require_http_methods(["GET"])
def person_history(request, person_id):
    """Change history of a person and their cases, for anyone who may see the person (logged as a view)."""
    person = person_get_for_user(user=request.user, person_id=person_id, request=request, what="person_history")
    rows = person_history_rows_for_user(user=request.user, person=person)
    return render(request, "core/history.html", {"subject": person.display_name, "person": person, "rows": rows})


@access_policy("case")
@login_required
@require_http_methods(["GET"])
def case_history(request, case_id):
    """Change history of one case, for anyone who may see the case (logged as a view)."""
    case = case_get_for_user(user=request.user, case_id=case_id, request=request, what="case_history")
    return render(
        request,
        "core/history.html",
        {"subject": case.number, "case": case, "person": case.person, "rows": case_history_rows(case=case)},
    )


# --- registerutdrag ------------------------------------------------------------------------------


@access_policy("person")
@login_required
@require_http_methods(["GET"])
def person_extract(request, person_id, output):
    """Registerutdrag: everything held about a person that the user may see, as JSON or PDF.

    Needs cases.export_person (a permission of its own) and a visible person; itself access-logged.
    """
    extract = person_extract_for_user(user=request.user, person_id=person_id, request=request, output=output)
    if output == "json":
        response = registerutdrag_json(extract, generated_by=request.user)
        filename = f"registerutdrag-{extract.generated_at:%Y-%m-%d}.json"
        _keep_given_out(request, extract.person, AktbilagaKind.REGISTER_EXTRACT, response, filename, "application/json")
        return response
    document = render_pdf(
        "core/registerutdrag_pdf.html",
        {
            "identity": person_identity(extract.person, for_pdf=True),
            "sections": extract.sections,
            "reads": [(row, row.what_display) for row in extract.reads],
            "grants": extract.grants,
            "history_rows": extract.history_rows,
            "generated_at": extract.generated_at,
            "generated_by": request.user,
        },
        request=request,
    )
    filename = f"registerutdrag-{extract.generated_at:%Y-%m-%d}.pdf"
    response = pdf_response(document, filename=filename)
    _keep_given_out(request, extract.person, AktbilagaKind.REGISTER_EXTRACT, response, filename)
    return response


# --- sharing and skyddad identitet --------------------------------------------------------------


def _grant_forms(request, *, candidates, revocable) -> tuple[GrantForm, RevokeForm]:
    """The grant and revoke forms; the one named by the POST's action is bound."""
    action = request.POST.get("action") if request.method == "POST" else None
    grant_form = GrantForm(request.POST if action == "grant" else None, candidates=candidates, prefix="grant")
    revoke_form = RevokeForm(request.POST if action == "revoke" else None, candidates=revocable, prefix="revoke")
    return grant_form, revoke_form


def _grant_post(request, *, grant_form, revoke_form, grant, revoke, subject):
    """Handle a grant or revoke POST; returns True when the service succeeded."""
    if request.method != "POST":
        return False
    form = grant_form if request.POST.get("action") == "grant" else revoke_form
    if not form.is_valid():
        return False
    service = grant if form is grant_form else revoke
    try:
        with transaction.atomic():
            service(
                actor=request.user,
                grantee=form.cleaned_data["grantee"],
                reason=form.cleaned_data["reason"],
                **subject,
            )
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    return True


@access_policy("manager")
@login_required
@require_http_methods(["GET", "POST"])
def case_sharing(request, case_id):
    """Share a case with staff of other units, and stop sharing; enhetschef of the case's unit only."""
    case = case_sharing_get_for_user(user=request.user, case_id=case_id, request=request)
    current = list(case_shares(case=case))
    grant_form, revoke_form = _grant_forms(
        request,
        candidates=grant_candidates(manager=request.user, exclude_unit_id=case.unit_id, exclude=current),
        revocable=case_shares(case=case),
    )
    forms = {"grant_form": grant_form, "revoke_form": revoke_form}
    if _grant_post(request, **forms, grant=case_share_grant, revoke=case_share_revoke, subject={"case": case}):
        granted = request.POST.get("action") == "grant"
        messages.success(request, _("Ärendet delas nu.") if granted else _("Delningen är borttagen."))
        return redirect("case_sharing", case_id=case.pk)
    return render(
        request,
        "core/case_sharing.html",
        {"case": case, "current": current, **forms, "events": grant_events_for_case(case=case)[:100]},
        status=400 if request.method == "POST" else 200,
    )


@access_policy("manager")
@login_required
@require_http_methods(["GET", "POST"])
def protected_identity_access(request, person_id):
    """Name the staff who may see a protected person's identity; enhetschef of the person's unit only."""
    person = protected_identity_person_for_user(user=request.user, person_id=person_id, request=request)
    current = list(protected_identity_grantees(person=person))
    grant_form, revoke_form = _grant_forms(
        request,
        candidates=grant_candidates(manager=request.user, exclude=current),
        revocable=protected_identity_grantees(person=person),
    )
    forms = {"grant_form": grant_form, "revoke_form": revoke_form}
    services = {"grant": protected_identity_grant, "revoke": protected_identity_revoke}
    requests = list(identity_requests_for_person(person=person))
    decision = _identity_request_decision(request, requests)
    if decision is not None:
        return decision
    if _grant_post(request, **forms, **services, subject={"person": person}):
        granted = request.POST.get("action") == "grant"
        messages.success(request, _("Behörigheten är given.") if granted else _("Behörigheten är borttagen."))
        return redirect("protected_identity_access", person_id=person.pk)
    events = grant_events_for_person(person=person).filter(kind="protected_identity")[:100]
    return render(
        request,
        "core/protected_identity.html",
        {"person": person, "current": current, **forms, "events": events, "requests": requests},
        status=400 if request.method == "POST" else 200,
    )


def _identity_request_decision(request, requests):
    """A POSTed decision on a staff member's request to be named (action "request_grant"/"request_refuse"):
    the redirect after it, or None when the POST is not one (or the request is not among the pending)."""
    action = request.POST.get("action") if request.method == "POST" else None
    if action not in ("request_grant", "request_refuse"):
        return None
    chosen = next((row for row in requests if str(row.pk) == request.POST.get("request_id")), None)
    if chosen is None:
        raise Http404
    granted = action == "request_grant"
    reason = request.POST.get("reason") or str(_("Begäran om att bli namngiven."))
    try:
        identity_access_request_decide(actor=request.user, identity_request=chosen, grant=granted, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Begäran är beviljad.") if granted else _("Begäran är avslagen."))
    return redirect("protected_identity_access", person_id=chosen.person_id)


# --- gallring ------------------------------------------------------------------------------------


@access_policy("manager")
@login_required
@require_http_methods(["GET", "POST"])
def retention_overview(request):
    """Gallring: the rules, recent runs, and a dry run on request (enhetschef; administrators read)."""
    _require(request.user, "records.view_retentionrun")
    if request.method == "POST":
        _require(request.user, "records.run_retention")
        user_id = request.user.pk
        transaction.on_commit(lambda: retention_dry_run_task.delay(user_id=user_id))
        messages.success(request, _("Provkörningen är startad. Resultatet visas nedan när den är klar."))
        return redirect("retention_overview")
    return render(
        request, "core/retention_overview.html", {"rules": retention_rule_list(), "runs": retention_run_list()}
    )


@access_policy("manager")
@login_required
@require_http_methods(["GET"])
def retention_run_detail(request, run_id):
    """What one run removed (or would remove): ids, dates and counts; case numbers of the viewer's unit only."""
    run = retention_run_get_for_user(user=request.user, run_id=run_id)
    page = Paginator(retention_run_items(run=run), RETENTION_ITEMS_PER_PAGE).get_page(request.GET.get("sida"))
    rows = retention_item_rows(user=request.user, items=list(page.object_list))
    return render(
        request,
        "core/retention_run.html",
        {"run": run, "rows": rows, "page": page, "person_file": RecordType.PERSON_FILE, "extra": ""},
    )


# --- journalutskrift ------------------------------------------------------------------------------


def _journal_print_form(request, case_id, form: JournalPrintForm | None):
    """The period form (bound and with errors after a bad POST); needs cases.view_journalentry, logged as a view."""
    if not request.user.has_perm("cases.view_journalentry"):
        raise Http404
    case = case_get_for_user(user=request.user, case_id=case_id, request=request, what="journal_print_form")
    status = 200 if form is None else 400
    form = form or JournalPrintForm(initial={"since": case.opened_on, "until": timezone.localdate()})
    return render(
        request, "records/journal_print.html", {"case": case, "person": case.person, "form": form}, status=status
    )


@access_policy("case")
@login_required
@require_http_methods(["GET", "POST"])
def case_journal_print_view(request, case_id):
    """Journalutskrift for a period: a readable PDF of the signed entries, events and documents (aktinsyn, a
    court). Previewed, or given out and then kept as an aktbilaga of the case; the print is access-logged."""
    form = JournalPrintForm(request.POST) if request.method == "POST" else None
    if form is None or not form.is_valid():
        return _journal_print_form(request, case_id, form)
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    journal = case_journal_print(user=request.user, case_id=case_id, since=since, until=until, request=request)
    context = {
        "journal": journal,
        "case": journal.case,
        "person": journal.case.person,
        "generated_by_name": person_name(request.user),
        "given_out": form.gives_out,
    }
    # PDF/A-2a: a journal given to a court or kept as an aktbilaga must stay readable for as long as the akt
    document = render_pdf("records/journal_pdf.html", context, request=request, pdf_variant="pdf/a-2a")
    if form.gives_out:
        aktbilaga_record(
            actor=request.user,
            case=journal.case,
            kind=AktbilagaKind.JOURNAL,
            filename=journal.filename,
            content=document,
        )
    return pdf_response(document, filename=journal.filename)
