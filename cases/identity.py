"""Swedish identity numbers: personnummer, samordningsnummer and reservnummer.

Stored normalised: personnummer and samordningsnummer as 12 digits (YYYYMMDDNNNN), reservnummer
as entered without spaces and dashes, upper-cased. Error messages never echo the number itself.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

COORDINATION_DAY_OFFSET = 60
_DIGITS_WITH_SEPARATOR = re.compile(r"^(\d{6}|\d{8})([-+]?)(\d{4})$")
_RESERVE = re.compile(r"^[0-9A-Z]{6,14}$")


class IdKind(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personnummer")
    COORDINATION = "samordningsnummer", _("Samordningsnummer")
    RESERVE = "reservnummer", _("Reservnummer")


class Gender(models.TextChoices):
    GIRL = "flicka", _("Flicka")
    BOY = "pojke", _("Pojke")
    OTHER = "annat", _("Annat")
    UNKNOWN = "okant", _("Okänt")


@dataclass(frozen=True)
class ParsedId:
    kind: str
    number: str  # normalised
    birth_date: datetime.date
    gender: str


def _year_for(two_digit_year: int, month: int, day: int, separator: str, today: datetime.date) -> int:
    """Full year of a 10-digit number: '-' means under 100 years old, '+' 100 or older (compared on the
    whole date, so 261231-NNNN read on 2026-11-22 is 1926, not a birth date in the future)."""
    latest = (today.year - (100 if separator == "+" else 0), today.month, today.day)
    year = today.year // 100 * 100 + two_digit_year
    while (year, month, day) > latest:
        year -= 100
    return year


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> ParsedId:
    """Parse a personnummer or samordningsnummer in 10 or 12 digits, with or without '-' or '+'."""
    today = today or timezone.localdate()  # Swedish date, not the server's UTC date around midnight
    text = re.sub(r"\s", "", raw or "")
    match = _DIGITS_WITH_SEPARATOR.match(text)
    if not match:
        raise ValidationError(
            _("Ange personnummer med 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN."), code="format"
        )
    date_part, separator, tail = match.groups()
    if len(date_part) == 8:
        year = int(date_part[:4])
        short = date_part[2:]
    else:
        short = date_part
        year = None
    month, day = int(short[2:4]), int(short[4:6])
    kind = IdKind.PERSONNUMMER
    if day > COORDINATION_DAY_OFFSET:
        kind = IdKind.COORDINATION
        day -= COORDINATION_DAY_OFFSET
    if year is None:
        year = _year_for(int(short[:2]), month, day, separator, today)
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(_("Personnumret innehåller inget giltigt födelsedatum."), code="date") from None
    if birth_date > today:
        raise ValidationError(_("Födelsedatumet i personnumret ligger i framtiden."), code="future")
    # The Luhn check digit over the ten digits, for both kinds (stdnum's personnummer.validate is the
    # same check after the date check above, at several times the cost for a 10 000-row import).
    if luhn.checksum(short + tail) != 0:
        raise ValidationError(_("Kontrollsiffran stämmer inte. Kontrollera numret."), code="checksum")
    gender = Gender.GIRL if int(tail[2]) % 2 == 0 else Gender.BOY
    return ParsedId(kind=kind, number=f"{year:04d}{short[2:]}{tail}", birth_date=birth_date, gender=gender)


def normalise_reserve_number(raw: str) -> str:
    """Reservnummer are assigned locally (formats differ between regions): keep letters and digits."""
    text = re.sub(r"[\s\-+]", "", raw or "").upper()
    if not _RESERVE.match(text):
        raise ValidationError(_("Ett reservnummer består av 6–14 siffror eller bokstäver."), code="reserve_format")
    return text


def format_id_number(number: str, kind: str) -> str:
    """12 digits as YYYYMMDD-NNNN; reservnummer as stored."""
    if kind in (IdKind.PERSONNUMMER, IdKind.COORDINATION) and len(number) == 12:
        return f"{number[:8]}-{number[8:]}"
    return number


def search_forms(raw: str) -> str | None:
    """The normalised 12-digit form of a typed number, or None if it is not one (used by search)."""
    try:
        return parse_id_number(raw).number
    except ValidationError:
        return None


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years of age on `day` (age is derived from the birth date, never stored). The one age rule:
    Person.age_on, the importer, the statistics and the generated data all count with it."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
