"""seed_demo: volumes close to the board papers (docs/domain.md), on whichever database the suite runs (SQLite locally,
PostgreSQL in CI), and a second run creates nothing new."""

import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Q
from django.test import RequestFactory
from django.utils import timezone

from cases.identity import parse_id_number
from cases.models import (
    Case,
    CaseNumberSequence,
    ClosureReason,
    Custodian,
    JournalEntry,
    Person,
    PersonUserObjectPermission,
    ProtectionLevel,
)
from consent.models import Actor, Consent, ConsentRevocation, MaturityAssessment
from consent.selectors import sharing_decision
from core.models import AccessGrantEvent, AccessLog, District, Municipality, Provider, Role, Unit, User
from devdata.demo_data import AGREEMENT_BUDGET, DEMO_PASSWORD, DEMO_USERS, _Generator, _organisation, _users
from interventions.models import (
    AreaEffort,
    FieldShift,
    FollowUp,
    GoalAttainment,
    Plan,
    PolareNight,
    PurchasedService,
    Reoffence,
)
from reporting.models import AgreedVolume, Agreement


def _counts() -> dict[str, int]:
    models = [
        Municipality, Provider, Unit, District, User, Person, Custodian, Case, JournalEntry, Consent,
        ConsentRevocation, MaturityAssessment, Agreement, AgreedVolume, PersonUserObjectPermission, AccessGrantEvent,
        Plan, FollowUp, GoalAttainment, Reoffence, PurchasedService, FieldShift, PolareNight, AreaEffort,
    ]  # fmt: skip
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the whole module (a few seconds), inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_years_are_the_two_last_full_calendar_years_and_this_year_up_to_today(demo):
    today = timezone.localdate()
    years = {case.opened_on.year for case in Case.objects.only("opened_on")}
    assert {today.year - 2, today.year - 1} <= years <= {today.year - 2, today.year - 1, today.year}
    assert not Case.objects.filter(opened_on__gt=today).exists()
    assert not Case.objects.filter(closed_on__gt=today).exists()


def test_the_last_half_year_is_alive_on_any_day(demo):
    # what a manager's "last half-year" and the insats pages show: every kind of work has rows in it
    today = timezone.localdate()
    since = today - datetime.timedelta(days=182)
    assert Case.objects.filter(opened_on__gte=since).count() >= 100
    active_sig = Plan.objects.filter(Q(case__closed_on__isnull=True) | Q(case__closed_on__gte=since))
    assert active_sig.exists()
    assert GoalAttainment.objects.filter(follow_up__held_on__gte=since).exists()
    assert FollowUp.objects.filter(held_on__isnull=True, due_on__gte=today - datetime.timedelta(days=7)).exists()
    assert Reoffence.objects.exists()
    assert (
        PurchasedService.objects.filter(starts_on__gte=since).exists()
        or PurchasedService.objects.filter(ends_on__gte=since).exists()
    )
    assert FieldShift.objects.filter(worked_on__gte=since, worked_on__lte=today).count() >= 40
    assert PolareNight.objects.filter(worked_on__gte=since, worked_on__lte=today).exists()
    assert AreaEffort.objects.filter(ends_on__gte=today).exists()
    # medlingar still open were opened lately (a mediation takes weeks, not a year)
    open_mediations = Case.objects.filter(insats_type__code="medling", closed_on__isnull=True)
    assert open_mediations.exists()
    assert not open_mediations.filter(opened_on__lt=today - datetime.timedelta(days=120)).exists()


@pytest.mark.parametrize("offset", [2, 1])
def test_yearly_volumes_are_close_to_the_seed_papers(demo, offset):
    year = timezone.localdate().year - offset
    new = Case.objects.filter(opened_on__year=year)
    per_insats = Counter(new.values_list("insats_type__code", flat=True))

    assert 330 <= new.count() <= 380  # seed 2016: 353 new
    assert 30 <= per_insats["ungdomstjanst"] <= 40
    assert 27 <= per_insats["medling"] <= 33
    assert 8 <= per_insats["skk"] <= 12
    assert per_insats["sig"] > 0 and per_insats["avhopp"] > 0 and per_insats["aslan"] > 0
    assert per_insats["stod_brottsutsatta"] == max(per_insats.values())  # the bulk
    contacts = JournalEntry.objects.filter(case__in=new.filter(insats_type__code="stod_brottsutsatta"))
    assert 650 <= contacts.count() <= 750  # ≈700 contacts a year

    closed = Case.objects.filter(closed_on__year=year)
    unplanned = closed.filter(closure_reason=ClosureReason.UNPLANNED).count()
    assert 3 <= unplanned <= 6  # a handful (seed 2016: 4)
    assert closed.filter(closure_reason=ClosureReason.PLANNED).count() > 0.9 * closed.count()

    districts = Counter(new.values_list("person__district__name", flat=True))
    top, _count = districts.most_common(1)[0]
    assert top == "Skäggetorp"
    assert 0.25 <= districts["Skäggetorp"] / new.count() <= 0.35


def test_most_older_cases_are_closed_and_some_are_open(demo):
    first_year = timezone.localdate().year - 2
    older = Case.objects.filter(opened_on__year=first_year)
    assert older.filter(closed_on__isnull=False).count() > 0.9 * older.count()
    assert Case.objects.filter(closed_on__isnull=True).count() >= 20


