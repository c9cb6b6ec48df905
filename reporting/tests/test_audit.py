"""Every write of reporting.services made by a person records its change-history row in the same
transaction: one test per service (named test_<service>) asserting exactly the rows the call wrote, and a
walk over the module that fails when a public service has no such test and no reason to write none."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import InsatsType
from core.models import ChangeAction
from reporting import services
from reporting.figures import Period
from reporting.models import Agreement, GenerationStatus, ReportCommentary, ReportVersion, VersionStatus
from tests.history import created, history_written, row, untested_write_services

CREATE, UPDATE = ChangeAction.CREATE, ChangeAction.UPDATE
D = datetime.date

# Public functions of reporting.services that are not a person's change of a record. The worker's job state
# (queued, running, progress, failed) is shown on the report page while it lasts; the finalisation it carries
# out is recorded (test_generation_complete), as done by the manager who asked for it.
NOT_AUDITED = {
    "generation_job_key": "reads only",
    "report_generation_queue": "job state: queues the worker",
    "generation_claim": "job state: the worker takes the job",
    "generation_progress": "job state: progress bar",
    "generation_retry_later": "job state: back in the queue",
    "generation_fail": "job state: the reason it failed",
    "generation_stale_fail": "job state: lost jobs, celery beat",
    "half_year_drafts_create": "celery beat's drafts: no actor (the report's created_by is empty)",
}


def pk(obj) -> str:
    return str(obj.pk)


def test_every_public_write_service_has_its_audit_test():
    assert untested_write_services(services, globals(), not_audited=NOT_AUDITED) == set()


def _volume(code, low, high) -> services.VolumeData:
    return services.VolumeData(insats_type=InsatsType.objects.get(code=code), min_per_year=low, max_per_year=high)


@pytest.fixture
def draft(manager, unit) -> ReportVersion:
    """A generated draft of the provider's 2016 report (generation itself is not under test here)."""
    draft = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )
    ReportVersion.objects.filter(pk=draft.pk).update(generation_status=GenerationStatus.DONE)
    draft.refresh_from_db()
    return draft


# ---------------------------------------------------------------- Agreements


@pytest.mark.django_db
def test_agreement_create(manager, unit):
    with history_written() as rows:
        agreement = services.agreement_create(
            actor=manager,
            provider=unit.provider,
            unit=None,
            name="Brottsförebyggande verksamhet",
            reference="ON 2017-123",
            starts_on=D(2019, 1, 1),
            ends_on=D(2022, 12, 31),
            budget=4_000_000,
            volumes=[_volume("ungdomstjanst", 30, 40), _volume("medling", 30, 30)],
        )
    changes = created(
        provider=pk(unit.provider),
        name="Brottsförebyggande verksamhet",
        reference="ON 2017-123",
        starts_on="2019-01-01",
        ends_on="2022-12-31",
        budget="4000000",
        notice_months="12",
        volumes="medling 30–30, ungdomstjanst 30–40",
    )
    assert rows == [row(manager, agreement, CREATE, changes)]  # the nämnd's agreement: no person's file


@pytest.mark.django_db
def test_agreement_update(manager, agreement):
    stale_copy = Agreement.objects.get(pk=agreement.pk)
    Agreement.objects.filter(pk=agreement.pk).update(budget=3_900_000)  # saved after the form was opened
    with history_written() as rows:
        services.agreement_update(
            actor=manager,
            agreement=stale_copy,
            version=1,
            name=agreement.name,
            reference=agreement.reference,
            starts_on=agreement.starts_on,
            ends_on=agreement.ends_on,
            budget=4_000_000,
            notice_months=12,
            renewal_decided_on=D(2017, 11, 20),
            volumes=[_volume("medling", 30, 35)],
        )
    changes = {
        "budget": ["3900000", "4000000"],  # the stored old value, not the form's copy
        "renewal_decided_on": [None, "2017-11-20"],
        "volumes": ["medling 30–30, skk 10–10, stod_brottsutsatta 700–700, ungdomstjanst 30–40", "medling 30–35"],
    }
    assert rows == [row(manager, agreement, UPDATE, changes)]


