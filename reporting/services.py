"""Writes for agreements and follow-up reports: one entry point per action, atomic and validated.

Callers fetched the objects through reporting.selectors, so the manager's scope is already applied.

Reports: a report (scope + period) has versions. New versions start as drafts; generation (Celery,
reporting.tasks) stores a snapshot of the figures and renders the PDF, Excel and CSV files; the manager
writes commentary on the draft; finalising renders the files once more as finalised and then locks the
version for good. Every transition is a conditional update, so double clicks, retried tasks and beat
runs never create a second draft or change a finalised version.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import InsatsType
from core.concurrency import Change, EditConflict, version_check_and_bump
from core.history import change_record, history_snapshot
from core.models import ChangeAction, Provider, Unit, User
from jobs.outbox import enqueue
from reporting.figures import Period
from reporting.models import (
    AgreedVolume,
    Agreement,
    CommentarySection,
    GenerationStatus,
    Report,
    ReportCommentary,
    ReportKind,
    ReportVersion,
    VersionStatus,
)

logger = logging.getLogger(__name__)

FINALISED_MESSAGE = gettext_lazy(
    "Versionen är fastställd och kan inte ändras. Skapa en ny version för att göra ändringar."
)

# What the change history keeps of a report version: its place and state, not the figures snapshot or the job's
# progress (queued, running, failed are the worker's bookkeeping, shown on the report page while they last).
VERSION_TRACKED = ["report", "number", "status"]
FINALISED_TRACKED = ["status", "finalised_at", "finalised_by"]
COMMENTARY_TRACKED = ["version", "section", "text"]


# Agreements ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolumeData:
    insats_type: InsatsType
    min_per_year: int
    max_per_year: int


def _check_scope(actor: User, provider: Provider, unit: Unit | None) -> None:
    if actor.is_superuser:
        return
    own = actor.unit
    if own is None or provider.pk != own.provider_id or (unit is not None and unit.pk != own.pk):
        raise ValidationError({"scope": _("Du kan bara hantera den egna utförarens eller enhetens uppgifter.")})


def _validate_agreement(*, starts_on, ends_on, volumes: list[VolumeData]) -> None:
    errors: dict[str, list[str]] = {}
    if starts_on and ends_on and ends_on <= starts_on:
        errors["ends_on"] = [_("Slutdatum måste vara efter startdatum.")]
    seen = set()
    for volume in volumes:
        if volume.min_per_year > volume.max_per_year:
            errors.setdefault("volumes", []).append(
                _("%(insats)s: lägsta volym får inte vara större än högsta.") % {"insats": volume.insats_type.name}
            )
        if volume.insats_type.pk in seen:
            errors.setdefault("volumes", []).append(
                _("%(insats)s finns med två gånger.") % {"insats": volume.insats_type.name}
            )
        seen.add(volume.insats_type.pk)
    if errors:
        raise ValidationError(errors)


def _volumes_text(volumes: Iterable[VolumeData | AgreedVolume]) -> str:
    """An agreement's volumes (given or stored) as one history value, e.g. "medling 30–30, skk 10–10"."""
    rows = sorted((v.insats_type.code, v.min_per_year, v.max_per_year) for v in volumes)
    return ", ".join(f"{code} {low}–{high}" for code, low, high in rows)


def _volumes_replace(agreement: Agreement, volumes: list[VolumeData]) -> None:
    agreement.volumes.all().delete()
    AgreedVolume.objects.bulk_create(
        AgreedVolume(
            agreement=agreement,
            insats_type=volume.insats_type,
            min_per_year=volume.min_per_year,
            max_per_year=volume.max_per_year,
        )
        for volume in volumes
    )


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    provider: Provider,
    unit: Unit | None,
    name: str,
    reference: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget: int,
    defection_budget: int | None = None,
    notice_months: int = 12,
    volumes: list[VolumeData],
) -> Agreement:
    """Register an agreement (verksamhetsuppdrag) with its yearly volumes; managers, own scope only."""
    _check_scope(actor, provider, unit)
    _validate_agreement(starts_on=starts_on, ends_on=ends_on, volumes=volumes)
    agreement = Agreement(
        provider=provider,
        unit=unit,
        name=name.strip(),
        reference=reference.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
        defection_budget=defection_budget,
        notice_months=notice_months,
    )
    agreement.full_clean()
    agreement.save()
    _volumes_replace(agreement, volumes)
    new_volumes = _volumes_text(volumes)
    change_record(
        actor=actor,
        instance=agreement,
        action=ChangeAction.CREATE,
        extra={"volumes": [None, new_volumes]} if new_volumes else None,
    )
    return agreement


