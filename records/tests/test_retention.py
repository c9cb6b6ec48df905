"""Gallring: SoL default rules, kept birthdays and exempt kinds, a dry run whose list is the
real run's, a record of what was removed, files removed too, statistics for past periods unchanged, and a
run that survives being killed half-way."""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Custodian, InsatsType, JournalEntry, Person, SearchName
from consent.models import Actor, Consent, ConsentRevocation, Disclosure, LegalBasis
from consent.services import consent_record, consent_revoke, disclosure_record
from core.access_log import Seen, access_log_record
from core.models import AccessAction, AccessLog, ChangeLog
from interventions.models import FollowUp, Goal, GoalAttainment, Plan, PlanVersion, PurchasedService
from records.extract import person_file_rows
from records.models import (
    RecordType,
    RetentionAction,
    RetentionItem,
    RetentionRule,
    RetentionRun,
    RetentionRunStatus,
)
from records.retention import retention_cutoff, retention_due_people, retention_rule_validate, retention_run
from records.tasks import retention_run_task
from reporting.figures import Period, Scope, case_counts, extra_sections
from tests.factories import CaseFactory, JournalEntryFactory, PersonFactory, UserFactory, personnummer_for

AS_OF = datetime.date(2025, 6, 1)  # files whose last entry was made in 2019 or earlier are due


