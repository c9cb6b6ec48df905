"""The follow-up's counts on PostgreSQL (one GROUP BY GROUPING SETS statement, reporting.figures
.case_counts_grouped) against the ORM path SQLite takes (one statement per grouping), on the same cases; and the
age band of the PostgreSQL statement against the one age rule (cases.identity.age_on)."""

import datetime

import pytest

from cases.identity import age_on
from cases.models import Case, Person, ProtectionLevel
from core.models import Municipality, Provider, Unit, User
from devdata.datagen import generate
from reporting import figures
from reporting.dimensions import age_band_of
from reporting.figures import Period, Scope, case_counts_grouped, case_counts_with_previous
from reporting.tests.datasets import CaseSpec, build_cases

pytestmark = [pytest.mark.django_db, pytest.mark.requires("postgresql")]

D = datetime.date
GROUPINGS = [
    (),
    ("insats",),
    ("district",),
    ("age_band",),
    ("gender",),
    ("unit",),
    ("basis",),
    ("referral_source",),
    ("closure_reason",),
    ("insats", "basis"),
    ("district", "gender"),
]


def _edge_cases() -> Unit:
    """Cases the generated data may lack, in the first provider's first unit: no district, a protected identity,
    cases straddling the edges of H1 2024 and of H1 2023, an insats only in one of the two periods, 29 February."""
    unit = Unit.objects.order_by("pk").first()
    assert unit is not None
    handler = User.objects.filter(unit=unit).order_by("pk").first()
    assert handler is not None
    specs = [
        CaseSpec("medling", D(2023, 12, 31), D(2024, 1, 1), "planerat", district=None),  # closed on the first day
        CaseSpec("medling", D(2024, 6, 30), district=None, gender="okant"),  # opened on the last day
        CaseSpec("skk", D(2023, 6, 30), D(2023, 7, 1), "oplanerat", district="Uddaområdet"),  # only the year before
        CaseSpec("avhopp", D(2022, 1, 1), D(2024, 6, 30), "flytt", birth_date=D(2008, 2, 29)),  # over both
        CaseSpec("avhopp", D(2024, 2, 29), basis="service", birth_date=D(2009, 3, 1)),
        CaseSpec("aslan", D(2024, 3, 1), D(2024, 3, 1), "oplanerat", birth_date=D(2024, 3, 2)),  # born after
    ]
    cases = build_cases(unit=unit, handler=handler, specs=specs, prefix="GS")
    Person.objects.filter(pk=cases[0].person_id).update(protection=ProtectionLevel.PROTECTED_REGISTRATION)
    Person.objects.filter(pk=cases[1].person_id).update(protection=ProtectionLevel.CONFIDENTIALITY)
    Person.objects.filter(pk=cases[2].person_id).update(gender="")  # a blank choice, as an old import left it
    return unit


def _as_dicts(counts: dict) -> dict:
    return {grouping: [[row.as_dict() for row in rows] for rows in pair] for grouping, pair in counts.items()}


