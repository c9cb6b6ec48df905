"""Follow-up figures against hand-built datasets (reporting.figures)."""

import datetime

import pytest
from django.db import connection

from cases.models import InsatsType
from reporting import figures
from reporting.figures import (
    Period,
    Scope,
    case_counts,
    case_counts_with_previous,
    case_totals,
    follow_up,
    prorate_fraction,
)
from reporting.models import AgreedVolume, Agreement
from reporting.tests.datasets import CaseSpec, build_cases, seed_2016_specs
from tests.factories import ProviderFactory, UnitFactory

D = datetime.date


def _by(rows, dimension):
    return {row.keys[dimension]: row.counts for row in rows}


# The seed's Jan–Dec 2016 follow-up -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_2016_headline_figures(seed_2016, unit):
    # given the 2016 dataset of the board papers (docs/domain.md "Follow-up"), when the provider's year 2016 is counted
    totals = case_totals(Period.year(2016), Scope(provider_id=unit.provider_id))
    # then it says what the nämnd papers say
    assert totals.new == 353
    assert totals.new_assistance + totals.new_service == 353
    assert totals.closed == 268
    assert totals.unplanned == 4
    assert round(totals.unplanned_share, 1) == 1.5


@pytest.mark.django_db
def test_seed_2016_districts_about_30_percent_skaggetorp_then_berga_and_ryd(seed_2016, unit):
    report = follow_up(Period.year(2016), Scope(provider_id=unit.provider_id))
    district = next(d for d in report.distributions if d.key == "district")
    labels = [row.label for row in district.rows]
    assert labels[:3] == ["Skäggetorp", "Berga", "Ryd"]
    skaggetorp = district.rows[0]
    assert 29 <= skaggetorp.percent <= 31
    assert skaggetorp.percent_display == "30\u00a0%"
    assert district.total == 383  # young people with a case open at some time in 2016


@pytest.mark.django_db
def test_seed_2016_headline_totals_are_not_suppressed_but_small_cells_are(seed_2016, unit):
    report = follow_up(Period.year(2016), Scope(provider_id=unit.provider_id))
    unplanned = next(row for row in report.key_figures if row.key == "unplanned")
    assert unplanned.current == 4 and unplanned.current_display == "4"  # "4 st ärenden avslutades oplanerat"
    district = next(d for d in report.distributions if d.key == "district")
    johannelund = next(row for row in district.rows if row.label == "Johannelund")  # 3 young people
    assert johannelund.count is None
    assert johannelund.count_display == "<5"
    assert johannelund.percent_display == "–"  # a share would give the count away
    unknown = next(row for row in district.rows if row.key == "okant")  # 2 without a district
    assert unknown.count_display == "<5"
    stod = next(row for row in report.volumes if row.code == "stod_brottsutsatta")
    assert stod.displays["unplanned"] == "<5"  # insats × period is a breakdown too


@pytest.mark.django_db
def test_seed_2016_against_the_agreement_pro_rated(seed_2016, unit, agreement):
    year = follow_up(Period.year(2016), Scope(provider_id=unit.provider_id), agreement=agreement)
    volumes = {row.code: row for row in year.volumes}
    assert volumes["ungdomstjanst"].agreed_display == "30–40"
    assert volumes["ungdomstjanst"].new == 25
    assert volumes["ungdomstjanst"].status == "under"
    assert volumes["skk"].status == "within"
    assert volumes["skk"].attainment_display == "100\u00a0%"
    assert volumes["aslan"].agreed_display == "–"  # no agreed volume

    half = follow_up(Period.half_year(2016, 1), Scope(provider_id=unit.provider_id), agreement=agreement)
    ungdomstjanst = next(row for row in half.volumes if row.code == "ungdomstjanst")
    assert (ungdomstjanst.target_min, ungdomstjanst.target_max) == (15.0, 20.0)
    assert ungdomstjanst.target_display == "15–20"
    assert half.agreement.budget_display == "3\u00a0854\u00a0000\u00a0kr"
    assert half.agreement.period_budget_display == "1\u00a0927\u00a0000\u00a0kr"


@pytest.mark.django_db
def test_same_period_a_year_earlier_side_by_side(seed_2016, unit):
    report = follow_up(Period.year(2016), Scope(provider_id=unit.provider_id))
    new = next(row for row in report.key_figures if row.key == "new")
    assert (new.current, new.previous) == (353, 30)
    assert new.change_display.startswith("+323")
    assert report.previous_period == {"start": "2015-01-01", "end": "2015-12-31"}


