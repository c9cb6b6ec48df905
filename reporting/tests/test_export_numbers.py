"""CSV cells round like the pages and the PDF: half up on the decimal value (core.formats), not Python's float
formatting, which gives 12.35 -> "12,3" and 0.25 -> "0,2"."""

from reporting.exports import _csv_value


def test_csv_decimals_round_half_up_like_the_pages():
    assert _csv_value(12.35) == "12,4"
    assert _csv_value(0.25) == "0,3"
    assert _csv_value(33.333) == "33,3"