def test_grouping_sets_give_the_rows_of_one_statement_per_grouping(django_assert_num_queries):
    # given generated data (protected identities, people without a district) and the edge cases above
    generate("XS")
    unit = _edge_cases()
    provider = Provider.objects.exclude(pk=unit.provider_id).order_by("pk").first()
    assert provider is not None
    municipality = Municipality.objects.order_by("pk").first()
    assert municipality is not None
    scopes = [
        Scope(provider_id=unit.provider_id),
        Scope(provider_id=unit.provider_id, unit_id=unit.pk),
        Scope(provider_id=provider.pk),
        Scope(municipality_id=municipality.pk),
        Scope(),
    ]
    periods = [
        Period.half_year(2024, 1),
        Period.half_year(2025, 2),
        Period.year(2023),
        Period(D(2024, 2, 29), D(2024, 3, 1)),  # two days; the year before starts on 28 February
        Period.half_year(1990, 1),  # no case at all: a totals row of zeros, every table empty
    ]
    compared = 0
    for scope in scopes:
        for period in periods:
            # when the groupings are counted by GROUP BY GROUPING SETS and by one ORM statement per grouping
            with django_assert_num_queries(1):
                together = figures._grouping_sets_counts(period, scope, GROUPINGS)
            separately = {
                grouping: case_counts_with_previous(period, scope, group_by=grouping) for grouping in GROUPINGS
            }

            # then every table has the same rows, in the same order, with the same labels and counts
            assert _as_dicts(together) == _as_dicts(separately), (scope, period)
            compared += 1
    assert compared == 25
    # and the data did reach the edges that matter: a missing district, a group only in the year before, no rows
    h1 = figures._grouping_sets_counts(Period.half_year(2024, 1), Scope(provider_id=unit.provider_id), GROUPINGS)
    assert None in {row.keys["district"] for row in h1[("district",)][0]}
    assert "Uppgift saknas" in {row.labels["district"] for row in h1[("district",)][0]}
    assert "Uddaområdet" in {row.labels["district"] for row in h1[("district",)][1]}
    assert "Uddaområdet" not in {row.labels["district"] for row in h1[("district",)][0]}
    empty = figures._grouping_sets_counts(Period.half_year(1990, 1), Scope(), GROUPINGS)
    assert [len(now) + len(before) for now, before in empty.values()] == [2] + [0] * (len(GROUPINGS) - 1)


def test_case_counts_grouped_is_one_statement_on_postgresql(django_assert_num_queries):
    generate("XS")
    provider = Provider.objects.order_by("pk").first()
    assert provider is not None
    with django_assert_num_queries(1):
        counts = case_counts_grouped(Period.half_year(2025, 1), Scope(provider_id=provider.pk), GROUPINGS)
    assert list(counts) == GROUPINGS
    assert counts[()][0][0].counts.active
    # the totals alone (GROUPING SETS (()), no GROUPING() to tell sets apart) and nothing at all
    totals = case_counts_grouped(Period.half_year(2025, 1), Scope(provider_id=provider.pk), [[]])
    assert _as_dicts(totals) == {(): _as_dicts(counts)[()]}
    assert case_counts_grouped(Period.half_year(2025, 1), Scope(), []) == {}


def test_groupings_naming_shared_dimensions_in_different_orders_are_refused():
    with pytest.raises(ValueError, match="different orders"):
        figures._grouping_sets_counts(Period.year(2024), Scope(), [("insats", "basis"), ("basis", "insats")])


def test_age_band_by_dates_is_the_age_rule(unit, handler):
    # given openings on and around birthdays, 29 February births and openings, and one born after the opening
    births = [D(2008, 2, 29), D(2008, 2, 28), D(2008, 3, 1), D(2010, 6, 15), D(1990, 1, 1), D(2024, 3, 2)]
    openings = [
        D(2018, 2, 28),
        D(2018, 3, 1),
        D(2024, 2, 28),
        D(2024, 2, 29),
        D(2024, 3, 1),
        D(2026, 2, 28),
        D(2026, 3, 1),
        D(2025, 6, 14),
        D(2025, 6, 15),
        D(2020, 1, 1),
        D(2019, 12, 31),
    ]
    specs = [CaseSpec("medling", opened, birth_date=birth) for birth in births for opened in openings]
    build_cases(unit=unit, handler=handler, specs=specs)
    cases = Case.objects.filter(unit=unit)

    # when the band is computed by the date comparisons (PostgreSQL) and by the EXTRACT arithmetic (SQLite)
    by_dates = dict(cases.annotate(band=figures._age_band_by_dates()).values_list("pk", "band"))
    by_extract = dict(figures._with_age(cases).annotate(band=figures._age_band_expression()).values_list("pk", "band"))

    # then both give each case the band of its person's age the day it was opened
    expected = {
        pk: age_band_of(age_on(birth, opened))  # a negative age is in no band: "okant"
        for pk, birth, opened in cases.values_list("pk", "person__birth_date", "opened_on")
    }
    assert by_dates == expected
    assert by_extract == expected
    assert len(set(expected.values())) >= 5  # several bands, "okant" (born after the opening) among them