@pytest.mark.django_db
def test_a_stale_agreement_form_leaves_no_history(manager, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(version=2)
    with history_written() as rows, pytest.raises(ValidationError):
        services.agreement_update(
            actor=manager,
            agreement=agreement,
            version=1,
            name="Ny",
            reference="",
            starts_on=agreement.starts_on,
            ends_on=agreement.ends_on,
            budget=1,
            notice_months=12,
            renewal_decided_on=None,
            volumes=[],
        )
    assert rows == []


# ---------------------------------------------------------------- Reports


@pytest.mark.django_db
def test_report_request(manager, unit):
    with history_written() as rows:
        draft = services.report_request(
            actor=manager, provider=unit.provider, unit=unit, kind="year", period=Period.year(2016)
        )
    with history_written() as again:  # the same request twice: the same report and draft, nothing new
        services.report_request(actor=manager, provider=unit.provider, unit=unit, kind="year", period=Period.year(2016))
    report_changes = created(
        provider=pk(unit.provider),
        unit=pk(unit),
        kind="year",
        period_start="2016-01-01",
        period_end="2016-12-31",
        created_by=pk(manager),
    )
    assert rows == [
        row(manager, draft.report, CREATE, report_changes),
        row(manager, draft, CREATE, created(report=pk(draft.report), number="1", status="draft")),
    ]
    assert again == []


@pytest.mark.django_db
def test_report_new_version(manager, draft):
    ReportVersion.objects.filter(pk=draft.pk).update(
        status=VersionStatus.FINALISED, finalised_at=timezone.now(), finalised_by=manager
    )
    with history_written() as rows:
        second = services.report_new_version(actor=manager, report=draft.report)
    assert rows == [row(manager, second, CREATE, created(report=pk(draft.report), number="2", status="draft"))]


@pytest.mark.django_db
def test_report_reference_set(manager, draft):
    with history_written() as rows:
        report = services.report_reference_set(actor=manager, report=draft.report, reference=" ON 2017-9 ")
    assert rows == [row(manager, report, UPDATE, {"reference": ["", "ON 2017-9"]})]


@pytest.mark.django_db
def test_report_commentary_save(manager, draft):
    with history_written() as first:
        services.report_commentary_save(
            actor=manager, version=draft, expected_version=draft.version, texts={"summary": "Uppdraget är uppfyllt."}
        )
    ReportVersion.objects.filter(pk=draft.pk).update(generation_status=GenerationStatus.DONE)
    with history_written() as second:
        services.report_commentary_save(
            actor=manager,
            version=draft,
            expected_version=2,  # the first save made it 2
            texts={"summary": "Uppdraget är uppfyllt med marginal.", "districts": "Skäggetorp ökar."},
        )
    summary = ReportCommentary.objects.get(version=draft, section="summary")
    districts = ReportCommentary.objects.get(version=draft, section="districts")
    assert first == [
        row(manager, summary, CREATE, created(version=pk(draft), section="summary", text="Uppdraget är uppfyllt."))
    ]
    assert second == [
        row(manager, summary, UPDATE, {"text": ["Uppdraget är uppfyllt.", "Uppdraget är uppfyllt med marginal."]}),
        row(manager, districts, CREATE, created(version=pk(draft), section="districts", text="Skäggetorp ökar.")),
    ]


@pytest.mark.django_db
def test_report_finalise_request(manager, draft):
    with history_written() as rows:
        services.report_finalise_request(actor=manager, version=draft)
    assert rows == [row(manager, draft, UPDATE, {"finalise_requested_by": [None, pk(manager)]})]


@pytest.mark.django_db
def test_generation_complete(manager, draft):
    services.report_finalise_request(actor=manager, version=draft)
    claimed = services.generation_claim(version_id=draft.pk)
    with history_written() as rows:
        assert services.generation_complete(version=claimed, files={"pdf_file": "rapport.pdf"})
    claimed.refresh_from_db()
    changes = {
        "status": ["draft", "finalised"],
        "finalised_at": [None, claimed.finalised_at.isoformat()],
        "finalised_by": [None, pk(manager)],
    }
    assert rows == [row(manager, claimed, UPDATE, changes)]  # the worker finalises on the manager's behalf


@pytest.mark.django_db
def test_a_generation_without_finalising_writes_no_history(manager, draft):
    services.report_generation_queue(actor=manager, version=draft)
    claimed = services.generation_claim(version_id=draft.pk)
    with history_written() as rows:
        assert services.generation_complete(version=claimed, files={"pdf_file": "rapport.pdf"})
    assert rows == []
