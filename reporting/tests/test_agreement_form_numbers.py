"""The agreement's budgets are kronor typed the Swedish way ("3 854 000"), not a type=number input."""

import pytest

from reporting.forms import AgreementForm


@pytest.mark.django_db
def test_budget_accepts_spaces_between_thousands():
    data = {
        "scope": "unit",
        "name": "Överenskommelse 2026",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "budget": "3\u00a0854\u00a0000",
        "defection_budget": "450 000 kr",
        "notice_months": "12",
    }
    form = AgreementForm(data, scope_choices=[("unit", "Enheten")])
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["budget"], form.cleaned_data["defection_budget"]) == (3_854_000, 450_000)
    assert 'inputmode="numeric"' in str(form["budget"]) and 'type="number"' not in str(form["budget"])