# the provider, the tables' counts (on PostgreSQL one GROUPING SETS statement, elsewhere one per table), the
# agreed volumes, the insats catalogue, SIG plans, follow-ups held, återfall, purchases, field work (six)
FOLLOW_UP_STATEMENTS = 14 if connection.vendor == "postgresql" else 18


@pytest.mark.django_db
def test_follow_up_query_count_does_not_grow_with_cases(unit, handler, agreement, django_assert_num_queries):
    period, scope = Period.year(2016), Scope(provider_id=unit.provider_id)
    specs = seed_2016_specs()
    # given a few cases, then the 383 of the seed (every insats, district, age band and gender of the tables)
    build_cases(unit=unit, handler=handler, specs=specs[:3])
    with django_assert_num_queries(FOLLOW_UP_STATEMENTS):
        few = follow_up(period, scope, agreement=agreement)
    build_cases(unit=unit, handler=handler, specs=specs)
    with django_assert_num_queries(FOLLOW_UP_STATEMENTS):
        many = follow_up(period, scope, agreement=agreement)
    assert len(many.volumes) > len(few.volumes) and many.key_figures[0].current > few.key_figures[0].current


# A small dataset where every number can be checked by hand -------------------------------------------------------


@pytest.fixture
def small(unit, handler):
    """Eight cases in `unit`, two in another unit of the same provider, one at another provider."""
    specs = [
        # opened and closed in H1 2024, planned
        CaseSpec("medling", D(2024, 1, 10), D(2024, 3, 1), "planerat", district="Berga"),
        # opened H1, closed unplanned in H2
        CaseSpec("medling", D(2024, 2, 1), D(2024, 8, 1), "oplanerat", basis="service", district="Berga"),
        # opened before the period, still open
        CaseSpec("ungdomstjanst", D(2023, 11, 1), district="Ryd"),
        # opened in H2
        CaseSpec("ungdomstjanst", D(2024, 9, 1), basis="service", district="Ryd", gender="flicka"),
        # closed before the period: not counted at all
        CaseSpec("medling", D(2023, 1, 1), D(2023, 6, 1), "planerat"),
        # the day before the 15th birthday / on the 15th birthday (age at opening, computed in SQL)
        CaseSpec("skk", D(2024, 3, 9), birth_date=D(2009, 3, 10)),
        CaseSpec("skk", D(2024, 3, 10), birth_date=D(2009, 3, 10)),
        # closed on the last day of H1: closed in H1, not open at its end
        CaseSpec("aslan", D(2024, 5, 1), D(2024, 6, 30), "flytt"),
    ]
    build_cases(unit=unit, handler=handler, specs=specs)
    sibling = UnitFactory(provider=unit.provider, name="Fenix")
    build_cases(
        unit=sibling, handler=handler, specs=[CaseSpec("avhopp", D(2024, 4, 1)), CaseSpec("avhopp", D(2024, 4, 2))]
    )
    elsewhere = UnitFactory(provider=ProviderFactory(name="Annan utförare"), name="Annan enhet")
    build_cases(unit=elsewhere, handler=handler, specs=[CaseSpec("medling", D(2024, 4, 1))])
    return unit


@pytest.mark.django_db
def test_counts_for_a_half_year_by_hand(small):
    totals = case_totals(Period.half_year(2024, 1), Scope(provider_id=small.provider_id, unit_id=small.pk))
    assert totals.new == 5  # medling ×2, skk ×2, aslan
    assert totals.new_assistance == 4 and totals.new_service == 1
    assert totals.closed == 2  # medling (March) and aslan (30 June)
    assert totals.unplanned == 0  # the unplanned closure is in H2
    assert totals.open_at_end == 4  # medling (Feb), ungdomstjänst (2023), skk ×2
    assert totals.active == 6
    h2 = case_totals(Period.half_year(2024, 2), Scope(provider_id=small.provider_id, unit_id=small.pk))
    assert (h2.new, h2.closed, h2.unplanned, h2.open_at_end) == (1, 1, 1, 4)


