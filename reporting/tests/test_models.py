"""Agreement: the decision date 12 months before the end, the period and volume-range rules."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from cases.models import InsatsType
from reporting.models import AgreedVolume, Agreement, months_before
from tests.factories import ProviderFactory


def agreement(ends_on: datetime.date, starts_on: datetime.date = datetime.date(2020, 1, 1)) -> Agreement:
    return Agreement(provider_id=1, name="Uppdrag", starts_on=starts_on, ends_on=ends_on, budget=3_854_000)


@pytest.mark.parametrize(
    ("ends_on", "decision_on"),
    [
        (datetime.date(2026, 12, 31), datetime.date(2025, 12, 31)),
        (datetime.date(2027, 1, 15), datetime.date(2026, 1, 15)),
        (datetime.date(2028, 2, 29), datetime.date(2027, 2, 28)),  # leap day -> last day of February
        (datetime.date(2026, 6, 30), datetime.date(2025, 6, 30)),
    ],
)
def test_decision_is_due_12_months_before_the_agreement_ends(ends_on, decision_on):
    assert agreement(ends_on).decision_on == decision_on


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 3, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 3, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 1, 31), 2, datetime.date(2024, 11, 30)),
        (datetime.date(2025, 12, 15), 12, datetime.date(2024, 12, 15)),
        (datetime.date(2025, 1, 10), 1, datetime.date(2024, 12, 10)),
        (datetime.date(2025, 5, 31), 24, datetime.date(2023, 5, 31)),
    ],
)
def test_months_before_clamps_to_the_months_length(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.django_db
def test_period_must_end_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            provider=ProviderFactory(),
            name="Fel",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 1, 1),
            budget=1,
        )


@pytest.mark.django_db
def test_volumes_are_ranges_once_per_insats():
    saved = Agreement.objects.create(
        provider=ProviderFactory(),
        name="Verksamhetsuppdrag",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        budget=3_854_000,
    )
    ungdomstjanst = InsatsType.objects.get(code="ungdomstjanst")
    volume = AgreedVolume.objects.create(agreement=saved, insats_type=ungdomstjanst, min_per_year=30, max_per_year=40)
    assert str(volume) == "Ungdomstjänst: 30–40"

    with pytest.raises(IntegrityError), transaction.atomic():
        AgreedVolume.objects.create(agreement=saved, insats_type=ungdomstjanst, min_per_year=1, max_per_year=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreedVolume.objects.create(
            agreement=saved, insats_type=InsatsType.objects.get(code="medling"), min_per_year=40, max_per_year=30
        )
