"""The generator (generate_data): the insats details, plans, field work, utlämnanden, återfall and change history come
out valid, in proportion to the cases of each insats type, and the same for the same seed.

XS (seconds) for validity and determinism; a 3 000-person municipality for the proportions.
"""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count, F, Sum

from cases.models import Case, JournalEntry, Person
from consent.models import Consent, Disclosure
from core.models import AccessLog, ChangeLog
from devdata.datagen import (
    BOY_NAMES,
    DEFAULT_UNTIL,
    DETAIL_MODELS,
    GIRL_NAMES,
    INSATS_PROFILE,
    LAST_NAMES,
    DataGenerator,
    Scale,
    generate,
    reset_database,
)
from interventions.models import (
    CS_MAX_HOURS,
    CS_MIN_HOURS,
    AreaEffort,
    AslanAttendance,
    AslanParticipant,
    CommunityServiceOrder,
    CommunityServiceSession,
    DefectorAssessment,
    FieldShift,
    FollowUp,
    Goal,
    GoalAttainment,
    Mediation,
    Plan,
    PlanVersion,
    Polare,
    PolareNight,
    PurchasedService,
    Reoffence,
    SkkAssignment,
    VictimSupport,
)

pytestmark = pytest.mark.django_db

FIELD_MODELS = [FieldShift, Polare, PolareNight, AreaEffort]


def _cases(code: str):
    return Case.objects.filter(insats_type__code=code)


def _details_fingerprint() -> dict:
    return {
        "orders": list(
            CommunityServiceOrder.objects.order_by("case__number").values_list("case__number", "ordered_hours")
        ),
        "hours": CommunityServiceSession.objects.aggregate(total=Sum("hours"))["total"],
        "mediations": list(Mediation.objects.order_by("case__number").values_list("case__number", "outcome")),
        "goals": list(Goal.objects.order_by("id").values_list("version__plan__case__number", "text")),
        "attainment": list(GoalAttainment.objects.order_by("id").values_list("level", flat=True)),
        "aslan": list(AslanParticipant.objects.order_by("id").values_list("case__number", "group__name")),
        "field": list(FieldShift.objects.order_by("id").values_list("worked_on", "youths_met", "youths_talked")),
        "nights": list(PolareNight.objects.order_by("id").values_list("worked_on", "fee")),
        "disclosures": list(Disclosure.objects.order_by("id").values_list("disclosed_on", "legal_basis__code")),
        "reoffences": list(Reoffence.objects.order_by("id").values_list("case__number", "noted_on")),
        "history": list(ChangeLog.objects.order_by("id").values_list("object_id", "changes")),
        "entries": list(JournalEntry.objects.order_by("id").values_list("case__number", "kind", "occurred_on")[:500]),
        "log": list(AccessLog.objects.order_by("id").values_list("case_id", "at", "user_id")[:500]),
    }


def test_details_are_deterministic():
    generate("XS")
    first = _details_fingerprint()
    reset_database()
    generate("XS")
    assert _details_fingerprint() == first
    assert all(first.values())


