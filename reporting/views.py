"""Follow-up pages for managers (enhetschef): agreements, figures for any period, stored reports.

Thin views: parse input, call one selector and/or one service, render. Everything here is scoped to the
manager's own provider/unit by reporting.selectors; anything else is a 404.
"""

from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.concurrency import EditConflict
from core.forms import apply_service_errors
from core.policy import access_policy
from jobs.outbox import outbox_pending
from reporting import exports, selectors, services
from reporting.figures import Scope, follow_up
from reporting.forms import AgreementForm, CommentaryForm, FinaliseConfirmForm, PeriodForm, default_period_data
from reporting.models import CommentarySection, ReportKind
from reporting.pdf import report_context

FILE_KINDS = {
    "pdf": ("pdf_file", "application/pdf", "pdf"),
    "xlsx": ("xlsx_file", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("csv_file", "text/csv; charset=utf-8", "csv"),
}


def manager_view(permission: str):
    """Managers only: login, then the permission; without it the page does not exist (404)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # the statistics role has view_agreement for the API, but these pages are for managers
            if not (request.user.has_perm("reporting.view_report") and request.user.has_perm(permission)):
                raise Http404
            return view(request, *args, **kwargs)

        return access_policy("manager")(login_required(wrapper))

    return decorate


def _scope_choices(user):
    return selectors.scope_choices_for_user(user)


def _scope_from_key(user, key: str) -> Scope:
    for choice_key, _label, scope in _scope_choices(user):
        if choice_key == key:
            return scope
    raise Http404


# Start page of the section ---------------------------------------------------------------------------------


@manager_view("reporting.view_report")
@require_GET
def index(request):
    choices = _scope_choices(request.user)
    form = PeriodForm(
        initial=default_period_data() | {"scope": choices[0][0] if choices else ""},
        scope_choices=[(key, label) for key, label, _scope in choices],
    )
    return render(
        request,
        "reporting/index.html",
        {
            "reports": selectors.report_list_for_user(user=request.user)[:50],
            "form": form,
            "agreement_reminders": selectors.agreement_reminders_for_user(user=request.user),
        },
    )


# Figures for any period (on screen, Excel, CSV) ----------------------------------------------------------------


def _period_form(request):
    choices = _scope_choices(request.user)
    data = request.GET if "kind" in request.GET else None
    form = PeriodForm(
        data,
        initial=default_period_data() | {"scope": choices[0][0] if choices else ""},
        scope_choices=[(key, label) for key, label, _scope in choices],
    )
    return form


@manager_view("reporting.view_report")
@require_GET
def figures(request):
    """Follow-up figures for any period and scope, computed now (nothing stored)."""
    form = _period_form(request)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        scope = _scope_from_key(request.user, form.cleaned_data["scope"])
        period = form.period()
        agreement = selectors.agreement_for_period(scope=scope, period=period)
        snapshot = follow_up(period, scope, agreement=agreement).as_dict()
        export = request.GET.get("format")
        if export in ("xlsx", "csv"):
            content = exports.render_xlsx(snapshot) if export == "xlsx" else exports.render_csv(snapshot)
            response = HttpResponse(content, content_type=FILE_KINDS[export][1])
            name = f"uppfoljning-{period.start.isoformat()}-{period.end.isoformat()}.{export}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context |= report_context(snapshot, commentary={}, meta={})
        context["query"] = request.GET.urlencode()
    return render(request, "reporting/figures.html", context)


# Stored reports ----------------------------------------------------------------------------------------------


@manager_view("reporting.add_report")
@require_POST
def report_create(request):
    choices = _scope_choices(request.user)
    form = PeriodForm(request.POST, scope_choices=[(key, label) for key, label, _scope in choices])
    if not form.is_valid():
        return render(
            request,
            "reporting/index.html",
            {
                "reports": selectors.report_list_for_user(user=request.user)[:50],
                "form": form,
                "agreement_reminders": selectors.agreement_reminders_for_user(user=request.user),
            },
            status=400,
        )
    scope = _scope_from_key(request.user, form.cleaned_data["scope"])
    provider, unit = selectors.scope_models(scope)
    try:
        version = services.report_request(
            actor=request.user, provider=provider, unit=unit, kind=form.cleaned_data["kind"], period=form.period()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reporting:index")
    messages.success(request, _("Uppföljningen skapas. Sidan visar när den är klar."))
    return redirect("reporting:report_detail", report_id=version.report_id)


def _status_context(request, report, version):
    return {
        "report": report,
        "version": version,
        "outbox_waiting": bool(version and version.is_busy and outbox_pending(services.generation_job_key(version.pk))),
    }


def _commentary_form(report, draft) -> CommentaryForm:
    """The draft's commentary as it is saved, with the version it was read at (no silent overwrites)."""
    commentary = {row.section: row.text for row in draft.commentary.all()}
    return CommentaryForm(initial={"reference": report.reference, "version": draft.version} | commentary)


def _detail_context(request, report, commentary_form: CommentaryForm | None = None) -> dict:
    """The report page: its versions, the shown version's figures and commentary, the draft's commentary form
    (bound when it comes back with an error, so nothing typed is lost)."""
    versions = list(report.versions.all())
    current = versions[0] if versions else None
    number = request.GET.get("version")
    shown = next((v for v in versions if str(v.number) == number), current)
    commentary = {row.section: row.text for row in shown.commentary.all()} if shown else {}
    draft = next((v for v in versions if v.is_draft), None)
    form = None if draft is None else commentary_form or _commentary_form(report, draft)
    context = {
        "report": report,
        "versions": versions,
        "shown": shown,
        "draft": draft,
        "commentary_form": form,
        "sections": CommentarySection,
        "kind_label": ReportKind(report.kind).label,
    } | _status_context(request, report, current)
    if shown is not None and shown.figures:
        context |= report_context(
            shown.figures, commentary=commentary, meta={"reference": report.reference, "version": shown.number}
        )
    return context


@manager_view("reporting.view_report")
@require_GET
def report_detail(request, report_id):
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    return render(request, "reporting/report_detail.html", _detail_context(request, report))


@manager_view("reporting.view_report")
@require_GET
def report_status(request, report_id):
    """The progress display (polled by htmx every few seconds; the full page refreshes itself without JS)."""
    version = selectors.report_version_status(user=request.user, report_id=report_id)
    report = version.report if version else None
    response = render(request, "reporting/partials/report_status.html", _status_context(request, report, version))
    if version is not None and not version.is_busy and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # finished: reload the page to show the figures and links
    return response


def _version_action(request, report_id, action, success: str):
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    versions = list(report.versions.all())
    try:
        action(report, versions)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("reporting:report_detail", report_id=report.pk)


def _draft_of(versions):
    draft = next((v for v in versions if v.is_draft), None)
    if draft is None:
        raise ValidationError(services.FINALISED_MESSAGE)
    return draft


@manager_view("reporting.change_report")
@require_POST
def report_generate(request, report_id):
    """Create the draft's files again (also: try again after a failure)."""

    def action(report, versions):
        draft = _draft_of(versions)
        draft.report = report
        if not services.report_generation_queue(actor=request.user, version=draft, refresh_figures=True):
            raise ValidationError(_("Rapporten skapas redan."))

    return _version_action(request, report_id, action, _("Rapporten skapas på nytt."))


@manager_view("reporting.change_report")
@require_POST
def report_commentary(request, report_id):
    """Save the draft's diarienummer and commentary (refused, with the texts kept on the page, if someone else
    saved them since the page was opened); the files are made again from the figures already reviewed."""
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    draft = next((v for v in report.versions.all() if v.is_draft), None)
    if draft is None:
        messages.error(request, str(services.FINALISED_MESSAGE))
        return redirect("reporting:report_detail", report_id=report.pk)
    draft.report = report
    form = CommentaryForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.report_commentary_save(
                actor=request.user,
                version=draft,
                texts=form.texts(),
                reference=form.cleaned_data["reference"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            status = 409 if isinstance(error, EditConflict) else 400
        else:
            messages.success(request, _("Kommentarerna är sparade. Rapporten skapas på nytt med samma siffror."))
            return redirect("reporting:report_detail", report_id=report.pk)
    context = _detail_context(request, report, commentary_form=form)
    return render(request, "reporting/report_detail.html", context, status=status)


@manager_view("reporting.finalise_report")
@require_http_methods(["GET", "POST"])
def report_finalise(request, report_id):
    """ "Fastställ" on a confirmation page of its own (works without JavaScript): the draft's figures and
    commentary are locked for good, so the manager confirms, and the page's version must still be the draft's."""
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    draft = next((v for v in report.versions.all() if v.is_draft), None)
    if draft is None:
        messages.error(request, str(services.FINALISED_MESSAGE))
        return redirect("reporting:report_detail", report_id=report.pk)
    draft.report = report
    form = FinaliseConfirmForm(request.POST if request.method == "POST" else None, initial={"version": draft.version})
    if form.is_valid():
        try:
            services.report_finalise_request(
                actor=request.user, version=draft, expected_version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Versionen fastställs. När PDF:en är klar kan den inte längre ändras."))
        return redirect("reporting:report_detail", report_id=report.pk)
    context = {"report": report, "draft": draft, "form": form, "kind_label": ReportKind(report.kind).label}
    return render(request, "reporting/report_finalise.html", context, status=400 if request.method == "POST" else 200)


@manager_view("reporting.add_report")
@require_POST
def report_new_version(request, report_id):
    def action(report, versions):
        services.report_new_version(actor=request.user, report=report)

    return _version_action(request, report_id, action, _("En ny version har skapats som utkast."))


@manager_view("reporting.view_report")
@require_GET
def report_file(request, report_id, number, kind):
    """A generated file, served only through this permission check (never from a public URL)."""
    if kind not in FILE_KINDS:
        raise Http404
    version = selectors.report_version_get_for_user(user=request.user, report_id=report_id, number=number)
    field, content_type, extension = FILE_KINDS[kind]
    relative = getattr(version, field)
    if not relative:
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404
    report = version.report
    name = (
        f"uppfoljning-{report.period_start.isoformat()}-{report.period_end.isoformat()}-v{version.number}.{extension}"
    )
    response = FileResponse(path.open("rb"), content_type=content_type, as_attachment=kind != "pdf", filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


# Agreements --------------------------------------------------------------------------------------------------


@manager_view("reporting.view_agreement")
@require_GET
def agreement_list(request):
    return render(
        request,
        "reporting/agreement_list.html",
        {
            "agreements": selectors.agreement_list_for_user(user=request.user),
            "agreement_reminders": selectors.agreement_reminders_for_user(user=request.user),
            "today": timezone.localdate(),
        },
    )


def _agreement_data(form: AgreementForm) -> dict:
    """The form's agreement and its volumes, as the services take them."""
    volumes = [services.VolumeData(insats, low, high) for insats, low, high in form.volumes()]
    return form.agreement_fields() | {"volumes": volumes}


@manager_view("reporting.add_agreement")
def agreement_create(request):
    choices = _scope_choices(request.user)
    form = AgreementForm(request.POST or None, scope_choices=[(key, label) for key, label, _scope in choices])
    if request.method == "POST" and form.is_valid():
        provider, unit = selectors.scope_models(_scope_from_key(request.user, form.cleaned_data["scope"]))
        try:
            agreement = services.agreement_create(
                actor=request.user, provider=provider, unit=unit, **_agreement_data(form)
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Överenskommelsen är sparad. Nämnden ska ta ställning senast %(day)s.")
                % {"day": agreement.decision_on.isoformat()},
            )
            return redirect("reporting:agreement_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/agreement_form.html", {"form": form, "agreement": None}, status=status)


@manager_view("reporting.change_agreement")
def agreement_edit(request, agreement_id):
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    form = AgreementForm(
        request.POST or None,
        initial=AgreementForm.initial_from(agreement),
        scope_choices=[(key, label) for key, label, _scope in _scope_choices(request.user)],
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                actor=request.user,
                agreement=agreement,
                version=form.cleaned_data["version"] or 0,
                renewal_decided_on=form.cleaned_data["renewal_decided_on"],
                **_agreement_data(form),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Överenskommelsen är ändrad."))
            return redirect("reporting:agreement_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/agreement_form.html", {"form": form, "agreement": agreement}, status=status)
