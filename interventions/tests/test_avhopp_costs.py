"""Köpta insatser för avhoppare per år: a year's count of cases follows the suppression rule (1–4 is "<5")."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import ChangeLog
from interventions import rules, selectors, services
from interventions.models import PurchasedService


@pytest.mark.django_db
def test_a_year_with_fewer_than_five_cases_shows_no_exact_count(client, handler, make_case):
    # given: purchases on 3 cases starting in 2025 and on 5 cases starting in 2024
    for year, cases in ((2025, 3), (2024, 5)):
        for _ in range(cases):
            services.purchased_service_add(
                actor=handler,
                case=make_case("avhopp"),
                kind="skyddat_boende",
                provider="Tryggt AB",
                starts_on=datetime.date(year, 3, 1),
                ends_on=None,
                price=Decimal("1000"),
            )
    client.force_login(handler)

    # when
    response = client.get(reverse("interventions:avhopp_costs"))

    # then: 2025 shows "<5" cases (the purchases column counts no persons and stays exact), 2024 its 5
    html = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">2025</th><td class="num">3</td><td class="num">&lt;5</td>' in html
    assert '<th scope="row">2024</th><td class="num">5</td><td class="num">5</td>' in html


# ---------------------------------------------------------------- cost spread over the days of the period

PLACEMENT = {"starts_on": datetime.date(2026, 11, 15), "ends_on": datetime.date(2027, 2, 14)}  # 16+31 | 31+14 days


def between(first, last, *, price_unit="period", price="92000", **period):
    return rules.purchase_cost_between(
        price_unit=price_unit, price=Decimal(price), first=first, last=last, **(period or PLACEMENT)
    )


def test_a_placement_over_new_year_books_47_of_92_days_on_2026_and_45_on_2027():
    assert between(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == Decimal("47000")
    assert between(datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)) == Decimal("45000")
    # half-years: H2 2026 has all of 2026's days, H1 2027 all of 2027's, the others none
    assert between(datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)) == Decimal("47000")
    assert between(datetime.date(2027, 1, 1), datetime.date(2027, 6, 30)) == Decimal("45000")
    assert between(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)) == 0
    assert between(datetime.date(2027, 7, 1), datetime.date(2027, 12, 31)) == 0


def test_a_price_per_day_or_month_costs_for_the_days_in_the_window():
    year_2026 = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert between(*year_2026, price_unit="dygn", price="1000") == Decimal("47000")
    assert rules.purchase_total(price_unit="dygn", price=Decimal("1000"), **PLACEMENT) == Decimal("92000.00")
    # per month: 16/30 of November, all of December in 2026; all of January, 14/28 of February in 2027
    assert between(*year_2026, price_unit="manad", price="30000") == Decimal("46000")
    assert rules.purchase_total(price_unit="manad", price=Decimal("30000"), **PLACEMENT) == Decimal("91000.00")


def test_a_period_price_without_an_end_counts_on_its_start_day():
    open_ended = {"starts_on": datetime.date(2026, 11, 15), "ends_on": None}
    assert between(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), **open_ended) == Decimal("92000")
    assert between(datetime.date(2027, 1, 1), datetime.date(2027, 12, 31), **open_ended) == 0


@pytest.mark.django_db
def test_the_costs_page_and_the_panel_split_the_placement_over_the_years(client, handler, make_case):
    case = make_case("avhopp")
    services.purchased_service_add(
        actor=handler, case=case, kind="skyddat_boende", provider="Tryggt AB", price=Decimal("92000"), **PLACEMENT
    )
    client.force_login(handler)

    html = client.get(reverse("interventions:avhopp_costs")).content.decode()

    nb = "\u00a0"
    assert (
        f'<th scope="row">2027</th><td class="num">1</td><td class="num">&lt;5</td><td class="num">45{nb}000{nb}kr'
        in html
    )
    assert (
        f'<th scope="row">2026</th><td class="num">1</td><td class="num">&lt;5</td><td class="num">47{nb}000{nb}kr'
        in html
    )
    panel = selectors.case_insats_panel(case=case)
    assert panel.purchases_per_year == [
        {"year": 2026, "total": Decimal("47000")},
        {"year": 2027, "total": Decimal("45000")},
    ]


@pytest.mark.django_db
def test_a_price_per_day_needs_an_end_date_and_gives_the_period_cost(handler, make_case):
    case = make_case("avhopp")
    values = {"kind": "behandling", "provider": "Vägen ut", "price": Decimal("3100"), "price_unit": "dygn"}
    with pytest.raises(ValidationError) as error:
        services.purchased_service_add(
            actor=handler, case=case, starts_on=PLACEMENT["starts_on"], ends_on=None, **values
        )
    assert "ends_on" in error.value.message_dict
    assert not PurchasedService.objects.exists()

    purchase = services.purchased_service_add(actor=handler, case=case, **PLACEMENT, **values)

    assert purchase.cost == Decimal("285200.00")  # 92 days × 3 100 kr


@pytest.mark.django_db
def test_correcting_the_price_unit_recomputes_the_cost_and_writes_history(handler, make_case):
    case = make_case("avhopp")
    purchase = services.purchased_service_add(
        actor=handler, case=case, kind="behandling", provider="Vägen ut", price=Decimal("1000"), **PLACEMENT
    )

    services.purchased_service_correct(
        actor=handler,
        service=purchase,
        kind="behandling",
        provider="Vägen ut",
        price=Decimal("1000"),
        price_unit="dygn",
        change_reason="Priset gäller per dygn enligt avtalet",
        **PLACEMENT,
    )

    purchase.refresh_from_db()
    assert (purchase.price_unit, purchase.cost) == ("dygn", Decimal("92000.00"))
    row = ChangeLog.objects.filter(object_type="interventions.purchasedservice").latest("id")
    assert (row.action, row.actor_id, row.case_id) == ("update", handler.pk, case.pk)
    assert row.changes == {
        "price_unit": ["period", "dygn"],
        "cost": ["1000.00", "92000.00"],
        "change_reason": [None, "Priset gäller per dygn enligt avtalet"],
    }
