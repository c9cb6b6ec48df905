import datetime
import random

import pytest
from django.core.cache import cache
from django.test import Client

from api.models import TokenScope
from api.services import api_token_create
from cases.models import STATISTICS_KEY_RANGE, Case, InsatsType
from core.models import Role
from tests.factories import CaseFactory, DistrictFactory, PersonFactory, UnitFactory, UserFactory, personnummer_for

YEAR = 2025


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def stats_token(unit, stats_client):
    """A statistics client's token limited to the unit's provider."""
    _, key = api_token_create(
        actor=None, name="BI", scope=TokenScope.STATISTICS, user=stats_client, provider=unit.provider
    )
    return key


@pytest.fixture
def case_token(unit, handler):
    """A case-level integration acting as the handler, limited to the handler's provider."""
    _, key = api_token_create(
        actor=None, name="Integration", scope=TokenScope.CASES, user=handler, provider=unit.provider
    )
    return key


def token_client(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def admin_user(db, unit):
    return UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR)


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit))


@pytest.fixture
def protected_case(handler):
    person = PersonFactory(
        unit=handler.unit, first_name="Hemlig", last_name="Person", protection="skyddad_folkbokforing"
    )
    return CaseFactory(handler=handler, person=person)


@pytest.fixture
def statistics_data(unit, handler):
    """About 70 cases in YEAR (and a few the year before) spread over insatser, districts, genders and
    months so that many cells are small: the suppression has work to do. Deterministic."""
    rng = random.Random(6)
    districts = [DistrictFactory(name=name) for name in ("Skäggetorp", "Berga", "Ryd")]
    second_unit = UnitFactory(name="Insatsteamet", provider=unit.provider)
    second_handler = UserFactory(username="second", unit=second_unit)
    insatser = list(InsatsType.objects.filter(code__in=["ungdomstjanst", "medling", "stod_brottsutsatta", "sig"]))
    genders = ["flicka", "pojke", "pojke", "annat"]
    cases = []
    for index in range(70):
        opened = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(0, 330))
        if index < 6:
            opened = datetime.date(YEAR - 1, 11, 1) + datetime.timedelta(days=rng.randrange(0, 50))
        closed = None
        reason = ""
        if rng.random() < 0.55:
            closed = opened + datetime.timedelta(days=rng.randrange(5, 120))
            if closed.year > YEAR:
                closed = None
            else:
                reason = "oplanerat" if rng.random() < 0.2 else "planerat"
        birth = datetime.date(2005 + rng.randrange(0, 10), rng.randrange(1, 13), 10)
        person = PersonFactory(
            unit=unit,
            birth_date=birth,
            id_number=personnummer_for(birth, 100 + index),
            gender=rng.choice(genders),
            district=rng.choice(districts + [None]),
        )
        use_second = rng.random() < 0.3
        cases.append(
            CaseFactory(
                person=person,
                handler=second_handler if use_second else handler,
                insats_type=rng.choice(insatser),
                basis=rng.choice(["bistand", "service"]),
                opened_on=opened,
                closed_on=closed,
                closure_reason=reason,
                # The noise follows from the keys: random keys would make which cells show a test of chance.
                statistics_key=rng.randrange(STATISTICS_KEY_RANGE),
            )
        )
    return Case.objects.filter(pk__in=[c.pk for c in cases])
