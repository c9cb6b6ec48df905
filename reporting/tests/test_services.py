"""Reports and agreements through reporting.services: versions, finalising, idempotency, scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import InsatsType
from core.models import Role
from jobs.models import OutboxMessage
from reporting import services, tasks
from reporting.figures import Period
from reporting.models import Agreement, GenerationStatus, Report, ReportCommentary, ReportVersion, VersionStatus
from tests.factories import ProviderFactory, UnitFactory, UserFactory

D = datetime.date


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _request(manager, unit, period=None):
    return services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=period or Period.year(2016)
    )


@pytest.mark.django_db
def test_requesting_the_same_report_twice_gives_one_report_one_draft_one_job(manager, unit):
    first = _request(manager, unit)
    second = _request(manager, unit)
    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert ReportVersion.objects.count() == 1
    assert first.generation_status == GenerationStatus.QUEUED
    assert OutboxMessage.objects.filter(key=services.generation_job_key(first.pk)).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_draft(manager, unit):
    draft = _request(manager, unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.create(report=draft.report, number=2)


@pytest.mark.django_db
def test_finalise_then_the_version_never_changes(manager, unit, media):
    # given a generated draft with commentary
    draft = _request(manager, unit)
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    draft = services.report_commentary_save(
        actor=manager,
        version=draft,
        expected_version=draft.version,
        texts={"summary": "Verksamheten uppfyller kraven."},
    )
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    # when the manager finalises it (the task renders it as finalised and locks it)
    services.report_finalise_request(actor=manager, version=draft)
    assert tasks.generate(draft.pk) == "done"
    draft.refresh_from_db()
    assert draft.status == VersionStatus.FINALISED
    assert draft.finalised_by == manager
    pdf = (media / draft.pdf_file).read_bytes()
    # then no service changes it any more
    with pytest.raises(ValidationError):
        services.report_commentary_save(
            actor=manager, version=draft, expected_version=draft.version, texts={"summary": "Ändrad text."}
        )
    with pytest.raises(ValidationError):
        services.report_generation_queue(actor=manager, version=draft)
    with pytest.raises(ValidationError):
        services.report_finalise_request(actor=manager, version=draft)
    assert tasks.generate(draft.pk) == "nothing-to-do"
    draft.refresh_from_db()
    assert draft.commentary.get(section="summary").text == "Verksamheten uppfyller kraven."
    assert (media / draft.pdf_file).read_bytes() == pdf


@pytest.mark.django_db
@pytest.mark.requires("postgresql")  # the trigger exists on PostgreSQL only
def test_the_database_refuses_to_change_a_finalised_version(manager, unit, media):
    draft = _request(manager, unit)
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    services.report_commentary_save(
        actor=manager, version=draft, expected_version=draft.version, texts={"summary": "Text"}
    )
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    services.report_finalise_request(actor=manager, version=draft)
    tasks.generate(draft.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.filter(pk=draft.pk).update(figures={})
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportCommentary.objects.filter(version=draft).update(text="Ändrad i efterhand")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.filter(pk=draft.pk).delete()


@pytest.mark.django_db
def test_a_new_version_after_finalising_carries_the_commentary(manager, unit, media):
    draft = _request(manager, unit)
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    services.report_commentary_save(
        actor=manager, version=draft, expected_version=draft.version, texts={"assessment": "Förläng avtalet."}
    )
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    services.report_finalise_request(actor=manager, version=draft)
    tasks.generate(draft.pk)

    second = services.report_new_version(actor=manager, report=draft.report)
    assert second.number == 2 and second.status == VersionStatus.DRAFT
    assert second.commentary.get(section="assessment").text == "Förläng avtalet."
    assert services.report_new_version(actor=manager, report=draft.report).pk == second.pk  # no third
    assert ReportVersion.objects.filter(report=draft.report).count() == 2


@pytest.mark.django_db
def test_finalising_needs_a_generated_draft_and_the_permission(manager, handler, unit):
    draft = _request(manager, unit)
    with pytest.raises(ValidationError):
        services.report_finalise_request(actor=manager, version=draft)  # still queued
    with pytest.raises(ValidationError):
        services.report_finalise_request(actor=handler, version=draft)


@pytest.mark.django_db
def test_a_manager_cannot_report_on_another_provider(manager):
    elsewhere = UnitFactory(provider=ProviderFactory(name="Annan utförare"))
    with pytest.raises(ValidationError):
        services.report_request(
            actor=manager, provider=elsewhere.provider, unit=elsewhere, kind="year", period=Period.year(2016)
        )
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_half_year_drafts_are_created_once_per_agreement(agreement, unit):
    drafts = services.half_year_drafts_create(today=D(2017, 7, 1))
    assert len(drafts) == 1
    report = drafts[0].report
    assert (report.period_start, report.period_end, report.kind) == (D(2017, 1, 1), D(2017, 6, 30), "h1")
    assert report.unit is None and report.provider == unit.provider
    # run again (beat twice, or a redelivered task): nothing new
    services.half_year_drafts_create(today=D(2017, 7, 1))
    assert Report.objects.count() == 1 and ReportVersion.objects.count() == 1
    # the second half-year the next January
    services.half_year_drafts_create(today=D(2018, 1, 1))
    assert set(Report.objects.values_list("kind", flat=True)) == {"h1", "h2"}
    # none after the agreement has ended
    assert services.half_year_drafts_create(today=D(2019, 7, 1)) == []


# Agreements ---------------------------------------------------------------------------------------------------


def _volumes(**ranges):
    return [services.VolumeData(InsatsType.objects.get(code=code), low, high) for code, (low, high) in ranges.items()]


@pytest.mark.django_db
def test_agreement_create_and_decision_date(manager, unit):
    agreement = services.agreement_create(
        actor=manager,
        provider=unit.provider,
        unit=None,
        name="Brottsförebyggande verksamhet",
        starts_on=D(2019, 1, 1),
        ends_on=D(2020, 12, 31),
        budget=3_854_000,
        volumes=_volumes(ungdomstjanst=(30, 40), medling=(30, 30)),
    )
    assert agreement.decision_on == D(2019, 12, 31)
    assert {v.insats_type.code: (v.min_per_year, v.max_per_year) for v in agreement.volumes.all()} == {
        "ungdomstjanst": (30, 40),
        "medling": (30, 30),
    }


@pytest.mark.django_db
def test_agreement_validation_messages_are_swedish_and_nothing_is_saved(manager, unit):
    with pytest.raises(ValidationError) as error:
        services.agreement_create(
            actor=manager,
            provider=unit.provider,
            unit=None,
            name="Fel",
            starts_on=D(2020, 1, 1),
            ends_on=D(2019, 1, 1),
            budget=1,
            volumes=_volumes(medling=(40, 30)),
        )
    assert "Slutdatum måste vara efter startdatum." in error.value.message_dict["ends_on"]
    assert "lägsta volym" in " ".join(error.value.message_dict["volumes"])
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_agreement_update_refuses_a_stale_form(manager, agreement):
    kwargs = {
        "actor": manager,
        "agreement": agreement,
        "name": agreement.name,
        "reference": "",
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "budget": 4_000_000,
        "notice_months": 12,
        "renewal_decided_on": D(2017, 11, 20),
        "volumes": _volumes(medling=(25, 35)),
    }
    updated = services.agreement_update(version=1, **kwargs)
    assert updated.version == 2 and updated.budget == 4_000_000
    with pytest.raises(ValidationError):
        services.agreement_update(version=1, **kwargs)


@pytest.mark.django_db
def test_an_outsider_manager_cannot_change_the_agreement(agreement, other_unit):
    other_manager = UserFactory(unit=UnitFactory(provider=ProviderFactory(name="Annan")), role=Role.MANAGER)
    with pytest.raises(ValidationError):
        services.agreement_update(
            actor=other_manager,
            agreement=agreement,
            version=1,
            name="x",
            reference="",
            starts_on=agreement.starts_on,
            ends_on=agreement.ends_on,
            budget=1,
            notice_months=12,
            renewal_decided_on=None,
            volumes=[],
        )
