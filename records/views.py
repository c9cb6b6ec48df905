"""Access pages: loggkontroll, sharing, skyddad identitet, change history, registerutdrag and gallring.

Thin views: parse input, call selectors (which apply permissions and write the access log) and services.
Anything the user may not see is a 404, never a 403.
"""

import csv
import datetime
import io
import json

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.models import Case, CaseUserObjectPermission, PersonUserObjectPermission, ProtectionLevel
from cases.selectors import case_get_for_user, case_queryset_for_user, person_get_for_user, person_search
from core.access_log import Seen, access_log_record
from core.forms import apply_service_errors
from core.history import CHANGE_REASON
from core.models import AccessAction, AccessLog
from core.pdf import pdf_response, render_pdf
from core.policy import access_policy
from records.extract import PERSON_FIELDS_SHOWN_MASKED, person_extract_sections
from records.forms import AccessLogFilterForm, GrantForm, PersonLookupForm, RevokeForm
from records.models import RecordType, RetentionRule, RetentionRun
from records.selectors import (
    accesslog_filter,
    accesslog_for_person,
    accesslog_queryset_for_user,
    accesslog_rows_show,
    accesslog_sample,
    accesslog_staff_choices,
    accesslog_with_flags,
    burst_limit,
    case_shares,
    change_history_for_case,
    change_history_for_person,
    grant_candidates,
    grant_events_for_case,
    grant_events_for_person,
    grant_events_for_unit,
    protected_identity_grantees,
)
from records.services import (
    access_manager_check,
    case_share_grant,
    case_share_revoke,
    protected_identity_grant,
    protected_identity_revoke,
)
from records.tasks import retention_dry_run_task

PAGE_SIZE = 50
DEFAULT_DAYS = 30  # loggkontroll without a person or period: the last month
CSV_EXPORT_MAX_ROWS = 100_000


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise Http404


# --- loggkontroll --------------------------------------------------------------------------------


def _page_number(raw) -> int:
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def _filtered_log(request):
    """The scoped, flagged and filtered log. Without a person or a period it shows the last DEFAULT_DAYS days."""
    user = request.user
    staff = accesslog_staff_choices(user)
    form = AccessLogFilterForm(request.GET or None, staff=staff)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    if not (filters.get("person") or filters.get("since") or filters.get("until")):
        filters["since"] = timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)
    rows = accesslog_filter(
        accesslog_with_flags(accesslog_queryset_for_user(user)),
        user_id=filters["user"].pk if filters.get("user") else None,
        person_id=filters.get("person"),
        since=filters.get("since"),
        until=filters.get("until"),
        flagged_only=bool(filters.get("flagged")),
    )
    return form, filters, rows


@access_policy("manager")
@login_required
@require_http_methods(["GET", "POST"])
def accesslog_review(request):
    """Loggkontroll for enhetschef: filter by user, person and period; flags; stickprov; CSV export."""
    _require(request.user, "core.view_accesslog")
    form, filters, rows = _filtered_log(request)
    lookup = PersonLookupForm(request.POST if request.method == "POST" else None)
    found = []
    if request.method == "POST" and lookup.is_valid():
        found = person_search(user=request.user, query=lookup.cleaned_data["query"], request=request, limit=20)
    sample = request.GET.get("stickprov") == "1"
    if sample:
        page = None
        selected = accesslog_sample(rows, size=settings.LOGGKONTROLL_SAMPLE_SIZE)
    else:
        # No COUNT over a log of many millions of rows: fetch one row more than a page to know if there is a next.
        number = _page_number(request.GET.get("sida"))
        start = (number - 1) * PAGE_SIZE
        selected = list(rows.select_related("user", "unit").order_by("-at", "-id")[start : start + PAGE_SIZE + 1])
        page = {"number": number, "has_previous": number > 1, "has_next": len(selected) > PAGE_SIZE}
        selected = selected[:PAGE_SIZE]
    shown = accesslog_rows_show(
        viewer=request.user, rows=selected, request=request, action=AccessAction.LIST, what="loggkontroll"
    )
    query = {key: value for key, value in request.GET.items() if key not in ("sida", "stickprov") and value}
    person_label = None
    if filters.get("person"):
        person_label = next(
            (item.person_label for item in shown if item.row.person_id == filters["person"]),
            f"#{str(filters['person'])[:8]}",
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
            "extra": urlencode(query) + "&" if query else "",
            "query_string": urlencode(query),
            "person_label": person_label,
            "burst_limit": burst_limit(),
            "grant_events": grant_events_for_unit(user=request.user)[:20],
        },
    )


