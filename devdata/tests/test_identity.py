"""The one generator of invented identity numbers (demo data, generated data, test factories)."""

import datetime

import pytest

from cases.identity import IdKind, parse_id_number
from devdata.identity import personnummer


@pytest.mark.parametrize("born", [datetime.date(2009, 4, 12), datetime.date(2008, 2, 29), datetime.date(1999, 12, 31)])
@pytest.mark.parametrize("serial", [0, 7, 999])
def test_numbers_are_valid_and_carry_the_birth_date(born, serial):
    number = personnummer(born, serial)
    coordination = personnummer(born, serial, coordination=True)

    parsed = parse_id_number(number, today=datetime.date(2026, 11, 22))
    assert (parsed.kind, parsed.number, parsed.birth_date) == (IdKind.PERSONNUMMER, number, born)
    parsed = parse_id_number(coordination, today=datetime.date(2026, 11, 22))
    assert (parsed.kind, parsed.number, parsed.birth_date) == (IdKind.COORDINATION, coordination, born)


def test_the_serial_picks_the_number():
    born = datetime.date(2009, 4, 12)
    assert len({personnummer(born, serial) for serial in range(1000)}) == 1000
    assert personnummer(born, 1011) == personnummer(born, 11)