@transaction.atomic
def agreement_update(
    *,
    actor: User,
    agreement: Agreement,
    version: int,
    name: str,
    reference: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget: int,
    defection_budget: int | None = None,
    notice_months: int,
    renewal_decided_on: datetime.date | None,
    volumes: list[VolumeData],
) -> Agreement:
    """Change an agreement and replace its volumes; refuses a stale form (optimistic locking)."""
    _check_scope(actor, agreement.provider, agreement.unit)
    _validate_agreement(starts_on=starts_on, ends_on=ends_on, volumes=volumes)
    # the stored values (locked), not the form's copy: the history's old values are what was saved
    stored = Agreement.objects.select_for_update().get(pk=agreement.pk)
    before = history_snapshot(stored)
    old_volumes = _volumes_text(stored.volumes.select_related("insats_type"))
    updated = Agreement.objects.filter(pk=agreement.pk, version=version).update(
        name=name.strip(),
        reference=reference.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
        defection_budget=defection_budget,
        notice_months=notice_months,
        renewal_decided_on=renewal_decided_on,
        version=F("version") + 1,
    )
    if not updated:
        raise ValidationError(
            _("Någon annan har ändrat överenskommelsen medan du redigerade. Ladda om sidan och gör om ändringen.")
        )
    _volumes_replace(agreement, volumes)
    agreement.refresh_from_db()
    new_volumes = _volumes_text(volumes)
    change_record(
        actor=actor,
        instance=agreement,
        action=ChangeAction.UPDATE,
        before=before,
        extra={"volumes": [old_volumes, new_volumes]} if old_volumes != new_volumes else None,
    )
    return agreement


# Reports ---------------------------------------------------------------------------------------------------


def _report_get_or_create(
    *, actor: User | None, provider: Provider, unit: Unit | None, kind: str, period: Period, reference: str = ""
) -> Report:
    lookup = {"provider": provider, "unit": unit, "period_start": period.start, "period_end": period.end}
    try:
        with transaction.atomic():
            report, created = Report.objects.get_or_create(
                **lookup, defaults={"kind": kind, "reference": reference, "created_by": actor}
            )
    except IntegrityError:  # a concurrent request created it first (unique constraint)
        return Report.objects.get(**lookup)
    if created and actor is not None:  # celery beat's drafts have no actor; the report's created_by is empty
        change_record(actor=actor, instance=report, action=ChangeAction.CREATE)
    return report