def test_case_rows_follow_the_case_rules(demo):
    for case in Case.objects.select_related("person", "insats_type", "handler"):
        assert case.insats_type.min_age <= case.person.age_on(case.opened_on) <= case.insats_type.max_age
        assert case.handler.unit_id == case.unit_id
        assert (case.closed_on is None) == (case.closure_reason == "")
        assert case.closed_on is None or case.closed_on >= case.opened_on
        assert case.number.startswith(f"{case.opened_on.year}-")


def test_case_numbers_are_sequential_per_year_and_the_series_continues(demo):
    year = timezone.localdate().year - 1
    numbers = sorted(Case.objects.filter(opened_on__year=year).values_list("number", flat=True))
    assert numbers == [f"{year}-{index:04d}" for index in range(1, len(numbers) + 1)]
    assert CaseNumberSequence.objects.get(year=year).last_number == len(numbers)


def test_people_have_valid_numbers_custodians_and_protection(demo):
    people = list(Person.objects.all())
    for person in people:
        if person.id_kind != "reservnummer":
            parsed = parse_id_number(person.id_number)
            assert parsed.birth_date == person.birth_date
            assert parsed.kind == person.id_kind
    assert {p.id_kind for p in people} == {"personnummer", "samordningsnummer", "reservnummer"}
    levels = Counter(p.protection for p in people)
    for level in (ProtectionLevel.CONFIDENTIALITY, ProtectionLevel.PROTECTED_REGISTRATION, ProtectionLevel.FICTITIOUS):
        assert levels[level] >= 1
    grant = PersonUserObjectPermission.objects.select_related("content_object", "user").get()
    assert grant.content_object.is_protected and grant.user.unit_id == grant.content_object.unit_id
    assert AccessGrantEvent.objects.get().reason
    with_custodians = set(Custodian.objects.values_list("person_id", flat=True))
    minors = {c.person_id for c in Case.objects.select_related("person") if c.person.age_on(c.opened_on) < 18}
    assert minors and minors <= with_custodians  # everyone under 18 at opening has vårdnadshavare


def test_journal_has_signed_entries_drafts_and_a_correction(demo):
    assert JournalEntry.objects.filter(signed_at__isnull=False).count() > 2000
    assert JournalEntry.objects.filter(signed_at__isnull=True, case__closed_on__isnull=True).exists()
    correction = JournalEntry.objects.filter(corrects__isnull=False).select_related("corrects").first()
    assert correction is not None and correction.corrects.is_signed


def test_consents_include_a_revoked_and_an_expired_one(demo):
    today = timezone.localdate()
    assert Consent.objects.count() >= 10
    revoked = ConsentRevocation.objects.select_related("consent__person").get()
    assert revoked.revoked_on >= revoked.consent.given_on
    expired = Consent.objects.filter(valid_until__lt=today, revocations__isnull=True).first()
    assert expired is not None
    polis = Actor.objects.get(code="polis")
    assert not sharing_decision(person=expired.person, actor=polis, on=expired.valid_until + datetime.timedelta(days=1))
    assert MaturityAssessment.objects.filter(mature=True).exists()


def test_agreement_with_budget_volumes_and_a_decision_date(demo):
    agreement = Agreement.objects.get()
    assert agreement.budget == AGREEMENT_BUDGET == 3_854_000
    assert agreement.decision_on <= timezone.localdate() + datetime.timedelta(days=366)
    volumes = {
        v.insats_type.code: (v.min_per_year, v.max_per_year) for v in agreement.volumes.select_related("insats_type")
    }
    assert volumes["ungdomstjanst"] == (30, 40)
    assert volumes["medling"] == (30, 30)
    assert volumes["skk"] == (10, 10)
    assert volumes["stod_brottsutsatta"] == (700, 700)


def test_demo_users_for_every_role_can_log_in_and_passwords_are_printed(demo):
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert authenticate(RequestFactory().post("/logga-in/"), username="socialsekreterare", password=DEMO_PASSWORD)
    for spec in DEMO_USERS[:6]:
        assert spec.username in demo
    assert DEMO_PASSWORD in demo and "admin-losen-123" in demo


def test_demo_data_writes_no_access_log(demo):
    assert AccessLog.objects.count() == 0


def test_running_twice_creates_nothing_new(demo):
    before = _counts()

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert _counts() == before
    assert "fanns redan" in out.getvalue()


@pytest.mark.django_db
def test_generation_is_deterministic():
    # given the same organisation and date, two generators produce the same cases and people
    today = datetime.date(2026, 5, 4)
    _provider, units, districts = _organisation()
    _users(units)
    staff = {}
    for user in User.objects.filter(unit__isnull=False, groups__name__in=[Role.SOCIAL_WORKER, Role.COORDINATOR]):
        staff.setdefault(user.unit.name, []).append(user)
    for people in staff.values():
        people.sort(key=lambda user: user.username)

    def snapshot():
        generator = _Generator(today=today, units=units, districts=districts, staff=staff)
        generator.generate_cases()
        return [
            (c.opened_on, c.insats_type.code, c.person.id_number, c.person.first_name, c.closed_on, c.closure_reason)
            for c in generator.cases
        ]

    assert snapshot() == snapshot()
