"""Report generation (reporting.tasks): files, PDF text, idempotency, failure and retry, beat."""

import csv
import datetime
import io
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reporting import services, tasks
from reporting.figures import Period
from reporting.models import GenerationStatus, Report, ReportVersion, VersionStatus
from tests.environment import require

D = datetime.date
needs_poppler = pytest.mark.requires("pdftotext", "pdffonts", "pdfinfo")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(path) -> str:
    require("pdftotext")
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    return result.stdout.replace("\u00a0", " ")


@pytest.fixture
def generated(seed_2016, agreement, unit, manager, media):
    """The provider's 2016 report with commentary, generated."""
    draft = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )
    services.report_reference_set(actor=manager, report=draft.report, reference="ON 2017/0042")
    assert tasks.generate(draft.pk) == "done"
    draft.refresh_from_db()
    services.report_commentary_save(
        actor=manager,
        version=draft,
        expected_version=draft.version,
        texts={"summary": "Antalet ärenden har i det närmaste fördubblats."},
    )
    assert tasks.generate(draft.pk) == "done"
    draft.refresh_from_db()
    return draft


@needs_poppler
@pytest.mark.django_db
def test_pdf_contains_the_key_figures(generated, media):
    path = media / generated.pdf_file
    assert path.is_file() and generated.pdf_file.startswith("reports/")
    text = pdf_text(path)
    # header, period, diarienummer field, table of contents, page numbers
    assert "Linköpings kommun" in text and "Råd och stöd" in text
    assert "2016-01-01 – 2016-12-31" in text
    assert "ON 2017/0042" in text
    assert "Innehåll" in text and "Volymer mot överenskommelsen" in text
    assert "Sida 1 av" in text

    # the seed's figures
    def row(label):
        return next(
            line for line in text.splitlines() if line.strip().startswith(label) and any(c.isdigit() for c in line)
        )

    assert row("Nya ärenden").split()[2] == "353"
    assert row("Avslutade ärenden").split()[2] == "268"
    assert row("Oplanerade avslut").split()[2] == "4"
    skaggetorp = next(line for line in text.splitlines() if line.strip().startswith("Skäggetorp") and "115" in line)
    assert "30 %" in skaggetorp
    assert "3 854 000 kr" in text
    assert "<5" in text  # Johannelund
    assert "Antalet ärenden har i det närmaste fördubblats." in text
    # the agreement orders no SIG, avhopp or fältverksamhet: their sections are left out, not printed as zeros
    assert "Sociala insatsgrupper" not in text and "Fältverksamhet" not in text
    assert "Uppgift saknas" in text  # 2015, the comparison period, has no data
    assert "Utkast (version 1)" in text


@needs_poppler
@pytest.mark.django_db
def test_pdf_embeds_its_fonts_and_has_a4_pages(generated, media):
    fonts = subprocess.run(["pdffonts", str(media / generated.pdf_file)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # "emb" column
    info = subprocess.run(["pdfinfo", str(media / generated.pdf_file)], capture_output=True, text=True, check=True)
    assert "595.28 x 841.89 pts (A4)" in info.stdout or "A4" in info.stdout


@pytest.mark.django_db
def test_pdf_has_two_inline_svg_charts(generated):
    from reporting.pdf import report_context

    context = report_context(generated.figures, commentary={}, meta={})
    assert context["volume_chart"].startswith("<svg") and "Volymer mot överenskommelsen" in context["volume_chart"]
    assert context["district_chart"].startswith("<svg") and "Skäggetorp" in context["district_chart"]
    assert "http" not in context["volume_chart"].replace("http://www.w3.org/2000/svg", "")


@pytest.mark.django_db
def test_excel_and_csv_carry_the_same_figures(generated, media):
    workbook = load_workbook(media / generated.xlsx_file)
    summary = workbook["Sammanfattning"]
    values = {row[0]: row[1] for row in summary.iter_rows(min_row=4, values_only=True)}
    assert (values["Nya ärenden"], values["Avslutade ärenden"], values["Oplanerade avslut (behandlingsavbrott)"]) == (
        353,
        268,
        4,
    )
    districts = {row[0]: row[1:] for row in workbook["Områden"].iter_rows(min_row=4, values_only=True)}
    assert districts["Skäggetorp"][0] == 115 and districts["Skäggetorp"][1] == 30.0
    assert districts["Johannelund"][0] == "<5"

    raw = (media / generated.csv_file).read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["avsnitt", "rad", "kolumn", "värde"]
    assert ["Sammanfattning", "Nya ärenden", "2016-01-01 – 2016-12-31", "353"] in rows
    assert ["Områden", "Johannelund", "Ungdomar 2016-01-01 – 2016-12-31", "<5"] in rows


@pytest.mark.django_db
def test_a_retried_task_makes_no_second_version(seed_2016, unit, manager, media):
    draft = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )
    # the same message delivered twice (acks_late redelivery), the second time after the first finished
    assert tasks.report_generate.run(draft.pk) == "done"
    assert tasks.report_generate.run(draft.pk) == "nothing-to-do"
    # a run interrupted by a dying worker (still "running") is done again on the same version
    ReportVersion.objects.filter(pk=draft.pk).update(generation_status=GenerationStatus.RUNNING)
    assert tasks.report_generate.run(draft.pk) == "done"
    assert ReportVersion.objects.filter(report=draft.report).count() == 1
    draft.refresh_from_db()
    assert draft.attempts == 2 and draft.generation_status == GenerationStatus.DONE
    leftovers = [p.name for p in (media / tasks.version_directory(draft)).iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []


@pytest.mark.django_db
def test_a_job_redelivered_too_often_gives_up_with_a_reason(unit, manager, media):
    draft = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )
    ReportVersion.objects.filter(pk=draft.pk).update(
        generation_status=GenerationStatus.RUNNING, attempts=tasks.MAX_ATTEMPTS
    )
    assert tasks.report_generate.run(draft.pk) == "gave-up"
    draft.refresh_from_db()
    assert draft.generation_status == GenerationStatus.FAILED and "flera försök" in draft.failure_reason


@pytest.mark.django_db
def test_a_failure_shows_its_reason_and_can_be_retried(seed_2016, unit, manager, settings, tmp_path):
    # given a media folder that cannot be written (a file where the folder should be)
    blocker = tmp_path / "media"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    draft = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )
    with pytest.raises(OSError):
        tasks.generate(draft.pk)
    draft.refresh_from_db()
    assert draft.generation_status == GenerationStatus.FAILED
    assert draft.failure_reason.startswith("Rapporten kunde inte skapas:")
    # when the folder is fixed and the manager presses "Försök igen"
    settings.MEDIA_ROOT = tmp_path / "ok"
    assert services.report_generation_queue(actor=manager, version=draft) is True
    assert tasks.generate(draft.pk) == "done"
    draft.refresh_from_db()
    assert draft.generation_status == GenerationStatus.DONE and draft.failure_reason == ""
    assert ReportVersion.objects.count() == 1


