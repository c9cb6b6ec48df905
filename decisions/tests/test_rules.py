"""The three-month rule, the quarters, and that an insats on a bistånd case cannot start before its beslut."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from decisions import rules, services
from tests.factories import CaseFactory

D = datetime.date


def test_execution_deadline_is_three_calendar_months():
    assert rules.execution_deadline(D(2025, 11, 30)) == D(2026, 2, 28)
    assert rules.execution_deadline(D(2025, 9, 10)) == D(2025, 12, 10)


def test_quarter_bounds():
    assert rules.quarter_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))
    assert rules.quarter_bounds(2025, 4) == (D(2025, 10, 1), D(2025, 12, 31))


@pytest.mark.parametrize(
    ("decided_on", "executed_on", "ended_on", "reported"),
    [
        (D(2025, 9, 10), None, None, False),  # three months end 2025-12-10, after Q3 ends
        (D(2025, 6, 10), None, None, True),  # waiting since 2025-09-10
        (D(2025, 6, 10), D(2025, 9, 1), None, False),  # verkställt within three months
        (D(2025, 6, 10), D(2025, 9, 20), None, True),  # verkställt late, in the quarter: once more with the date
        (D(2025, 3, 10), D(2025, 6, 20), None, False),  # verkställt late, before the quarter: no longer
        (D(2025, 3, 10), None, D(2025, 7, 2), True),  # ended in the quarter
        (D(2025, 3, 10), None, None, True),  # repeated each quarter while waiting
    ],
)
def test_reported_in_quarter_three_of_2025(decided_on, executed_on, ended_on, reported):
    start, end = rules.quarter_bounds(2025, 3)
    assert (
        rules.reported_in_quarter(
            decided_on=decided_on, executed_on=executed_on, ended_on=ended_on, start=start, end=end
        )
        is reported
    )


@pytest.mark.django_db
def test_an_insats_on_a_bistand_case_cannot_start_before_a_granting_beslut(handler, case, new_law, manager):
    assert not rules.insats_start_allowed(case, D(2025, 9, 20))
    services.decision_record(
        actor=manager,
        case=case,
        outcome="avslag",
        lagrum=new_law,
        applied_for="SKK",
        granted="",
        reasoning="Nej.",
        decided_on=D(2025, 9, 5),
    )
    assert not rules.insats_start_allowed(case, D(2025, 9, 20))  # an avslag starts nothing
    services.decision_record(
        actor=handler,
        case=case,
        outcome="bifall",
        lagrum=new_law,
        applied_for="SKK",
        granted="SKK",
        reasoning="Ja.",
        decided_on=D(2025, 9, 10),
        period_from=D(2025, 9, 15),
    )
    assert not rules.insats_start_allowed(case, D(2025, 9, 9))
    assert not rules.insats_start_allowed(case, D(2025, 9, 14))  # the period has not begun
    assert rules.insats_start_allowed(case, D(2025, 9, 15))
    with pytest.raises(ValidationError) as error:
        rules.insats_start_check(case=case, on_date=D(2025, 9, 12), field="started_on")
    assert "före beslutet" in error.value.message_dict["started_on"][0]


@pytest.mark.django_db
def test_a_service_case_needs_no_beslut(handler):
    assert rules.insats_start_allowed(CaseFactory(handler=handler, basis="service"), D(2025, 3, 2))