@pytest.mark.django_db
def test_scope_provider_includes_its_units_and_nothing_else(small):
    provider_wide = case_totals(Period.year(2024), Scope(provider_id=small.provider_id))
    unit_only = case_totals(Period.year(2024), Scope(provider_id=small.provider_id, unit_id=small.pk))
    assert provider_wide.new == unit_only.new + 2  # Fenix's two avhopp cases; the other provider's case is out
    by_unit = _by(case_counts(Period.year(2024), Scope(provider_id=small.provider_id), group_by=["unit"]), "unit")
    assert sorted(counts.new for counts in by_unit.values()) == [2, 6]


@pytest.mark.django_db
def test_age_at_opening_is_computed_in_the_database(small):
    rows = case_counts(
        Period.year(2024),
        Scope(unit_id=small.pk),
        group_by=["age_band", "insats"],
        filters=None,
    )
    skk = {row.keys["age_band"]: row.counts.new for row in rows if row.keys["insats"] == "skk"}
    assert skk == {"10–14": 1, "15–17": 1}  # opened the day before / on the 15th birthday


@pytest.mark.django_db
def test_group_by_several_dimensions_and_buckets_in_one_query(small, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = case_counts(Period.year(2024), Scope(unit_id=small.pk), group_by=["insats", "basis"], bucket="quarter")
    medling_service = [row for row in rows if row.keys == {"insats": "medling", "basis": "service"}]
    assert [row.bucket.start for row in medling_service] == [
        D(2024, 1, 1),
        D(2024, 4, 1),
        D(2024, 7, 1),
        D(2024, 10, 1),
    ]
    assert [row.counts.new for row in medling_service] == [1, 0, 0, 0]
    assert [row.counts.unplanned for row in medling_service] == [0, 0, 1, 0]
    assert [row.counts.open_at_end for row in medling_service] == [1, 1, 0, 0]
    labels = {row.labels["basis"] for row in rows}
    assert labels == {"Bistånd (beslut enligt SoL)", "Service (utan beslut)"}


@pytest.mark.django_db
@pytest.mark.parametrize("group_by", [[], ["insats"], ["district"], ["age_band"], ["gender"], ["insats", "basis"]])
def test_a_period_and_the_year_before_in_one_query_give_the_rows_of_two(small, group_by, django_assert_num_queries):
    # given the small data set, whose H2 2024 and H2 2023 have different groups (some only in one of them)
    period, scope = Period.half_year(2024, 2), Scope(provider_id=small.provider_id)
    separately = (
        case_counts(period, scope, group_by=group_by),
        case_counts(period.previous_year(), scope, group_by=group_by),
    )

    # when both are counted together
    with django_assert_num_queries(1):
        together = case_counts_with_previous(period, scope, group_by=group_by)

    # then the rows are the same, group for group, in the same order
    assert [[row.as_dict() for row in rows] for rows in together] == [
        [row.as_dict() for row in rows] for rows in separately
    ]
    assert together[0] and (together[1] or group_by)


@pytest.mark.django_db
def test_one_person_with_two_cases_counts_once_among_young_people(unit, handler):
    [first] = build_cases(unit=unit, handler=handler, specs=[CaseSpec("medling", D(2024, 1, 5))])
    second = build_cases(unit=unit, handler=handler, specs=[CaseSpec("skk", D(2024, 2, 5))])[0]
    second.person = first.person
    second.save(update_fields=["person"])
    totals = case_totals(Period.year(2024), Scope(unit_id=unit.pk))
    assert (totals.active, totals.persons) == (2, 1)


def test_prorate_fraction_counts_months():
    assert prorate_fraction(Period.half_year(2016, 1)) == 0.5
    assert prorate_fraction(Period.year(2016)) == 1.0
    assert prorate_fraction(Period(D(2024, 1, 1), D(2024, 1, 31))) == pytest.approx(1 / 12)
    # only the part inside the agreement's term counts
    assert prorate_fraction(Period.year(2024), Period(D(2024, 7, 1), D(2026, 6, 30))) == 0.5


def test_periods():
    assert Period.last_ended_half_year(D(2025, 7, 1)) == Period.half_year(2025, 1)
    assert Period.last_ended_half_year(D(2026, 1, 1)) == Period.half_year(2025, 2)
    assert Period(D(2024, 2, 29), D(2024, 3, 31)).previous_year() == Period(D(2023, 2, 28), D(2023, 3, 31))
    assert [p.end for p in Period(D(2024, 2, 10), D(2024, 4, 5)).split("month")] == [
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 5),
    ]


