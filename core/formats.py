"""The one Swedish display format for every number, amount and date a user reads (pages, PDFs, exports, history).

`number(3854000)` -> "3 854 000", `number(1.25, 1)` -> "1,3", `money(3854000)` -> "3 854 000 kr",
`quantity(8)` -> "8" and `quantity(1.5)` -> "1,5" (hours, sessions: no trailing ",0"), `hours(1.5)` -> "1,5 h",
`percent(30)` -> "30 %", `share(0.3)` -> "30 %", `date(d)` -> "2024-03-15", `datetime_text(m)` -> "2024-03-15 14:05".

One rounding rule: half up on the decimal value (Decimal(str(value))), so 0.5 -> "1" and 2.675 -> "2,68" whether
the value arrives as float, int or Decimal, and a page and the PDF of the same figure never differ. Thousands are
grouped with a no-break space (U+00A0) so "3 854 000 kr" never wraps inside the amount; the decimal mark is a
comma; the minus sign is a plain hyphen. Empty input (None or "") gives "" so templates can add `|default:"–"`.

Plain Python with no template machinery: services, selectors, PDFs and exports import this module; the template
filters in core/templatetags/sv_format.py are thin wrappers around it.
"""

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

NBSP = "\u00a0"


def to_decimal(value: object) -> Decimal | None:
    """The value as a Decimal via its text (so 0.1 stays 0.1), or None when empty or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def round_half_up(value: object, decimals: int = 0) -> Decimal | None:
    """The one rounding rule: half away from zero at `decimals` places."""
    number = to_decimal(value)
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: object, decimals: int = 0) -> str:
    """1234567.891 -> "1 234 567" (decimals=0) or "1 234 567,89" (decimals=2)."""
    rounded = round_half_up(value, decimals)
    if rounded is None:
        return ""
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NBSP.join(groups) or "0"
    if decimals > 0:
        text += "," + fraction.ljust(decimals, "0")[:decimals]
    return sign + text


def quantity(value: object, max_decimals: int = 1) -> str:
    """A measured amount shown with only the decimals it has: 8 / 8.0 -> "8", 1.5 -> "1,5", 1.25 -> "1,3"."""
    rounded = round_half_up(value, max_decimals)
    if rounded is None:
        return ""
    exponent = rounded.normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return number(rounded, decimals)


def hours(value: object) -> str:
    """1.5 -> "1,5 h", 8.0 -> "8 h"."""
    text = quantity(value, 1)
    return f"{text}{NBSP}h" if text else ""


def money(value: object, decimals: int | None = None) -> str:
    """3854000 -> "3 854 000 kr"; öre are shown only when present (1234.5 -> "1 234,50 kr", 350.00 -> "350 kr").
    `decimals=0` gives whole kronor (the follow-up report: 1234.5 -> "1 235 kr")."""
    amount = round_half_up(value, 2 if decimals is None else decimals)
    if amount is None:
        return ""
    if decimals is None:
        decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{number(amount, decimals)}{NBSP}kr"


def percent(value: object, decimals: int = 0) -> str:
    """A value already in percent: 30 -> "30 %", 29.56 with decimals=1 -> "29,6 %"."""
    text = number(value, decimals)
    return f"{text}{NBSP}%" if text else ""


def share(value: object, decimals: int = 0) -> str:
    """A ratio: 0.3 -> "30 %"."""
    ratio = to_decimal(value)
    if ratio is None:
        return ""
    return percent(ratio * 100, decimals)


def date(value: object) -> str:
    """date or datetime -> "2024-03-15" (datetimes in local time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def datetime_text(value: object) -> str:
    """datetime -> "2024-03-15 14:05" in local time."""
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return date(value)
