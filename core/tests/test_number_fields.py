"""Swedish numbers in forms: the parser and the two fields every hours/kronor input uses."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.forms import DecimalCommaField, WholeNumberField, parse_swedish_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,5", Decimal("1.5")),
        ("1.5", Decimal("1.5")),
        (" 1,5 ", Decimal("1.5")),
        ("62 500,50", Decimal("62500.50")),
        ("62\u00a0500,50", Decimal("62500.50")),  # no-break space, as Excel and many web pages write it
        ("62\u202f500,50", Decimal("62500.50")),  # narrow no-break space (CLDR's Swedish group separator)
        ("1 234 567,89", Decimal("1234567.89")),
        ("62500", Decimal("62500")),
        ("62 500 kr", Decimal("62500")),
        ("62 500:-", Decimal("62500")),
        (",5", Decimal("0.5")),
        ("\u22121,5", Decimal("-1.5")),  # the minus sign word processors put in
    ],
)
def test_reads_numbers_as_swedish_staff_write_them(text, expected):
    assert parse_swedish_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,5,0", "62.500,50", "1 5", "12 34", "1,", "kr", "1e3"])
def test_refuses_what_is_not_one_clear_number(text):
    with pytest.raises(ValueError):
        parse_swedish_number(text)


class Hours(forms.Form):
    hours = DecimalCommaField(max_digits=4, decimal_places=1, min_value=0)
    budget = WholeNumberField(min_value=0, required=False)


def test_decimal_field_is_a_text_input_with_the_decimal_keyboard():
    html = str(Hours()["hours"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'type="number"' not in html
    assert 'inputmode="numeric"' in str(Hours()["budget"])


def test_decimal_field_stores_the_comma_value_and_shows_it_back_with_a_comma():
    form = Hours({"hours": "1,5", "budget": "62 500"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"hours": Decimal("1.5"), "budget": 62500}
    assert 'value="1,5"' in str(Hours(initial={"hours": Decimal("1.5")})["hours"])


def test_unreadable_or_too_precise_values_get_a_swedish_error():
    form = Hours({"hours": "1,5,0", "budget": "12,5"})
    assert not form.is_valid()
    assert form.errors["hours"] == ["Skriv ett tal, till exempel 1,5 eller 62 500,50."]
    assert form.errors["budget"] == ["Skriv ett heltal, till exempel 80 eller 62 500."]
    too_precise = Hours({"hours": "1,25"})
    assert not too_precise.is_valid() and "decimal" in too_precise.errors["hours"][0]


def test_whole_number_field_accepts_zero_oere():
    assert WholeNumberField().clean("62 500,00") == 62500
    with pytest.raises(ValidationError):
        WholeNumberField().clean("62 500,50")