@pytest.mark.django_db
def test_unit_agreement_volumes_and_attainment(small):
    agreement = Agreement.objects.create(
        provider=small.provider,
        unit=small,
        name="Enhetens uppdrag",
        starts_on=D(2024, 1, 1),
        ends_on=D(2025, 12, 31),
        budget=1_000_000,
    )
    AgreedVolume.objects.create(
        agreement=agreement, insats_type=InsatsType.objects.get(code="medling"), min_per_year=2, max_per_year=4
    )
    targets = figures.agreed_targets(agreement, Period.half_year(2024, 1))
    assert (targets["medling"].target_min, targets["medling"].target_max) == (1.0, 2.0)
    assert figures.attainment_status(2, 1.0, 2.0) == "within"
    assert figures.attainment_status(3, 1.0, 2.0) == "over"
    assert figures.attainment_status(0, 1.0, 2.0) == "under"


@pytest.mark.django_db
def test_age_and_gender_tables_suppress_small_cells(small):
    report = follow_up(Period.year(2024), Scope(provider_id=small.provider_id, unit_id=small.pk))
    for key in ("age_band", "gender"):
        table = next(d for d in report.distributions if d.key == key)
        assert any(row.count is None for row in table.rows)  # the small dataset has cells of 1–4
        for row in table.rows:
            assert row.count is None or row.count == 0 or row.count >= 5
            if row.count is None:  # "<5", or "×" where a "<5" would follow from the exact total
                assert row.count_display in ("<5", "×") and row.percent is None
        assert any(row.count_display == "<5" for row in table.rows)


@pytest.mark.django_db
def test_sections_without_recorded_data_say_so(small):
    report = follow_up(Period.year(2024), Scope(provider_id=small.provider_id))
    sig = next(extra for extra in report.extras if extra.key == "sig")
    recidivism = [row for row in sig.figures if row.key == "recidivism"] if sig.available else []
    # no SIG case in the period: no share of återfall to show (a dash, not a made-up 0 %)
    assert (not sig.available and sig.note == "Uppgifter saknas") or recidivism[0].current_display == "–"
    avhopp = next(extra for extra in report.extras if extra.key == "avhopp")
    budget = next(row for row in avhopp.figures if row.key == "budget")
    assert budget.current_display == "Uppgifter saknas"  # no agreement, no budget
    assert {extra.key for extra in report.extras} == {"sig", "avhopp", "faltverksamhet"}


def test_swedish_formats():
    assert figures.format_money(3_854_000) == "3\u00a0854\u00a0000\u00a0kr"
    assert figures.format_percent(30.04) == "30\u00a0%"
    assert figures.format_percent(1.49, 1) == "1,5\u00a0%"
    assert figures.format_count(3) == "<5"
    assert figures.format_count(1234) == "1\u00a0234"
    assert figures.format_change(10, 8) == "+2 (+25\u00a0%)"
    assert figures.format_change(None, 8) == "–"


# SIG, avhopp and fältverksamhet on the interventions models --------------------------------------------------


@pytest.fixture
def interventions_data(unit, handler):
    """Five SIG cases with plans and goal follow-ups, purchased avhopp services, and field shifts in 2024."""
    from django.apps import apps

    def model(name):
        return apps.get_model("interventions", name)

    Plan, PlanVersion, Goal = model("Plan"), model("PlanVersion"), model("Goal")
    FollowUpMeeting, GoalAttainment = model("FollowUp"), model("GoalAttainment")
    PurchasedService, FieldShift = model("PurchasedService"), model("FieldShift")
    sig_cases = build_cases(unit=unit, handler=handler, specs=[CaseSpec("sig", D(2024, 2, 1)) for _ in range(5)])
    for index, case in enumerate(sig_cases):
        plan = Plan.objects.create(
            case=case, coordinator=handler, trainer_assigned_on=D(2024, 3, 1) if index < 3 else None
        )
        version = PlanVersion.objects.create(plan=plan, number=1, created_by=handler)
        goal = Goal.objects.create(version=version, text="Skolnärvaro")
        meeting = FollowUpMeeting.objects.create(version=version, due_on=D(2024, 5, 1), held_on=D(2024, 5, 2))
        GoalAttainment.objects.create(follow_up=meeting, goal=goal, level="uppnatt" if index else "delvis")
    [defector] = build_cases(unit=unit, handler=handler, specs=[CaseSpec("avhopp", D(2024, 1, 15))])
    for kind, cost in [("skyddat_boende", 400_000), ("behandling", 150_000)]:
        PurchasedService.objects.create(
            case=defector,
            kind=kind,
            provider="Leverantör",
            starts_on=D(2024, 2, 1),
            price=cost,
            cost=cost,
            recorded_by=handler,
        )
    for day in range(1, 11):
        FieldShift.objects.create(
            unit=unit,
            worked_on=D(2024, 3, day),
            area="Skäggetorp centrum",
            youths_met=70,
            youths_talked=10,
            recorded_by=handler,
        )
    return unit


