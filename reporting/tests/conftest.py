import datetime

import pytest

from cases.models import InsatsType
from reporting.models import AgreedVolume, Agreement
from reporting.tests.datasets import build_cases, seed_2016_specs


@pytest.fixture
def seed_2016(unit, handler):
    """The seed's Jan–Dec 2016 follow-up, bulk-created in `unit` (Brottsförebyggande gruppen)."""
    return build_cases(unit=unit, handler=handler, specs=seed_2016_specs())


@pytest.fixture
def agreement(unit):
    """Seed 000's agreement: 2014–2018, 3 854 000 kr, volumes per insats per year."""
    agreement = Agreement.objects.create(
        provider=unit.provider,
        name="Brottsförebyggande verksamhet",
        reference="ON 2017-123",
        starts_on=datetime.date(2014, 1, 1),
        ends_on=datetime.date(2018, 12, 31),
        budget=3_854_000,
    )
    volumes = {"ungdomstjanst": (30, 40), "stod_brottsutsatta": (700, 700), "medling": (30, 30), "skk": (10, 10)}
    for code, (low, high) in volumes.items():
        AgreedVolume.objects.create(
            agreement=agreement, insats_type=InsatsType.objects.get(code=code), min_per_year=low, max_per_year=high
        )
    return agreement
