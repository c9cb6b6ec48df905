"""Celery tasks for follow-up reports. Small: they take ids, return early when already done, call services.

report_generate is idempotent (it works on the one draft of a report and writes its files by atomic
rename), so it acknowledges late: a worker that dies mid-run leaves the message to be redelivered and
the redelivered run simply does the work again on the same version. It runs on the "reports" queue
(CELERY_TASK_ROUTES). A run that raises is retried with exponential backoff (RETRY_LIMIT times, waiting
REPORT_RETRY_BACKOFF_SECONDS, then twice and four times that); after that the version is marked failed
with the reason, and the manager can start it again. Every delivery counts as an attempt, so a job whose
worker keeps dying is given up on after the same number of tries.
"""

import datetime
import logging
import os
import tempfile
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import services
from reporting.exports import render_csv, render_xlsx
from reporting.figures import Period, Scope, follow_up
from reporting.models import ReportVersion
from reporting.pdf import render_pdf
from reporting.selectors import agreement_for_period

logger = logging.getLogger(__name__)

REPORTS_DIR = "reports"
RETRY_LIMIT = 3
MAX_ATTEMPTS = 1 + RETRY_LIMIT


class RetryLater(Exception):
    """A failed attempt that will be retried; the version waits in the queue with the reason shown."""


def retry_countdown(retries_done: int) -> int:
    """Seconds before the next try: the configured base, then twice and four times that."""
    return settings.REPORT_RETRY_BACKOFF_SECONDS * 2**retries_done


def version_directory(version: ReportVersion) -> str:
    """Relative to MEDIA_ROOT; only ids, never names or numbers of people."""
    return f"{REPORTS_DIR}/{version.report_id}/v{version.number}"


def write_atomically(relative_path: str, content: bytes) -> str:
    """Write under MEDIA_ROOT via a temporary file in the same folder and an atomic rename."""
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / relative_path).resolve()
    if root not in target.parents:
        raise ValueError("path outside MEDIA_ROOT")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return relative_path


def _meta(version: ReportVersion, *, finalising: bool) -> dict:
    return {
        "reference": version.report.reference,
        "version": version.number,
        "finalised": finalising,
        "finalised_on": timezone.localdate().isoformat() if finalising else "",
    }


def generate(version_id: int, *, final: bool = True) -> str:
    """Compute the figures (unless the draft has figures already), render PDF, Excel and CSV, finish.

    On an error the version is marked failed with the reason; with final=False (tries left) it goes back
    to the queue instead and RetryLater is raised for the task to schedule the next try.
    """
    version = services.generation_claim(version_id=version_id)
    if version is None:
        return "nothing-to-do"
    if version.attempts > MAX_ATTEMPTS:  # redelivered again and again (e.g. a worker killed at the hard limit)
        services.generation_fail(
            version_id=version_id, reason=_("Rapporten kunde inte skapas efter flera försök. Försök igen senare.")
        )
        return "gave-up"
    finalising = version.finalise_requested_by_id is not None
    try:
        report = version.report
        if version.figures:
            # the figures the manager has reviewed (files made again for commentary, or finalised): kept;
            # report_generation_queue empties them when new figures are asked for
            figures = version.figures
        else:
            services.generation_progress(version_id=version_id, progress=15, step=_("Räknar fram siffrorna"))
            period = Period(report.period_start, report.period_end)
            scope = Scope(provider_id=report.provider_id, unit_id=report.unit_id)
            figures = follow_up(period, scope, agreement=agreement_for_period(scope=scope, period=period)).as_dict()
            services.generation_progress(
                version_id=version_id, progress=40, step=_("Siffrorna är klara"), figures=figures
            )
        commentary = {row.section: row.text for row in version.commentary.all()}
        directory = version_directory(version)
        services.generation_progress(version_id=version_id, progress=50, step=_("Skapar PDF"))
        files = {
            "pdf_file": write_atomically(
                f"{directory}/uppfoljning.pdf",
                render_pdf(figures, commentary=commentary, meta=_meta(version, finalising=finalising)),
            )
        }
        services.generation_progress(version_id=version_id, progress=85, step=_("Skapar Excel och CSV"))
        files["xlsx_file"] = write_atomically(f"{directory}/uppfoljning.xlsx", render_xlsx(figures))
        files["csv_file"] = write_atomically(f"{directory}/uppfoljning.csv", render_csv(figures))
        services.generation_complete(version=version, files=files)
    except SoftTimeLimitExceeded:
        services.generation_fail(version_id=version_id, reason=_("Tidsgränsen för att skapa rapporten överskreds."))
        raise
    except Exception as error:
        # the reason is for the manager; it holds no personal data (the report holds aggregates only)
        logger.exception("report generation failed for version %s", version_id)
        reason = _("Rapporten kunde inte skapas: %(error)s") % {"error": f"{type(error).__name__}: {error}"[:500]}
        if not final and version.attempts < MAX_ATTEMPTS:
            services.generation_retry_later(version_id=version_id, reason=reason)
            raise RetryLater(reason) from error
        services.generation_fail(version_id=version_id, reason=reason)
        raise
    return "done"


@shared_task(
    bind=True,
    name="reporting.tasks.report_generate",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=RETRY_LIMIT,
)
def report_generate(self, version_id: int) -> str:
    try:
        return generate(version_id, final=self.request.retries >= RETRY_LIMIT)
    except RetryLater as waiting:
        raise self.retry(countdown=retry_countdown(self.request.retries), exc=waiting) from waiting


@shared_task(name="reporting.tasks.report_half_year_drafts", acks_late=True, ignore_result=True)
def report_half_year_drafts(today: str | None = None) -> list[int]:
    """celery beat, the first day after a half-year: a draft per agreement, generation queued. Idempotent."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return [draft.pk for draft in services.half_year_drafts_create(today=day)]


@shared_task(name="reporting.tasks.report_watchdog", ignore_result=True)
def report_watchdog() -> int:
    """celery beat, hourly: nothing stays queued or running forever (REPORT_STALE_HOURS)."""
    return services.generation_stale_fail(older_than=datetime.timedelta(hours=settings.REPORT_STALE_HOURS))


@shared_task(name="reporting.tasks.statistics_refresh", ignore_result=True)
def statistics_refresh() -> int:
    """Keep the statistics summary current (beat, every STATISTICS_REFRESH_SECONDS): consume the dirty marks the
    triggers wrote. Cheap when nothing changed (one query); a request whose scope is dirty refreshes itself."""
    from reporting.statistics_summary import refresh_dirty

    return refresh_dirty().marks