def _flags_text(row: AccessLog) -> str:
    flags = []
    if row.outside_caseload:
        flags.append(_("utanför ärendemängd"))
    if row.outside_unit:
        flags.append(_("utanför enhet"))
    if row.protected_identity:
        flags.append(_("skyddad identitet"))
    if row.burst:
        flags.append(_("många personer på en timme"))
    return ", ".join(flags)


def _csv_response(filename: str, header: list[str], lines: list[list[str]]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(lines)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@access_policy("manager")
@login_required
@require_http_methods(["GET"])
def accesslog_export(request):
    """The filtered loggkontroll rows as CSV; the export itself is access-logged per person named."""
    _require(request.user, "core.view_accesslog")
    _form, _filters, rows = _filtered_log(request)
    selected = list(rows.select_related("user", "unit").order_by("-at", "-id")[:CSV_EXPORT_MAX_ROWS])
    shown = accesslog_rows_show(
        viewer=request.user, rows=selected, request=request, action=AccessAction.EXPORT, what="loggkontroll_csv"
    )
    header = [
        _("Tidpunkt"),
        _("Användare"),
        _("Roll"),
        _("Enhet"),
        _("Person-id"),
        _("Person"),
        _("Ärende-id"),
        _("Åtgärd"),
        _("Vad"),
        _("Skyddad identitet visad"),
        _("IP-adress"),
        _("Flaggor"),
    ]
    lines = [
        [
            date_format(timezone.localtime(item.row.at), "Y-m-d H:i:s"),
            item.row.user.get_full_name() or item.row.user.username,
            item.row.role,
            str(item.row.unit or ""),
            str(item.row.person_id),
            item.person_label,
            str(item.row.case_id or ""),
            item.row.get_action_display(),
            item.row.what,
            _("Ja") if item.row.protected_identity else _("Nej"),
            item.row.ip_address or "",
            _flags_text(item.row),
        ]
        for item in shown
    ]
    return _csv_response(f"loggkontroll-{timezone.localdate().isoformat()}.csv", header, lines)


@access_policy("manager")
@login_required
@require_http_methods(["GET"])
def accesslog_person_extract(request, person_id):
    """For the person concerned: who has read their record (HTML, ?format=csv or ?format=pdf); logged."""
    _require(request.user, "core.view_accesslog")
    output = request.GET.get("format", "html")
    if output not in ("html", "csv", "pdf"):
        raise Http404
    person = person_get_for_user(user=request.user, person_id=person_id, request=request, log=False)
    action = {"html": AccessAction.VIEW, "csv": AccessAction.EXPORT, "pdf": AccessAction.PRINT}[output]
    access_log_record(
        user=request.user,
        request=request,
        action=action,
        what=f"loggutdrag_{output}",
        seen=[Seen(person_id=person.pk, protected_identity=person.is_protected and person.identity_visible)],
    )
    rows = list(accesslog_for_person(person=person))
    if output == "csv":
        header = [_("Tidpunkt"), _("Användare"), _("Roll"), _("Enhet"), _("Åtgärd"), _("Vad")]
        lines = [
            [
                date_format(timezone.localtime(row.at), "Y-m-d H:i:s"),
                row.user.get_full_name() or row.user.username,
                row.role,
                str(row.unit or ""),
                row.get_action_display(),
                row.what,
            ]
            for row in rows
        ]
        return _csv_response(f"loggutdrag-{timezone.localdate().isoformat()}.csv", header, lines)
    context = {"person": person, "rows": rows, "generated_at": timezone.now()}
    if output == "pdf":
        document = render_pdf("core/accesslog_person_pdf.html", context, request=request)
        return pdf_response(document, filename=f"loggutdrag-{timezone.localdate().isoformat()}.pdf")
    return render(request, "core/accesslog_person.html", context)


# --- change history ------------------------------------------------------------------------------


def _history_rows(entries, *, identity_visible: bool) -> list[dict]:
    """History rows with field labels; a masked person's identity fields stay masked in old/new values."""
    rows = []
    for entry in entries:
        masked = entry.object_type == "cases.person" and not identity_visible
        model = _model_for(entry.object_type)
        changes = []
        for name, (old, new) in entry.changes.items():
            label = name
            if name == CHANGE_REASON:
                label = _("Anledning till rättelsen")
            elif model is not None:
                try:
                    label = str(model._meta.get_field(name).verbose_name)
                except FieldDoesNotExist:  # a field removed since: show its name
                    label = name
            if masked and name in PERSON_FIELDS_SHOWN_MASKED:
                old, new = ("***" if old else old), ("***" if new else new)
            changes.append({"field": label, "old": old, "new": new})
        rows.append(
            {
                "entry": entry,
                "what": str(model._meta.verbose_name) if model is not None else entry.object_type,
                "changes": changes,
            }
        )
    return rows


def _model_for(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@access_policy("person")
@login_required
@require_http_methods(["GET"])
def person_history(request, person_id):
    """Change history of a person and their cases, for anyone who may see the person (logged as a view)."""
    person = person_get_for_user(user=request.user, person_id=person_id, request=request, what="person_history")
    visible_case_ids = set(case_queryset_for_user(request.user).filter(person=person).values_list("pk", flat=True))
    entries = [
        entry
        for entry in change_history_for_person(person=person)[:500]
        if entry.case_id is None or entry.case_id in visible_case_ids
    ]
    return render(
        request,
        "core/history.html",
        {
            "subject": person.display_name,
            "person": person,
            "rows": _history_rows(entries, identity_visible=person.shows_identity),
        },
    )


@access_policy("case")
@login_required
@require_http_methods(["GET"])
def case_history(request, case_id):
    """Change history of one case, for anyone who may see the case (logged as a view)."""
    case = case_get_for_user(user=request.user, case_id=case_id, request=request, what="case_history")
    entries = list(change_history_for_case(case=case)[:500])
    return render(
        request,
        "core/history.html",
        {
            "subject": case.number,
            "case": case,
            "person": case.person,
            "rows": _history_rows(entries, identity_visible=case.person.shows_identity),
        },
    )


# --- registerutdrag ------------------------------------------------------------------------------

EXTRACT_SKIPPED = (CaseUserObjectPermission, PersonUserObjectPermission)


def _person_identity(person, *, for_pdf: bool) -> dict:
    show_address = not (for_pdf and person.protection == ProtectionLevel.PROTECTED_REGISTRATION)
    return {
        _("Namn"): str(person.display_name),
        _("Personnummer"): person.display_id_number,
        _("Födelsedatum"): person.birth_date.isoformat() if person.shows_identity else "",
        _("Kön"): person.get_gender_display(),
        _("Adress"): person.display_address if show_address else str(_("Skyddad folkbokföring")),
        _("Område"): str(person.district or ""),
        _("Skyddade personuppgifter"): person.get_protection_display() if person.protection else _("Nej"),
        _("Registrerad av enhet"): str(person.unit),
        _("Registrerad"): date_format(timezone.localtime(person.created_at), "Y-m-d"),
    }


@access_policy("person")
@login_required
@require_http_methods(["GET"])
def person_extract(request, person_id, output):
    """Registerutdrag: everything held about a person that the user may see, as JSON or PDF.

    Needs cases.export_person (a permission of its own) and a visible person; itself access-logged.
    """
    _require(request.user, "cases.export_person")
    person = person_get_for_user(user=request.user, person_id=person_id, request=request, log=False)
    case_ids = list(case_queryset_for_user(request.user).filter(person=person).values_list("pk", flat=True))
    access_log_record(
        user=request.user,
        request=request,
        action=AccessAction.PRINT if output == "pdf" else AccessAction.EXPORT,
        what=f"registerutdrag_{output}",
        seen=[Seen(person_id=person.pk, protected_identity=person.is_protected and person.identity_visible)],
    )
    sections = person_extract_sections(person=person, case_ids=case_ids, skip=EXTRACT_SKIPPED)
    reads = list(accesslog_for_person(person=person)[:5000])
    grants = [
        event for event in grant_events_for_person(person=person) if event.case_id is None or event.case_id in case_ids
    ]
    history = [
        entry
        for entry in change_history_for_person(person=person)
        if entry.case_id is None or entry.case_id in set(case_ids)
    ]
    history_rows = _history_rows(history, identity_visible=person.shows_identity)
    generated_at = timezone.now()
    if output == "json":
        payload = {
            "generated_at": generated_at.isoformat(),
            "generated_by": request.user.get_full_name() or request.user.username,
            "scope": _("Utdraget omfattar ärenden vid enheter som du har behörighet till."),
            "person": {str(key): value for key, value in _person_identity(person, for_pdf=False).items()},
            "sections": [{"key": s.key, "title": s.title, "rows": s.rows} for s in sections],
            "access_log": [
                {
                    "at": row.at.isoformat(),
                    "user": row.user.get_full_name() or row.user.username,
                    "role": row.role,
                    "unit": str(row.unit or ""),
                    "action": row.action,
                    "what": row.what,
                }
                for row in reads
            ],
            "access_grants": [
                {
                    "at": event.at.isoformat(),
                    "kind": event.get_kind_display(),
                    "action": event.get_action_display(),
                    "grantee": str(event.grantee),
                    "decided_by": str(event.actor),
                    "reason": event.reason,
                }
                for event in grants
            ],
            "change_history": [
                {
                    "at": item["entry"].at.isoformat(),
                    "by": str(item["entry"].actor),
                    "record": item["what"],
                    "action": item["entry"].action,
                    "changes": item["changes"],
                }
                for item in history_rows
            ],
        }
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="registerutdrag-{generated_at:%Y-%m-%d}.json"'
        response["Cache-Control"] = "no-store"
        return response
    document = render_pdf(
        "core/registerutdrag_pdf.html",
        {
            "identity": _person_identity(person, for_pdf=True),
            "sections": sections,
            "reads": reads,
            "grants": grants,
            "history_rows": history_rows,
            "generated_at": generated_at,
            "generated_by": request.user,
        },
        request=request,
    )
    return pdf_response(document, filename=f"registerutdrag-{generated_at:%Y-%m-%d}.pdf")


# --- sharing and skyddad identitet --------------------------------------------------------------


def _grant_post(request, *, grant_form, revoke_form, grant, revoke, subject):
    """Handle a grant or revoke POST; returns True when the service succeeded."""
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
    _require(request.user, "core.manage_access")
    case = case_queryset_for_user(request.user).filter(pk=case_id).values("unit_id").first()
    if case is None or not access_manager_check(actor=request.user, unit_id=case["unit_id"]):
        raise Http404
    case = case_get_for_user(user=request.user, case_id=case_id, request=request, what="case_sharing")
    current = list(case_shares(case=case))
    candidates = grant_candidates(manager=request.user, exclude_unit_id=case.unit_id).exclude(
        pk__in=[user.pk for user in current]
    )
    posted = request.method == "POST"
    grant_form = GrantForm(
        request.POST if posted and request.POST.get("action") == "grant" else None,
        candidates=candidates,
        prefix="grant",
    )
    revoke_form = RevokeForm(
        request.POST if posted and request.POST.get("action") == "revoke" else None,
        candidates=case_shares(case=case),
        prefix="revoke",
    )
    if posted and _grant_post(
        request,
        grant_form=grant_form,
        revoke_form=revoke_form,
        grant=case_share_grant,
        revoke=case_share_revoke,
        subject={"case": case},
    ):
        messages.success(
            request,
            _("Ärendet delas nu.") if request.POST.get("action") == "grant" else _("Delningen är borttagen."),
        )
        return redirect("case_sharing", case_id=case.pk)
    return render(
        request,
        "core/case_sharing.html",
        {
            "case": case,
            "current": current,
            "grant_form": grant_form,
            "revoke_form": revoke_form,
            "events": grant_events_for_case(case=case)[:100],
        },
        status=400 if posted else 200,
    )


@access_policy("manager")
@login_required
@require_http_methods(["GET", "POST"])
def protected_identity_access(request, person_id):
    """Name the staff who may see a protected person's identity; enhetschef of the person's unit only."""
    _require(request.user, "core.manage_access")
    person = person_get_for_user(user=request.user, person_id=person_id, request=request, log=False)
    if not access_manager_check(actor=request.user, unit_id=person.unit_id):
        raise Http404
    access_log_record(
        user=request.user,
        request=request,
        action=AccessAction.VIEW,
        what="protected_identity_access",
        seen=[Seen(person_id=person.pk, protected_identity=person.is_protected and person.identity_visible)],
    )
    current = list(protected_identity_grantees(person=person))
    candidates = grant_candidates(manager=request.user).exclude(pk__in=[user.pk for user in current])
    posted = request.method == "POST"
    grant_form = GrantForm(
        request.POST if posted and request.POST.get("action") == "grant" else None,
        candidates=candidates,
        prefix="grant",
    )
    revoke_form = RevokeForm(
        request.POST if posted and request.POST.get("action") == "revoke" else None,
        candidates=protected_identity_grantees(person=person),
        prefix="revoke",
    )
    if posted and _grant_post(
        request,
        grant_form=grant_form,
        revoke_form=revoke_form,
        grant=protected_identity_grant,
        revoke=protected_identity_revoke,
        subject={"person": person},
    ):
        messages.success(
            request,
            _("Behörigheten är given.") if request.POST.get("action") == "grant" else _("Behörigheten är borttagen."),
        )
        return redirect("protected_identity_access", person_id=person.pk)
    return render(
        request,
        "core/protected_identity.html",
        {
            "person": person,
            "current": current,
            "grant_form": grant_form,
            "revoke_form": revoke_form,
            "events": grant_events_for_person(person=person).filter(kind="protected_identity")[:100],
        },
        status=400 if posted else 200,
    )


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
    rules = RetentionRule.objects.prefetch_related("exempt_insats_types").order_by("record_type")
    runs = (
        RetentionRun.objects.select_related("started_by")
        .annotate(item_count=Count("items"))
        .order_by("-started_at", "-id")[:30]
    )
    return render(request, "core/retention_overview.html", {"rules": rules, "runs": runs})


@access_policy("manager")
@login_required
@require_http_methods(["GET"])
def retention_run_detail(request, run_id):
    """What one run removed (or would remove): ids, dates and counts; case numbers of the viewer's unit only."""
    _require(request.user, "records.view_retentionrun")
    run = RetentionRun.objects.filter(pk=run_id).select_related("started_by").first()
    if run is None:
        raise Http404
    paginator = Paginator(run.items.order_by("record_type", "person_id"), 100)
    page = paginator.get_page(request.GET.get("sida"))
    items = list(page.object_list)
    numbers = {number for item in items for number in item.case_numbers}
    own_numbers = set(
        Case._base_manager.filter(number__in=numbers, unit_id=request.user.unit_id).values_list("number", flat=True)
        if request.user.unit_id
        else []
    )
    rows = [
        {
            "item": item,
            "case_numbers": [number for number in item.case_numbers if number in own_numbers],
            "other_cases": len([number for number in item.case_numbers if number not in own_numbers]),
        }
        for item in items
    ]
    return render(
        request,
        "core/retention_run.html",
        {"run": run, "rows": rows, "page": page, "person_file": RecordType.PERSON_FILE, "extra": ""},
    )