@pytest.mark.django_db
def test_sig_avhopp_and_field_sections_from_the_interventions_models(interventions_data):
    unit = interventions_data
    agreement = Agreement.objects.create(
        provider=unit.provider,
        name="Uppdrag",
        starts_on=D(2024, 1, 1),
        ends_on=D(2025, 12, 31),
        budget=3_854_000,
        defection_budget=1_000_000,
    )
    report = follow_up(Period.half_year(2024, 1), Scope(provider_id=unit.provider_id), agreement=agreement)
    extras = {extra.key: {row.key: row for row in extra.figures} for extra in report.extras}
    sig = extras["sig"]
    assert sig["plans"].current == 5 and sig["people"].current == 5
    assert sig["trainers"].current_display == "<5"  # three young people with a PT
    assert sig["reached"].current_display == "<5" and sig["partly"].current_display == "<5"
    assert sig["sig_cases"].current == 5 and sig["reoffence_cases"].current_display == "0"
    assert sig["recidivism"].current_display == "0\u00a0%"  # no återfall recorded on the five cases
    avhopp = extras["avhopp"]
    assert avhopp["cost"].current_display == "550\u00a0000\u00a0kr"
    assert avhopp["budget"].current_display == "500\u00a0000\u00a0kr"  # half of the yearly budget
    assert avhopp["budget_used"].current_display == "110\u00a0%"
    assert avhopp["people"].current_display == "<5"
    field = extras["faltverksamhet"]
    assert (field["shifts"].current, field["met"].current, field["talked"].current) == (10, 700, 100)


@pytest.mark.django_db
def test_seed_spring_2017_any_dates(unit, handler):
    """Seed 000, "Jan-maj 2017": 200 new cases, 136 closed, no unplanned closures."""
    specs = [
        CaseSpec(
            "stod_brottsutsatta" if index % 4 else "ungdomstjanst",
            D(2017, 1, 2) + datetime.timedelta(days=index % 140),
            basis="service" if index % 2 else "bistand",
        )
        for index in range(200)
    ]
    for spec in specs[:136]:
        spec.closed_on = spec.opened_on + datetime.timedelta(days=5)
        spec.closure_reason = "planerat"
    for spec in specs[:136]:
        assert spec.closed_on <= D(2017, 5, 31)
    build_cases(unit=unit, handler=handler, specs=specs)
    totals = case_totals(Period(D(2017, 1, 1), D(2017, 5, 31)), Scope(provider_id=unit.provider_id))
    assert (totals.new, totals.closed, totals.unplanned) == (200, 136, 0)
    assert totals.unplanned_share == 0


def test_statistics_dimensions_and_age_bands_are_defined_once():
    """24.3: one module declares them; the API, the summary (also in its SQL) and the figures use it."""
    from api import selectors
    from reporting import dimensions, figures, statistics_summary

    assert selectors.DIMENSIONS is dimensions.STATISTICS_DIMENSIONS is statistics_summary.DIMENSIONS
    assert figures.AGE_BANDS is dimensions.AGE_BANDS and figures.UNKNOWN_KEY == dimensions.UNKNOWN_KEY
    assert set(dimensions.STATISTICS_DIMENSIONS) <= set(figures.DIMENSIONS)
    sql = statistics_summary._age_band_sql()
    assert all(f"THEN '{label}'" in sql for _low, _high, label in dimensions.AGE_BANDS)
    assert [dimensions.age_band_of(age) for age in (9, 10, 17, 21, 40, None)] == [
        "0–9",
        "10–14",
        "15–17",
        "21–29",
        "30–",
        dimensions.UNKNOWN_KEY,
    ]
