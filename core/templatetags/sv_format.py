"""Template filters for the Swedish display formats of core/formats.py (the rules live there; these are wrappers).

In templates: `{% load sv_format %}` then `{{ day|sv_date }}`, `{{ moment|sv_datetime }}`, `{{ amount|sv_money }}`,
`{{ count|sv_number }}` (`sv_number:1` for one decimal), `{{ hours|sv_quantity }}` (8.0 -> "8", 1.5 -> "1,5"),
`{{ hours|sv_hours }}` ("1,5 h"), `{{ share|sv_percent }}` (value already in percent: 30 -> "30 %") and
`{{ ratio|sv_share }}` (0.3 -> "30 %"). Python code imports core.formats, never this module.
"""

from django import template

from core import formats

register = template.Library()


@register.filter
def sv_date(value: object) -> str:
    return formats.date(value)


@register.filter
def sv_datetime(value: object) -> str:
    return formats.datetime_text(value)


@register.filter
def sv_number(value: object, decimals: int | str = 0) -> str:
    return formats.number(value, int(decimals))


@register.filter
def sv_money(value: object) -> str:
    return formats.money(value)


@register.filter
def sv_percent(value: object, decimals: int | str = 0) -> str:
    return formats.percent(value, int(decimals))


@register.filter
def sv_share(value: object, decimals: int | str = 0) -> str:
    return formats.share(value, int(decimals))


@register.filter
def sv_quantity(value: object) -> str:
    return formats.quantity(value)


@register.filter
def sv_hours(value: object) -> str:
    return formats.hours(value)
