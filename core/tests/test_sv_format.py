"""Swedish display formats: 2024-03-15, "3 854 000 kr", "30 %"."""

import datetime
from decimal import Decimal

from django.template import Context, Template

from core.templatetags.sv_format import format_date, format_money, format_number, format_percent, format_share


def test_money_groups_thousands_with_spaces():
    assert format_money(3854000) == "3 854 000 kr"
    assert format_money(Decimal("1234.50")) == "1 234,50 kr"
    assert format_money(0) == "0 kr"
    assert format_money(-1500) == "-1 500 kr"
    assert format_money(None) == ""


def test_percent_and_share():
    assert format_percent(30) == "30 %"
    assert format_percent(29.56, 1) == "29,6 %"
    assert format_share(0.3) == "30 %"
    assert format_number(1234567) == "1 234 567"


def test_dates_are_iso():
    assert format_date(datetime.date(2024, 3, 15)) == "2024-03-15"
    assert format_date(None) == ""


def test_filters_in_templates():
    html = Template(
        "{% load sv_format %}{{ a|sv_money }}|{{ p|sv_percent }}|{{ d|sv_date }}|{{ n|sv_date|default:'–' }}"
    )
    rendered = html.render(Context({"a": 3854000, "p": 30, "d": datetime.date(2024, 3, 15), "n": None}))
    assert rendered == "3 854 000 kr|30 %|2024-03-15|–"