def _purge(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ungdomsinsats.purge = '{value}'")


@contextlib.contextmanager
def purge_mode():
    """Test set-up only: let append-only rows be rewritten (as gallring may), then guard them again."""
    with transaction.atomic():
        _purge("on")
        yield
        _purge("off")


def backdate(person: Person, day: datetime.date) -> None:
    """Test set-up: make every record of the person's file look written on `day`."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    with transaction.atomic():
        _purge("on")
        person_file = person_file_rows(person_ids=[person.pk])
        for model in person_file.model_list():
            stamps = {
                field.attname: moment if isinstance(field, models.DateTimeField) else day
                for field in model._meta.concrete_fields
                if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
            }
            if stamps:
                model._base_manager.filter(pk__in=[i.pk for i in person_file.instances(model)]).update(**stamps)
        ChangeLog.objects.filter(person_id=person.pk).update(at=moment)
        _purge("off")


_serial = iter(range(100, 999))


def make_file(handler, *, last_entry: datetime.date, birth=datetime.date(2001, 4, 12), insats="ungdomstjanst", **kw):
    """A closed person file whose last entry was made on `last_entry`."""
    person = PersonFactory.create(
        unit=handler.unit, birth_date=birth, id_number=personnummer_for(birth, next(_serial)), **kw
    )
    opened = last_entry - datetime.timedelta(days=60)
    case = CaseFactory(
        handler=handler,
        person=person,
        insats_type=InsatsType.objects.get(code=insats),
        opened_on=opened,
        closed_on=last_entry,
        closure_reason="oplanerat",
        closure_note="Flyttade till annan kommun",
    )
    JournalEntryFactory(case=case, occurred_on=opened, text="Journaltext som ska gallras", signed_at=timezone.now())
    Custodian.objects.create(person=person, name="Förälder Gallras")
    consent_record(
        actor=handler,
        person=person,
        custodian=None,
        actors=list(Actor.objects.filter(needs_consent=True).order_by("pk")[:1]),
        given_on=opened,
        form="skriftligt",
    )
    backdate(person, last_entry)
    return person


@pytest.fixture
def rule(db):
    return RetentionRule.objects.get(record_type=RecordType.PERSON_FILE)


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_rules_follow_sol_practice(rule):
    assert (rule.years, rule.by_end_of_following_year, rule.kept_days) == (5, True, {5, 15, 25})
    assert rule.action == RetentionAction.ANONYMISE and rule.active
    log_rule = RetentionRule.objects.get(record_type=RecordType.ACCESS_LOG)
    assert log_rule.years >= 5


@pytest.mark.django_db
def test_cutoff_five_years_then_during_the_following_calendar_year(rule):
    # last entry in 2019: five years pass during 2024, removal during 2025
    assert retention_cutoff(rule=rule, as_of=datetime.date(2025, 1, 1)) == datetime.date(2020, 1, 1)
    assert retention_cutoff(rule=rule, as_of=datetime.date(2024, 12, 31)) == datetime.date(2019, 1, 1)
    rule.by_end_of_following_year = False
    # exact mode: due on the day five years have passed
    assert retention_cutoff(rule=rule, as_of=datetime.date(2025, 6, 1)) == datetime.date(2020, 6, 2)


@pytest.mark.django_db
def test_which_files_are_due(handler, rule):
    due = make_file(handler, last_entry=datetime.date(2019, 12, 31))
    recent = make_file(handler, last_entry=datetime.date(2020, 1, 2))
    born_15th = make_file(handler, last_entry=datetime.date(2018, 5, 1), birth=datetime.date(2001, 3, 15))
    exempt = make_file(handler, last_entry=datetime.date(2018, 5, 1), insats="medling")
    rule.exempt_insats_types.add(InsatsType.objects.get(code="medling"))
    open_case = make_file(handler, last_entry=datetime.date(2018, 5, 1))
    Case.objects.filter(person=open_case).update(closed_on=None, closure_reason="")
    later_consent = make_file(handler, last_entry=datetime.date(2018, 5, 1))
    with purge_mode():
        Consent.objects.filter(person=later_consent).update(given_on=datetime.date(2021, 2, 1))

    found = {item.person_id: item for item in retention_due_people(rule=rule, as_of=AS_OF)}

    assert set(found) == {due.pk}
    assert found[due.pk].last_entry_on == datetime.date(2019, 12, 31)
    assert {recent.pk, born_15th.pk, exempt.pk, open_case.pk, later_consent.pk}.isdisjoint(found)


@pytest.mark.django_db
def test_any_later_record_in_the_file_postpones_gallring(handler, rule):
    person = make_file(handler, last_entry=datetime.date(2018, 5, 1))
    case = Case.objects.get(person=person)
    # a record another app wrote later (here: a journal entry only created, by its timestamp)
    entry = JournalEntryFactory(case=case, occurred_on=datetime.date(2018, 3, 1), text="sen")
    with purge_mode():
        JournalEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now())
    assert retention_due_people(rule=rule, as_of=AS_OF) == []


# --- dry run and real run ------------------------------------------------------------------------


def _statistics():
    rows = case_counts(
        Period(datetime.date(2016, 1, 1), datetime.date(2020, 12, 31)),
        Scope(),
        group_by=["insats", "unit", "district", "age_band", "gender", "basis", "closure_reason"],
        bucket="year",
    )
    return [(row.keys, row.bucket, row.counts) for row in rows]


@pytest.mark.django_db
def test_dry_run_lists_exactly_what_the_real_run_removes(handler, rule):
    due = [make_file(handler, last_entry=datetime.date(2017 + i, 3, 1)) for i in range(3)]
    kept = make_file(handler, last_entry=datetime.date(2023, 3, 1))
    counts_before = {model: model.objects.count() for model in (JournalEntry, Consent, Custodian, ChangeLog)}

    dry = retention_run(as_of=AS_OF, dry_run=True)

    assert sorted(dry.items.values_list("person_id", flat=True)) == sorted(p.pk for p in due)
    assert {model: model.objects.count() for model in counts_before} == counts_before  # nothing changed
    item = dry.items.first()
    assert item.removed["cases.JournalEntry"] == 1 and item.case_numbers

    real = retention_run(as_of=AS_OF, dry_run=False)

    assert sorted(real.items.values_list("person_id", flat=True)) == sorted(
        dry.items.values_list("person_id", flat=True)
    )
    assert real.status == RetentionRunStatus.DONE
    assert Person.objects.get(pk=kept.pk).first_name == "Elin"
    # nothing is due twice
    assert retention_run(as_of=AS_OF, dry_run=False).items.count() == 0
    assert retention_run(as_of=AS_OF, dry_run=True).items.count() == 0


@pytest.mark.django_db
def test_anonymised_file_keeps_statistics_and_nothing_identifying(handler, rule, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    person = make_file(handler, last_entry=datetime.date(2018, 9, 1), street_address="Gallringsvägen 3")
    case = Case.objects.get(person=person)
    access_log_record(user=handler, seen=[Seen(person_id=person.pk)], action=AccessAction.VIEW, what="case_page")
    stored = [tmp_path / "personer" / str(person.pk) / "plan.pdf", tmp_path / "arenden" / str(case.pk) / "rapport.pdf"]
    for path in stored:
        path.parent.mkdir(parents=True)
        path.write_bytes(b"%PDF-1.7 derived copy")
    statistics_before = _statistics()

    run = retention_run(as_of=AS_OF, dry_run=False)

    anonymised = Person.objects.get(pk=person.pk)
    assert anonymised.first_name == "Gallrad" and anonymised.last_name == ""
    assert person.id_number != anonymised.id_number and anonymised.street_address == ""
    assert (anonymised.birth_date, anonymised.gender, anonymised.unit_id) == (
        person.birth_date,
        person.gender,
        person.unit_id,
    )
    kept_case = Case.objects.get(pk=case.pk)
    assert (kept_case.opened_on, kept_case.closed_on, kept_case.closure_reason) == (
        case.opened_on,
        case.closed_on,
        "oplanerat",
    )
    assert kept_case.closure_note == ""
    assert not JournalEntry.objects.filter(case=case).exists()
    assert not Consent.objects.filter(person=person).exists()
    assert not Custodian.objects.filter(person=person).exists()
    assert not ChangeLog.objects.filter(person_id=person.pk).exists()
    assert set(SearchName.objects.filter(person_id=person.pk).values_list("name", flat=True)) == {"Gallrad "}
    assert not any(path.exists() for path in stored)
    # the access log outlives gallring (it is kept on its own rule)
    assert AccessLog.objects.filter(person_id=person.pk).exists()
    # statistics for past periods are unchanged
    assert _statistics() == statistics_before
    # what was removed is recorded, without personal data
    item = run.items.get()
    assert item.removed["cases.JournalEntry"] == 1 and item.removed["files"] == 2
    assert item.removed["consent.Consent"] == 1 and item.last_entry_on == datetime.date(2018, 9, 1)
    assert item.case_numbers == [case.number]


@pytest.mark.django_db
def test_delete_action_removes_the_whole_file(handler, rule):
    rule.action = RetentionAction.DELETE
    rule.save()
    person = make_file(handler, last_entry=datetime.date(2018, 9, 1))
    retention_run(as_of=AS_OF, dry_run=False)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Case.objects.filter(person_id=person.pk).exists()
    assert not SearchName.objects.filter(person_id=person.pk).exists()


@pytest.mark.django_db
def test_access_log_is_kept_five_years_then_removed(handler):
    person = PersonFactory(unit=handler.unit)
    for _ in range(2):
        access_log_record(user=handler, seen=[Seen(person_id=person.pk)], action=AccessAction.VIEW, what="x")
    old, new = AccessLog.objects.order_by("id")
    with transaction.atomic():
        _purge("on")
        AccessLog.objects.filter(pk=old.pk).update(at=timezone.make_aware(datetime.datetime(2018, 6, 1)))
        AccessLog.objects.filter(pk=new.pk).update(at=timezone.make_aware(datetime.datetime(2020, 6, 1)))
        _purge("off")

    retention_run(as_of=AS_OF, dry_run=False)

    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new.pk]
    log_rule = RetentionRule.objects.get(record_type=RecordType.ACCESS_LOG)
    log_rule.years = 3
    with pytest.raises(ValidationError):
        retention_rule_validate(log_rule)


@pytest.mark.django_db
def test_beat_schedule_runs_the_task(handler):
    entry = django_settings.CELERY_BEAT_SCHEDULE["core-retention-run"]
    assert entry["task"] == retention_run_task.name
    person = make_file(handler, last_entry=datetime.date(2018, 9, 1))
    run = RetentionRun.objects.get(pk=retention_run_task.run(as_of=AS_OF.isoformat()))
    assert not run.dry_run and list(run.items.values_list("person_id", flat=True)) == [person.pk]


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_gallring_page_starts_a_dry_run(client, manager, handler, django_capture_on_commit_callbacks):
    client.force_login(handler)
    assert client.get(reverse("retention_overview")).status_code == 404
    client.force_login(manager)
    page = client.get(reverse("retention_overview")).content.decode()
    assert "Personakt" in page and "5,15,25" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(reverse("retention_overview")).status_code == 302
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_run_page_shows_case_numbers_of_the_viewers_unit_only(client, manager, handler, other_unit):
    own = make_file(handler, last_entry=datetime.date(2018, 9, 1))
    foreign = make_file(UserFactory(unit=other_unit), last_entry=datetime.date(2018, 9, 1))
    run = retention_run(as_of=AS_OF, dry_run=True)
    client.force_login(manager)
    html = client.get(reverse("retention_run_detail", kwargs={"run_id": run.pk})).content.decode()
    assert Case.objects.get(person=own).number in html
    assert Case.objects.get(person=foreign).number not in html
    assert "Elin" not in html


# --- killed half-way -----------------------------------------------------------------------------


@pytest.mark.serial  # kills a process half-way
@pytest.mark.requires("postgresql")  # a second process needs a shared database
@pytest.mark.django_db(transaction=True)
def test_a_run_killed_half_way_is_finished_by_the_next_run(handler):
    rule = RetentionRule.objects.get(record_type=RecordType.PERSON_FILE)
    people = [make_file(handler, last_entry=datetime.date(2018, 1 + i, 1)) for i in range(6)]
    expected = sorted(due.person_id for due in retention_due_people(rule=rule, as_of=AS_OF))
    assert expected == sorted(p.pk for p in people)
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "gallra", "--as-of", AS_OF.isoformat(), "--pause", "0.7"],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while RetentionItem.objects.filter(run__dry_run=False).count() < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    done = set(RetentionItem.objects.filter(run__dry_run=False).values_list("person_id", flat=True))
    assert 2 <= len(done) < len(people), "the run was not killed half-way"

    # every person is either fully done (with its record) or untouched
    for person in people:
        current = Person.objects.get(pk=person.pk)
        if person.pk in done:
            assert current.first_name == "Gallrad" and not JournalEntry.objects.filter(case__person=person).exists()
        else:
            assert current.first_name == "Elin" and JournalEntry.objects.filter(case__person=person).exists()

    # the next run finishes the rest, and nobody is handled twice
    retention_run(as_of=AS_OF, dry_run=False)
    items = list(RetentionItem.objects.filter(run__dry_run=False).values_list("person_id", flat=True))
    assert sorted(items) == expected
    assert RetentionRun.objects.filter(dry_run=False, status=RetentionRunStatus.FAILED).count() == 1


@pytest.mark.django_db
def test_sig_and_avhopp_figures_for_past_periods_stay_right(handler, coordinator, rule):
    person = make_file(handler, last_entry=datetime.date(2018, 9, 1), insats="sig", birth=datetime.date(2001, 4, 12))
    case = Case.objects.get(person=person)
    plan = Plan.objects.create(
        case=case, coordinator=coordinator, trainer_name="PT Tränarsson", trainer_assigned_on=datetime.date(2018, 7, 2)
    )
    version = PlanVersion.objects.create(plan=plan, number=1, overall_goal="Inga nya brott", created_by=handler)
    goal = Goal.objects.create(version=version, text="Gå till skolan varje dag")
    follow_up = FollowUp.objects.create(
        version=version, due_on=datetime.date(2018, 8, 1), held_on=datetime.date(2018, 8, 1), note="Bra möte"
    )
    GoalAttainment.objects.create(follow_up=follow_up, goal=goal, level="uppnatt", comment="Närvaro 95 %")
    PurchasedService.objects.create(
        case=case,
        kind=PurchasedService._meta.get_field("kind").choices[0][0],
        provider="Skyddat boende AB",
        starts_on=datetime.date(2018, 7, 1),
        price=125000,
        cost=125000,
        recorded_by=handler,
    )
    backdate(person, datetime.date(2018, 9, 1))
    period = Period(datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    before = extra_sections(period, Scope(), period.previous_year())

    retention_run(as_of=AS_OF, dry_run=False)

    assert extra_sections(period, Scope(), period.previous_year()) == before
    assert not Plan.objects.filter(trainer_name="PT Tränarsson").exists()
    assert Goal.objects.get(pk=goal.pk).text == "" and GoalAttainment.objects.get(goal=goal).comment == ""
    assert PurchasedService.objects.get(case=case).provider == ""


@pytest.mark.django_db
def test_gallring_removes_revocations_with_their_actors_disclosures_and_custodian_periods(handler, rule):
    # given a due file with a custodian period, a revocation naming actors and an utlämnande to åklagare
    last_entry = datetime.date(2018, 9, 1)
    person = make_file(handler, last_entry=last_entry)
    Custodian.objects.filter(person=person).update(valid_from=datetime.date(2010, 1, 1), valid_to=last_entry)
    consent = Consent.objects.get(person=person)
    revocation = consent_revoke(
        actor=handler, consent=consent, revoked_on=last_entry, actors=list(consent.actors.all())
    )
    disclosure_record(
        actor=handler,
        person=person,
        case=Case.objects.get(person=person),
        recipient=Actor.objects.first(),
        what_sent="Yttrande till åklagare",
        legal_basis=LegalBasis.objects.get(code="osl_10_18a"),
        disclosed_on=last_entry,
        decided_by=handler,
    )
    backdate(person, last_entry)
    through = ConsentRevocation.actors.through

    # when the real run anonymises it
    run = retention_run(as_of=AS_OF, dry_run=False)

    # then none of them is left
    assert list(run.items.values_list("person_id", flat=True)) == [person.pk]
    assert not ConsentRevocation.objects.filter(pk=revocation.pk).exists()
    assert not through.objects.filter(consentrevocation_id=revocation.pk).exists()
    assert not Disclosure.objects.filter(person_id=person.pk).exists()
    assert not Custodian.objects.filter(person_id=person.pk).exists()