@pytest.mark.django_db
def test_a_failing_run_is_retried_three_times_then_failed_with_its_reason(
    seed_2016, unit, manager, settings, tmp_path, monkeypatch
):
    # given a media folder that cannot be written, and the task run the way a worker runs it
    blocker = tmp_path / "media"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    draft = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )
    # (celery applies an eager retry with the app's propagate setting, so turn it off for this run)
    monkeypatch.setitem(tasks.report_generate.app.conf, "task_eager_propagates", False)
    result = tasks.report_generate.apply(args=[draft.pk], throw=False)
    # then it was tried once and retried three times before it was marked failed
    assert result.failed() and isinstance(result.result, OSError)
    draft.refresh_from_db()
    assert draft.attempts == 1 + tasks.RETRY_LIMIT == 4
    assert draft.generation_status == GenerationStatus.FAILED
    assert draft.failure_reason.startswith("Rapporten kunde inte skapas:")


@pytest.mark.django_db
def test_watchdog_fails_a_report_left_queued_too_long_and_it_can_be_started_again(unit, manager, settings):
    settings.REPORT_STALE_HOURS = 12
    stale = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )
    fresh = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2017)
    )
    # given one job the broker lost 13 hours ago (still "running") and one queued an hour ago
    ReportVersion.objects.filter(pk=stale.pk).update(
        generation_status=GenerationStatus.RUNNING, queued_at=timezone.now() - datetime.timedelta(hours=13)
    )
    ReportVersion.objects.filter(pk=fresh.pk).update(
        generation_status=GenerationStatus.QUEUED, queued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert tasks.report_watchdog.run() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.generation_status == GenerationStatus.FAILED and "aldrig klart" in stale.failure_reason
    assert fresh.generation_status == GenerationStatus.QUEUED
    assert services.report_generation_queue(actor=manager, version=stale) is True


def test_retries_back_off_exponentially(settings):
    settings.REPORT_RETRY_BACKOFF_SECONDS = 10
    assert [tasks.retry_countdown(done) for done in range(tasks.RETRY_LIMIT)] == [10, 20, 40]


@pytest.mark.django_db
def test_finalising_renders_the_reviewed_figures_as_finalised(generated, media, handler, unit):
    from reporting.tests.datasets import CaseSpec, build_cases

    reviewed = generated.figures
    # new cases registered after the review do not slip into the finalised version
    build_cases(unit=unit, handler=handler, specs=[CaseSpec("medling", D(2016, 5, 5))])
    services.report_finalise_request(actor=generated.report.created_by, version=generated)
    assert tasks.generate(generated.pk) == "done"
    generated.refresh_from_db()
    assert generated.status == VersionStatus.FINALISED
    assert generated.figures == reviewed
    text = pdf_text(media / generated.pdf_file)
    assert "Fastställd" in text and "Utkast" not in text


@pytest.mark.django_db
def test_beat_task_creates_the_half_year_draft(agreement, unit):
    ids = tasks.report_half_year_drafts.run("2017-07-01")
    again = tasks.report_half_year_drafts.run("2017-07-01")
    assert ids == again and len(ids) == 1
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == (D(2017, 1, 1), D(2017, 6, 30))


def test_beat_schedule_and_routes(settings):
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "reporting.tasks.report_half_year_drafts"
    )
    schedule = entry["schedule"]
    assert schedule.is_due  # a crontab
    assert {1, 7} == set(schedule.month_of_year) and {1} == set(schedule.day_of_month)
    assert tasks.report_generate.acks_late is True
    from config.celery import app

    route = app.amqp.router.route({}, "reporting.tasks.report_generate", args=[1])
    assert route["queue"].name == "reports"
