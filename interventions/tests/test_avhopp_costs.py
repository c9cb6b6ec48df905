"""Köpta insatser för avhoppare per år: a year's count of cases follows the suppression rule (1–4 is "<5")."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from interventions import services


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
                cost=Decimal("1000"),
            )
    client.force_login(handler)

    # when
    response = client.get(reverse("interventions:avhopp_costs"))

    # then: 2025 shows "<5" cases (the purchases column counts no persons and stays exact), 2024 its 5
    html = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">2025</th><td class="num">3</td><td class="num">&lt;5</td>' in html
    assert '<th scope="row">2024</th><td class="num">5</td><td class="num">5</td>' in html
