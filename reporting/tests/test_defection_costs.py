"""Avhopp costs in the follow-up are spread over the days of each purchase's period (issue 19.1): a placement
2026-11-15–2027-02-14 (92 days) for 92 000 kr counts 47 000 kr on 2026 and 45 000 kr on 2027, in the figures
and in the budget share."""

import datetime
from decimal import Decimal

import pytest

from interventions.models import PurchasedService
from reporting.figures import Period, Scope, follow_up
from reporting.models import Agreement
from reporting.tests.datasets import CaseSpec, build_cases

D = datetime.date
NB = "\u00a0"


@pytest.fixture
def placement(unit, handler):
    [case] = build_cases(unit=unit, handler=handler, specs=[CaseSpec("avhopp", D(2026, 11, 1))])
    return PurchasedService.objects.create(
        case=case,
        kind="skyddat_boende",
        provider="Tryggt AB",
        starts_on=D(2026, 11, 15),
        ends_on=D(2027, 2, 14),
        price_unit="period",
        price=Decimal("92000"),
        cost=Decimal("92000"),
        recorded_by=handler,
    )


def avhopp(unit, period: Period, agreement=None) -> dict:
    report = follow_up(period, Scope(provider_id=unit.provider_id), agreement=agreement)
    [section] = [extra for extra in report.extras if extra.key == "avhopp"]
    return {row.key: row for row in section.figures}


@pytest.mark.django_db
def test_a_placement_over_new_year_counts_47_of_92_days_on_2026_and_45_on_2027(unit, placement):
    year_2026 = avhopp(unit, Period(D(2026, 1, 1), D(2026, 12, 31)))
    year_2027 = avhopp(unit, Period(D(2027, 1, 1), D(2027, 12, 31)))

    assert year_2026["cost"].current_display == f"47{NB}000{NB}kr"
    assert year_2026["cost_skyddat_boende"].current_display == f"47{NB}000{NB}kr"
    assert year_2027["cost"].current_display == f"45{NB}000{NB}kr"


@pytest.mark.django_db
def test_half_years_likewise(unit, placement):
    assert avhopp(unit, Period.half_year(2026, 2))["cost"].current_display == f"47{NB}000{NB}kr"
    assert avhopp(unit, Period.half_year(2027, 1))["cost"].current_display == f"45{NB}000{NB}kr"


@pytest.mark.django_db
def test_the_budget_share_uses_the_cost_falling_in_the_period(unit, placement):
    agreement = Agreement.objects.create(
        provider=unit.provider,
        name="Uppdrag",
        starts_on=D(2026, 1, 1),
        ends_on=D(2027, 12, 31),
        budget=3_854_000,
        defection_budget=47_000,  # per year
    )

    figures = avhopp(unit, Period(D(2026, 1, 1), D(2026, 12, 31)), agreement)

    assert figures["budget_used"].current_display == f"100{NB}%"  # 47 000 of 47 000, not 92 000 of 47 000
