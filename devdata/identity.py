"""Invented identity numbers, the one generator for the demo data, the generated data and the test factories."""

import datetime

from stdnum import luhn

from cases.identity import COORDINATION_DAY_OFFSET


def personnummer(birth_date: datetime.date, serial: int, *, coordination: bool = False) -> str:
    """A Luhn-valid 12-digit personnummer (or samordningsnummer: day + 60) for a birth date; serial 0–999
    picks the number (taken modulo 1000)."""
    day = birth_date.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    short = f"{birth_date:%y%m}{day:02d}{serial % 1000:03d}"
    return f"{birth_date:%Y}{short[2:]}{luhn.calc_check_digit(short)}"
