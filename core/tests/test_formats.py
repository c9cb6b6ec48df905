"""The one Swedish display format (core/formats.py): "3 854 000 kr" with no-break spaces, "1,5", "30 %", ISO dates,
half-up rounding on the decimal value."""

import datetime
from decimal import Decimal

from django.template import Context, Template

from core import formats

NB = "\u00a0"


def test_money_groups_thousands_with_no_break_spaces():
    assert formats.money(3854000) == f"3{NB}854{NB}000{NB}kr"
    assert formats.money(Decimal("1234.50")) == f"1{NB}234,50{NB}kr"
    assert formats.money(Decimal("350.00")) == f"350{NB}kr"  # was "Arvode: 350.00 kr"
    assert formats.money(0) == f"0{NB}kr"
    assert formats.money(-1500) == f"-1{NB}500{NB}kr"
    assert formats.money(None) == ""
    assert formats.money(Decimal("1234.5"), 0) == f"1{NB}235{NB}kr"  # whole kronor, as the report shows them


def test_rounding_is_half_up_on_the_decimal_value():
    assert formats.number(0.5) == "1"  # Python's round() and f"{0.5:.0f}" give "0"
    assert formats.number(2.5) == "3"
    assert formats.number(2.675, 2) == "2,68"  # the float is 2.67499…; the figure the user typed is 2.675
    assert formats.number(-0.5) == "-1"
    assert formats.percent(12.5) == f"13{NB}%"
    assert formats.money(1234.495) == f"1{NB}234,50{NB}kr"


def test_quantities_and_hours_show_only_the_decimals_they_have():
    assert formats.quantity(Decimal("8.0")) == "8"  # was "8.0 av 40 timmar"
    assert formats.quantity(Decimal("1.5")) == "1,5"
    assert formats.quantity(1.25) == "1,3"
    assert formats.hours(Decimal("1.5")) == f"1,5{NB}h"
    assert formats.hours(40) == f"40{NB}h"


def test_percent_and_share():
    assert formats.percent(30) == f"30{NB}%"
    assert formats.percent(29.56, 1) == f"29,6{NB}%"
    assert formats.share(0.3) == f"30{NB}%"
    assert formats.number(1234567) == f"1{NB}234{NB}567"
    assert formats.number("not a number") == ""


def test_dates_are_iso():
    assert formats.date(datetime.date(2024, 3, 15)) == "2024-03-15"
    assert formats.date(None) == ""
    assert formats.datetime_text(datetime.datetime(2024, 3, 15, 14, 5)) == "2024-03-15 14:05"


def test_filters_in_templates_are_the_same_rules():
    html = Template(
        "{% load sv_format %}{{ a|sv_money }}|{{ p|sv_percent }}|{{ d|sv_date }}|{{ n|sv_date|default:'–' }}"
        "|{{ h|sv_quantity }}|{{ h|sv_hours }}"
    )
    context = {"a": 3854000, "p": 30, "d": datetime.date(2024, 3, 15), "n": None, "h": Decimal("1.5")}
    rendered = html.render(Context(context))
    assert rendered == f"3{NB}854{NB}000{NB}kr|30{NB}%|2024-03-15|–|1,5|1,5{NB}h"
