"""The ärendenummer format: one function writes it and one reads it, for case_open, the import and test data."""

import pytest

from cases.rules import case_number_format, case_number_parse


@pytest.mark.parametrize(
    ("year", "serial", "number"),
    [(2025, 1, "2025-0001"), (2024, 153, "2024-0153"), (2025, 9999, "2025-9999"), (2025, 90001, "2025-90001")],
)
def test_a_number_is_the_year_and_a_serial_of_at_least_four_digits(year, serial, number):
    assert case_number_format(year=year, serial=serial) == number
    assert case_number_parse(number) == (year, serial)


@pytest.mark.parametrize(
    "text", ["", "2024", "2024-", "24-0153", "2024/0153", "2024-0153x", "x2024-0153", "2024-1234567", "2024-0153\n"]
)
def test_anything_else_is_not_a_case_number(text):
    assert case_number_parse(text) is None
