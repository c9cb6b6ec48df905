import datetime

import pytest

from cases.models import InsatsType
from decisions.models import Lagrum
from tests.factories import CaseFactory, PersonFactory


@pytest.fixture
def new_law():
    return Lagrum.objects.get(code="sol2025-11-1")


@pytest.fixture
def case(handler):
    """An open bistånd SKK case of the handler's unit, opened 2025-09-01."""
    person = PersonFactory(unit=handler.unit, first_name="Beslutus", last_name="Biståndsson", gender="pojke")
    return CaseFactory(
        handler=handler,
        person=person,
        insats_type=InsatsType.objects.get(code="skk"),
        basis="bistand",
        opened_on=datetime.date(2025, 9, 1),
    )
