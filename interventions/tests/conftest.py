import datetime

import pytest
from django.utils import timezone

from cases.models import InsatsType
from consent.models import Actor
from tests.factories import CaseFactory, CustodianFactory, PersonFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_case(handler):
    """A case of the handler's unit with the given insats; the person (17) has two custodians."""

    def make(code="sig", birth_date=datetime.date(2009, 4, 12), custodians=2, **kwargs):
        person = PersonFactory(unit=handler.unit, birth_date=birth_date)
        for _ in range(custodians):
            CustodianFactory(person=person)
        return CaseFactory(person=person, handler=handler, insats_type=InsatsType.objects.get(code=code), **kwargs)

    return make


@pytest.fixture
def police(db):
    return Actor.objects.get(code="polis")


@pytest.fixture
def school(db):
    return Actor.objects.get(code="skola")