def _draft_get_or_create(*, report: Report, actor: User | None) -> ReportVersion:
    """The report's one draft; a new one (next number, commentary copied) after a finalised version."""
    draft = ReportVersion.objects.filter(report=report, status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = ReportVersion.objects.filter(report=report).order_by("-number").first()
    number = (ReportVersion.objects.filter(report=report).aggregate(top=Max("number"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            draft = ReportVersion.objects.create(report=report, number=number)
    except IntegrityError:  # one-draft-per-report or unique number: someone else made it just now
        return ReportVersion.objects.get(report=report, status=VersionStatus.DRAFT)
    if actor is not None:
        change_record(actor=actor, instance=draft, action=ChangeAction.CREATE, fields=VERSION_TRACKED)
    if latest is not None:
        ReportCommentary.objects.bulk_create(
            ReportCommentary(version=draft, section=row.section, text=row.text, updated_by=actor)
            for row in latest.commentary.all()
        )
    return draft


GENERATE_TASK = "reporting.tasks.report_generate"


def generation_job_key(version_id: int) -> str:
    return f"report-version:{version_id}"


def _queue(version: ReportVersion) -> None:
    """Queue the generation task through the outbox: published after commit (the worker must see the
    queued row), kept and resent by the drain if Redis is away. The task is idempotent, as the outbox needs."""
    enqueue(GENERATE_TASK, args=[version.pk], key=generation_job_key(version.pk))


@transaction.atomic
def report_request(
    *,
    actor: User | None,
    provider: Provider,
    unit: Unit | None,
    kind: str,
    period: Period,
    reference: str = "",
) -> ReportVersion:
    """Create (or find) the report for a scope and period and queue generation of its draft.

    Idempotent: the same request twice gives the same report and the same draft, queued once.
    """
    if actor is not None:
        _check_scope(actor, provider, unit)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Välj en giltig period.")})
    report = _report_get_or_create(
        actor=actor, provider=provider, unit=unit, kind=kind, period=period, reference=reference
    )
    draft = _draft_get_or_create(report=report, actor=actor)
    if draft.generation_status in (GenerationStatus.NOT_STARTED, GenerationStatus.FAILED):
        report_generation_queue(actor=actor, version=draft)
        draft.refresh_from_db()
    return draft


@transaction.atomic
def report_new_version(*, actor: User, report: Report) -> ReportVersion:
    """Start a new draft after a finalised version (commentary carried over) and queue its generation."""
    _check_scope(actor, report.provider, report.unit)
    draft = _draft_get_or_create(report=report, actor=actor)
    if draft.generation_status == GenerationStatus.NOT_STARTED:
        report_generation_queue(actor=actor, version=draft)
        draft.refresh_from_db()
    return draft


@transaction.atomic
def report_generation_queue(*, actor: User | None, version: ReportVersion, refresh_figures: bool = True) -> bool:
    """Queue (re)generation of a draft; a no-op while it is already queued or running. True if queued.

    refresh_figures: fetch the figures anew (a new draft, "Hämta siffrorna på nytt"). Without it the files are
    made again from the figures the draft already has, which the manager may have reviewed (commentary saved,
    finalising)."""
    if actor is not None:
        _check_scope(actor, version.report.provider, version.report.unit)
    refresh: dict[str, dict[str, object]] = {"figures": {}} if refresh_figures else {}
    queued = (
        ReportVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT)
        .exclude(generation_status__in=[GenerationStatus.QUEUED, GenerationStatus.RUNNING])
        .update(
            **refresh,
            generation_status=GenerationStatus.QUEUED,
            attempts=0,
            progress=0,
            progress_step=_("Väntar på att starta"),
            failure_reason="",
            queued_at=timezone.now(),
        )
    )
    if queued:
        _queue(version)
        return True
    if not ReportVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).exists():
        raise ValidationError(FINALISED_MESSAGE)
    return False


@transaction.atomic
def report_reference_set(*, actor: User, report: Report, reference: str) -> Report:
    """Set the report's diarienummer (shown in the PDF header from the next generation)."""
    _check_scope(actor, report.provider, report.unit)
    reference = reference.strip()
    if len(reference) > 50:
        raise ValidationError({"reference": _("Diarienumret får vara högst 50 tecken.")})
    before = history_snapshot(Report.objects.select_for_update().get(pk=report.pk), ["reference"])
    Report.objects.filter(pk=report.pk).update(reference=reference)
    report.reference = reference
    change_record(actor=actor, instance=report, action=ChangeAction.UPDATE, before=before, fields=["reference"])
    return report


def _commentary_changes(locked: ReportVersion, texts: dict[str, str], reference: str | None) -> list[Change]:
    """The sections (and diarienummer) whose saved text differs from what this user submitted."""
    saved = {row.section: row.text for row in locked.commentary.all()}
    changes = []
    if reference is not None and locked.report.reference != reference.strip():
        changes.append(Change(field="reference", label=_("Diarienummer"), current=locked.report.reference or "–"))
    for section, text in texts.items():
        current = saved.get(section, "")
        if current != text.strip():
            shown = current if len(current) <= 200 else current[:200] + "…"
            changes.append(Change(field=section, label=str(CommentarySection(section).label), current=shown or "–"))
    return changes


@transaction.atomic
def report_commentary_save(
    *,
    actor: User,
    version: ReportVersion,
    texts: dict[str, str],
    expected_version: int | str | None,
    reference: str | None = None,
) -> ReportVersion:
    """Save the manager's commentary sections (and the diarienummer) on a draft and queue new files with them.

    The figures stay those the manager has reviewed: new figures are fetched only on request
    (report_generation_queue with refresh_figures). Refused (EditConflict, nothing saved) when someone saved the
    draft's texts since the form was opened; a finalised version is refused (on PostgreSQL a trigger too).
    """
    _check_scope(actor, version.report.provider, version.report.unit)
    locked = ReportVersion.objects.select_for_update().select_related("report").get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise ValidationError(FINALISED_MESSAGE)
    if locked.is_busy:
        raise ValidationError(_("Rapporten skapas just nu. Vänta tills den är klar och spara sedan igen."))
    unknown = set(texts) - set(CommentarySection.values)
    if unknown:
        raise ValidationError(_("Okänt avsnitt."))
    try:
        version_check_and_bump(instance=locked, expected_version=expected_version)
    except EditConflict as conflict:
        raise EditConflict(
            instance=locked,
            expected_version=conflict.expected_version,
            changes=_commentary_changes(locked, texts, reference),
        ) from None
    ReportVersion.objects.filter(pk=locked.pk).update(version=locked.version)
    if reference is not None:
        report_reference_set(actor=actor, report=locked.report, reference=reference)
    stored = {row.section: history_snapshot(row, COMMENTARY_TRACKED) for row in locked.commentary.all()}
    for section, text in texts.items():
        row, created = ReportCommentary.objects.update_or_create(
            version=locked, section=section, defaults={"text": text.strip(), "updated_by": actor}
        )
        change_record(  # an unchanged section writes no row
            actor=actor,
            instance=row,
            action=ChangeAction.CREATE if created else ChangeAction.UPDATE,
            before=None if created else stored[section],
            fields=COMMENTARY_TRACKED,
        )
    report_generation_queue(actor=actor, version=locked, refresh_figures=False)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def report_finalise_request(
    *, actor: User, version: ReportVersion, expected_version: int | str | None = None
) -> ReportVersion:
    """Ask for the draft to be finalised: the task renders the files as finalised, then locks the version.

    expected_version (the confirmation page's): refused if the texts were saved since the manager saw them."""
    _check_scope(actor, version.report.provider, version.report.unit)
    if not actor.has_perm("reporting.finalise_report"):
        raise ValidationError(_("Du har inte behörighet att fastställa uppföljningar."))
    locked = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise ValidationError(FINALISED_MESSAGE)
    if expected_version is not None and str(locked.version) != str(expected_version):
        raise EditConflict(instance=locked, expected_version=int(expected_version), changes=[])
    if locked.generation_status != GenerationStatus.DONE:
        raise ValidationError(_("Rapporten måste vara färdigskapad innan den kan fastställas."))
    before = history_snapshot(locked, ["finalise_requested_by"])
    ReportVersion.objects.filter(pk=locked.pk, status=VersionStatus.DRAFT).update(finalise_requested_by=actor)
    locked.finalise_requested_by = actor
    change_record(
        actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before, fields=["finalise_requested_by"]
    )
    report_generation_queue(actor=actor, version=locked, refresh_figures=False)  # exactly what was reviewed
    locked.refresh_from_db()
    return locked


# Used by the task --------------------------------------------------------------------------------------------


def generation_claim(*, version_id: int) -> ReportVersion | None:
    """Mark a queued (or interrupted) draft as running; None when there is nothing to do (done/finalised)."""
    claimed = ReportVersion.objects.filter(
        pk=version_id,
        status=VersionStatus.DRAFT,
        generation_status__in=[GenerationStatus.QUEUED, GenerationStatus.RUNNING],
    ).update(
        generation_status=GenerationStatus.RUNNING,
        attempts=F("attempts") + 1,
        progress=5,
        progress_step=_("Startar"),
    )
    if not claimed:
        return None
    return (
        ReportVersion.objects.select_related("report", "report__provider", "report__unit", "finalise_requested_by")
        .prefetch_related("commentary")
        .get(pk=version_id)
    )


def generation_progress(*, version_id: int, progress: int, step: str, **fields) -> None:
    """Record progress of a running generation (committed at once, so the browser sees it)."""
    ReportVersion.objects.filter(
        pk=version_id, status=VersionStatus.DRAFT, generation_status=GenerationStatus.RUNNING
    ).update(progress=progress, progress_step=step, **fields)


@transaction.atomic
def generation_complete(*, version: ReportVersion, files: dict[str, str]) -> bool:
    """Store the file names and finish; finalises the version if that was requested. One conditional update;
    a finalisation is recorded in the change history as done by the manager who asked for it."""
    changes: dict[str, object] = {
        "generation_status": GenerationStatus.DONE,
        "progress": 100,
        "progress_step": _("Klar"),
        "generated_at": timezone.now(),
        "failure_reason": "",
        **files,
    }
    finalised_at = timezone.now()
    if version.finalise_requested_by_id:
        changes |= {
            "status": VersionStatus.FINALISED,
            "finalised_at": finalised_at,
            "finalised_by_id": version.finalise_requested_by_id,
        }
    done = bool(
        ReportVersion.objects.filter(
            pk=version.pk, status=VersionStatus.DRAFT, generation_status=GenerationStatus.RUNNING
        ).update(**changes)
    )
    if done and (requester := version.finalise_requested_by) is not None:
        before = history_snapshot(version, FINALISED_TRACKED)
        version.status, version.finalised_at = VersionStatus.FINALISED, finalised_at
        version.finalised_by_id = requester.pk
        change_record(
            actor=requester,
            instance=version,
            action=ChangeAction.UPDATE,
            before=before,
            fields=FINALISED_TRACKED,
        )
    return done


def generation_retry_later(*, version_id: int, reason: str) -> None:
    """A failed try with tries left: back in the queue, the reason shown while it waits."""
    ReportVersion.objects.filter(
        pk=version_id, status=VersionStatus.DRAFT, generation_status=GenerationStatus.RUNNING
    ).update(
        generation_status=GenerationStatus.QUEUED,
        failure_reason=reason[:2000],
        progress_step=_("Ett fel uppstod; ett nytt försök görs strax"),
    )


def generation_fail(*, version_id: int, reason: str) -> None:
    """Record why generation failed; the manager sees the reason and can try again."""
    ReportVersion.objects.filter(pk=version_id, status=VersionStatus.DRAFT).update(
        generation_status=GenerationStatus.FAILED,
        failure_reason=reason[:2000],
        progress_step=_("Misslyckades"),
        finalise_requested_by=None,
    )


def generation_stale_fail(*, older_than: datetime.timedelta) -> int:
    """Fail drafts queued or running for longer than any delivery could take (e.g. the broker lost the
    message), so no progress bar waits forever; the manager sees why and can start it again."""
    return ReportVersion.objects.filter(
        status=VersionStatus.DRAFT,
        generation_status__in=[GenerationStatus.QUEUED, GenerationStatus.RUNNING],
        queued_at__lt=timezone.now() - older_than,
    ).update(
        generation_status=GenerationStatus.FAILED,
        failure_reason=_("Jobbet blev aldrig klart; bakgrundstjänsten kan ha tappat det. Försök igen."),
        progress_step=_("Misslyckades"),
        finalise_requested_by=None,
    )


def half_year_drafts_create(*, today: datetime.date) -> list[ReportVersion]:
    """celery beat: the draft for the half-year that just ended, for every agreement that covers it."""
    period = Period.last_ended_half_year(today)
    kind = ReportKind.FIRST_HALF if period.start.month == 1 else ReportKind.SECOND_HALF
    agreements = Agreement.objects.filter(starts_on__lte=period.end, ends_on__gte=period.start).select_related(
        "provider", "unit"
    )
    drafts = []
    for agreement in agreements:  # one per agreement (a handful), each idempotent
        drafts.append(
            report_request(actor=None, provider=agreement.provider, unit=agreement.unit, kind=kind, period=period)
        )
    return drafts
