"""Personnummer, samordningsnummer and reservnummer: parsing, normalisation and the Swedish messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn

from cases.identity import (
    Gender,
    IdKind,
    age_on,
    format_id_number,
    normalise_reserve_number,
    parse_id_number,
    search_forms,
)

TODAY = datetime.date(2026, 11, 22)


def with_check_digit(nine_digits: str) -> str:
    return nine_digits + luhn.calc_check_digit(nine_digits)


@pytest.mark.parametrize(
    "raw",
    ["811228-9874", "8112289874", "19811228-9874", "198112289874", " 811228 - 9874 ", "19811228 9874"],
)
def test_personnummer_in_10_and_12_digits_is_normalised_to_12(raw):
    parsed = parse_id_number(raw, today=TODAY)

    assert parsed.kind == IdKind.PERSONNUMMER
    assert parsed.number == "198112289874"
    assert parsed.birth_date == datetime.date(1981, 12, 28)
    assert parsed.gender == Gender.BOY  # second-last digit 7 is odd


def test_even_second_last_digit_is_a_girl():
    number = with_check_digit("100315248")  # 2010-03-15, serial 248
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.birth_date == datetime.date(2010, 3, 15)
    assert parsed.gender == Gender.GIRL  # the 9th digit (8) is even


def test_plus_means_a_hundred_years_or_older():
    assert parse_id_number("121212+1212", today=TODAY).birth_date == datetime.date(1912, 12, 12)
    assert parse_id_number("121212-1212", today=TODAY).birth_date == datetime.date(2012, 12, 12)


def test_ten_digits_pick_the_century_from_the_whole_date():
    # 26-12-31 read on 2026-11-22 is someone aged 99 born 1926, not a birth date next month
    number = "261231-" + with_check_digit("261231000")[6:]

    assert parse_id_number(number, today=TODAY).birth_date == datetime.date(1926, 12, 31)
    # with '+' the same digits mean 100 or older: 1826
    assert parse_id_number(number.replace("-", "+"), today=TODAY).birth_date == datetime.date(1826, 12, 31)
    # earlier in the year they are this century
    assert parse_id_number(with_check_digit("260105000"), today=TODAY).birth_date == datetime.date(2026, 1, 5)


def test_twelve_digits_ignore_the_separator_century_rule():
    assert parse_id_number("19121212+1212", today=TODAY).birth_date == datetime.date(1912, 12, 12)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("811228-9873", "checksum"),  # wrong check digit
        ("198112289875", "checksum"),
        ("811328-9874", "date"),  # month 13
        ("810230-" + with_check_digit("810230123")[6:], "date"),  # 30 February
        ("20301228-" + with_check_digit("301228987")[6:], "future"),
        ("81122-9874", "format"),
        ("811228/9874", "format"),
        ("abcdefghij", "format"),
        ("", "format"),
        ("1981122898741", "format"),
    ],
)
def test_invalid_numbers_are_refused_with_a_swedish_message(raw, code):
    with pytest.raises(ValidationError) as caught:
        parse_id_number(raw, today=TODAY)

    assert caught.value.code == code
    message = caught.value.messages[0]
    assert any(word in message for word in ("personnummer", "Personnumret", "Kontrollsiffran", "Födelsedatumet"))
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) >= 6:
        assert digits not in message  # never echo the number


def test_samordningsnummer_is_the_birth_day_plus_60():
    parsed = parse_id_number("701063-2391", today=TODAY)

    assert parsed.kind == IdKind.COORDINATION
    assert parsed.birth_date == datetime.date(1970, 10, 3)
    assert parsed.number == "197010632391"


def test_samordningsnummer_in_12_digits_and_checksum():
    number = with_check_digit("100375123")  # 2010-03-15 + 60
    parsed = parse_id_number("20" + number, today=TODAY)
    assert (parsed.kind, parsed.birth_date) == (IdKind.COORDINATION, datetime.date(2010, 3, 15))

    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as caught:
        parse_id_number(broken, today=TODAY)
    assert caught.value.code == "checksum"


def test_samordningsnummer_with_impossible_day_is_refused():
    with pytest.raises(ValidationError) as caught:
        parse_id_number(with_check_digit("100292123"), today=TODAY)  # day 92 - 60 = 32
    assert caught.value.code == "date"


@pytest.mark.parametrize(("raw", "stored"), [("rn-123 456", "RN123456"), ("19990101AB12", "19990101AB12")])
def test_reservnummer_keeps_letters_and_digits(raw, stored):
    assert normalise_reserve_number(raw) == stored


@pytest.mark.parametrize("raw", ["12345", "ÅÄÖ12345", "RN_123456", "1234567890123456"])
def test_bad_reservnummer_is_refused(raw):
    with pytest.raises(ValidationError) as caught:
        normalise_reserve_number(raw)
    assert "reservnummer" in caught.value.messages[0]


def test_format_and_search_forms():
    assert format_id_number("198112289874", IdKind.PERSONNUMMER) == "19811228-9874"
    assert format_id_number("RN123456", IdKind.RESERVE) == "RN123456"
    assert search_forms("811228-9874") == "198112289874"
    assert search_forms("Andersson") is None


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (datetime.date(2010, 3, 15), datetime.date(2025, 3, 14), 14),  # the day before the birthday
        (datetime.date(2010, 3, 15), datetime.date(2025, 3, 15), 15),  # on the birthday
        (datetime.date(2008, 2, 29), datetime.date(2025, 2, 28), 16),  # born on a leap day: not yet 17
        (datetime.date(2008, 2, 29), datetime.date(2025, 3, 1), 17),
    ],
)
def test_age_in_whole_years(born, day, age):
    assert age_on(born, day) == age