def test_every_insats_has_valid_details():
    # given XS data
    generate("XS")

    # then every case of an insats type has its details
    assert VictimSupport.objects.count() == _cases("stod_brottsutsatta").count() > 0
    assert CommunityServiceOrder.objects.count() == _cases("ungdomstjanst").count() > 0
    assert Mediation.objects.count() == _cases("medling").count() > 0
    assert SkkAssignment.objects.count() == _cases("skk").count() > 0
    assert Plan.objects.count() == _cases("sig").count() + _cases("avhopp").count() > 0
    assert DefectorAssessment.objects.values("case").distinct().count() == _cases("avhopp").count() > 0
    # ASLAN children join a group of their unit starting on or after the case opened (none after the data ends)
    aslan = AslanParticipant.objects.select_related("case__person", "group")
    assert 0 < aslan.count() <= _cases("aslan").count()
    for participant in aslan:
        assert participant.case.insats_type.code == "aslan" and participant.group.unit_id == participant.case.unit_id
        assert participant.group.starts_on >= participant.case.opened_on
        assert 10 <= participant.case.person.age_on(participant.group.starts_on) <= 14
    assert AslanAttendance.objects.exists()
    # ungdomstjänst: 20–150 hours; the sessions never exceed the hours, and a completed order has all of them
    for order in CommunityServiceOrder.objects.annotate(done=Sum("sessions__hours")):
        assert CS_MIN_HOURS <= order.ordered_hours <= CS_MAX_HOURS
        assert (order.done or 0) <= order.ordered_hours
        if order.status == "fullgjord":
            assert order.done == order.ordered_hours
    # medling: the § 5 checks are recorded before mediation starts
    for mediation in Mediation.objects.exclude(started_on=None):
        assert mediation.checks_recorded_on <= mediation.started_on
    # plans: every current version has goals with activities; held follow-ups grade every goal
    for version in PlanVersion.objects.filter(superseded_at=None).annotate(
        goals_n=Count("goals", distinct=True), activities_n=Count("activities", distinct=True)
    ):
        assert 2 <= version.goals_n <= 4 and version.activities_n >= version.goals_n
    for follow_up in FollowUp.objects.exclude(held_on=None).annotate(graded=Count("attainments")):
        assert follow_up.graded == follow_up.version.goals.count()
        assert follow_up.held_on <= DEFAULT_UNTIL
    # återfall only on SIG and avhopp cases, and no crime after it became known
    assert not Reoffence.objects.exclude(case__insats_type__code__in=["sig", "avhopp"]).exists()
    for reoffence in Reoffence.objects.all():
        assert reoffence.offence_on <= reoffence.noted_on <= DEFAULT_UNTIL
    assert not PurchasedService.objects.exclude(case__insats_type__code="avhopp").exists()
    # utlämnanden: consent-based ones under a consent covering the recipient on the day
    assert Disclosure.objects.filter(legal_basis__is_consent=False).exists()
    consent_based = Disclosure.objects.filter(legal_basis__is_consent=True)
    assert consent_based.exists()
    for disclosure in consent_based:
        assert Consent.objects.filter(
            person_id=disclosure.person_id,
            actors=disclosure.recipient_id,
            given_on__lte=disclosure.disclosed_on,
            valid_until__gte=disclosure.disclosed_on,
        ).exists()
    # change history for some case edits, owned by the case and its person
    history = ChangeLog.objects.filter(object_type="cases.case")
    assert history.exists()
    for row in history[:50]:
        case = Case.objects.get(pk=row.case_id)
        assert str(case.pk) == row.object_id and case.person_id == row.person_id and row.changes
    # field work with figures for the follow-up report
    for model in FIELD_MODELS:
        assert model.objects.exists(), model.__name__
    assert not FieldShift.objects.filter(youths_talked__gt=F("youths_met")).exists()
    assert PolareNight.objects.aggregate(total=Sum("fee"))["total"] > Decimal(0)
    # and a sample of every generated model passes the model's own validation
    for model in [model for model, _skip in DETAIL_MODELS.values() if not model._meta.auto_created] + FIELD_MODELS:
        for instance in model.objects.all()[:25]:
            instance.full_clean(validate_unique=False, validate_constraints=True)


def test_details_in_proportion_to_the_cases():
    # given a municipality of 3 000 people (few journal and log rows, so it stays quick)
    scale = Scale("T", 1, 3000, 9000, 9000, 9000, "test")
    DataGenerator(scale, seed=3).run()

    # then ≈1 % have skyddad identitet and the insats details follow their cases
    people = Person.objects.count()
    assert people == 3000
    # every person has a first and last name from the name lists (not some other column's value)
    assert set(Person.objects.values_list("first_name", flat=True)) <= {*GIRL_NAMES, *BOY_NAMES}
    assert set(Person.objects.values_list("last_name", flat=True)) <= set(LAST_NAMES)
    assert 0.005 <= Person.objects.exclude(protection="").count() / people <= 0.016
    mix = Counter(Case.objects.values_list("insats_type__code", flat=True))
    assert all(mix[code] > 0 for code in ["stod_brottsutsatta", "ungdomstjanst", "medling", "skk", "aslan", "sig"])
    # the mix of cases follows the insats profile (within a few percentage points)
    for code, (weight, *_rest) in INSATS_PROFILE.items():
        assert abs(mix[code] / sum(mix.values()) - weight) <= 0.04, (code, mix)
    assert CommunityServiceOrder.objects.count() == mix["ungdomstjanst"]
    assert Mediation.objects.count() == mix["medling"]
    assert Plan.objects.count() == mix["sig"] + mix["avhopp"]
    # återfall for about a quarter of the SIG/avhopp cases; utlämnanden and history for a few per cent
    reoffending = Reoffence.objects.values("case").distinct().count() / (mix["sig"] + mix["avhopp"])
    assert 0.15 <= reoffending <= 0.35
    cases = sum(mix.values())
    assert 0.02 <= Disclosure.objects.values("case").distinct().count() / cases <= 0.15
    assert 0.1 <= ChangeLog.objects.values("case_id").distinct().count() / cases <= 0.45
    # field work through the whole history, every week
    weeks = (DEFAULT_UNTIL - datetime.date(DEFAULT_UNTIL.year - 6, DEFAULT_UNTIL.month, 1)).days // 7
    assert FieldShift.objects.count() >= weeks
    first = FieldShift.objects.earliest("worked_on").worked_on
    last = FieldShift.objects.latest("worked_on").worked_on
    assert first.year == DEFAULT_UNTIL.year - 6 and last >= DEFAULT_UNTIL - datetime.timedelta(days=7)
