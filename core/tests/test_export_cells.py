"""The one formula-escaping rule of every CSV and Excel export (issue 25.6)."""

import datetime

import pytest

from core.export_cells import safe_cell, safe_row


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://x.test")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=", "-"],
)
def test_text_a_spreadsheet_would_run_becomes_plain_text(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", [353, -3, 2.5, None, datetime.date(2016, 1, 1), "", "Skäggetorp", "<5", "–"])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("number", ["-3", "+12 %", "-1,5", "-1\u00a0234", "+46"])
def test_a_text_that_is_only_a_signed_number_stays_a_number(number):
    assert safe_cell(number) == number


def test_a_row_is_escaped_cell_by_cell():
    assert safe_row(["=1+1", 4, "Namn"]) == ["'=1+1", 4, "Namn"]
