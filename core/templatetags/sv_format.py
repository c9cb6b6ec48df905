"""Swedish display formats for templates, PDFs and exports (2024-03-15, "3 854 000 kr", "30 %").

In templates: `{% load sv_format %}` then `{{ day|sv_date }}`, `{{ moment|sv_datetime }}`, `{{ amount|sv_money }}`,
`{{ count|sv_number }}`, `{{ share|sv_percent }}` (value already in percent: 30 -> "30 %"; `sv_percent:1` for one
decimal) and `{{ ratio|sv_share }}` (0.3 -> "30 %"). Python code (PDF, Excel, CSV) imports the format_* functions.

Thousands are grouped with a plain space and the decimal mark is a comma. Plain spaces (not U+00A0) keep the
text easy to search and compare in tests and PDF text; put `class="num"` (nowrap) on cells that must not wrap.
Empty input (None or "") gives "" so `|default:"–"` works after the filter.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def format_number(value: object, decimals: int = 0) -> str:
    """1234567.891 -> "1 234 567" (decimals=0) or "1 234 567,89" (decimals=2)."""
    number = _decimal(value)
    if number is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = " ".join(groups) or "0"
    if decimals > 0:
        text += "," + fraction.ljust(decimals, "0")[:decimals]
    return sign + text


def format_money(value: object) -> str:
    """3854000 -> "3 854 000 kr"; öre are shown only when present (1234.5 -> "1 234,50 kr")."""
    number = _decimal(value)
    if number is None:
        return ""
    decimals = 0 if number == number.to_integral_value() else 2
    return f"{format_number(number, decimals)} kr"


def format_percent(value: object, decimals: int = 0) -> str:
    """A value already in percent: 30 -> "30 %", 29.56 with decimals=1 -> "29,6 %"."""
    text = format_number(value, decimals)
    return f"{text} %" if text else ""


def format_share(value: object, decimals: int = 0) -> str:
    """A ratio: 0.3 -> "30 %"."""
    number = _decimal(value)
    if number is None:
        return ""
    return format_percent(number * 100, decimals)


def format_date(value: object) -> str:
    """date or datetime -> "2024-03-15" (datetimes in local time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def format_datetime(value: object) -> str:
    """datetime -> "2024-03-15 14:05" in local time."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return format_date(value)


@register.filter
def sv_date(value: object) -> str:
    return format_date(value)


@register.filter
def sv_datetime(value: object) -> str:
    return format_datetime(value)


@register.filter
def sv_number(value: object, decimals: int | str = 0) -> str:
    return format_number(value, int(decimals))


@register.filter
def sv_money(value: object) -> str:
    return format_money(value)


@register.filter
def sv_percent(value: object, decimals: int | str = 0) -> str:
    return format_percent(value, int(decimals))


@register.filter
def sv_share(value: object, decimals: int | str = 0) -> str:
    return format_share(value, int(decimals))
