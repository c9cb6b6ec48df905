"""Every write service of decisions writes its change-history row (compared whole) in the same transaction."""

import datetime

import pytest

from core.models import ChangeAction
from decisions import services
from decisions.models import Decision
from documents.models import Aktbilaga
from tests.history import history_written, row, untested_write_services

NOT_AUDITED = {"delegation_rule_for", "delegation_check"}  # reads, no change

D = datetime.date


def test_every_write_service_has_an_audit_test():
    assert untested_write_services(services, globals(), not_audited=NOT_AUDITED) == set()


def _grant(actor, case, lagrum):
    return services.decision_record(
        actor=actor,
        case=case,
        outcome="bifall",
        lagrum=lagrum,
        applied_for="Kontaktperson",
        granted="SKK 10 timmar i månaden",
        reasoning="Behov finns.",
        decided_on=D(2025, 9, 10),
        period_from=D(2025, 9, 15),
        period_to=D(2026, 3, 15),
    )


@pytest.mark.django_db
def test_decision_record(handler, case, new_law):
    with history_written() as rows:
        decision = _grant(handler, case, new_law)
    changes = rows[0][-1]
    assert rows == [row(handler, decision, ChangeAction.CREATE, changes, case=case)]
    assert changes["outcome"] == [None, "bifall"]
    assert changes["delegate"] == [None, str(handler.pk)]
    assert changes["decided_on"] == [None, "2025-09-10"]


@pytest.mark.django_db
def test_decision_record_avslag_keeps_the_letters_checksum(manager, case, new_law):
    with history_written() as rows:
        decision = services.decision_record(
            actor=manager,
            case=case,
            outcome="avslag",
            lagrum=new_law,
            applied_for="Kontaktperson",
            granted="",
            reasoning="Behovet tillgodoses på annat sätt.",
            decided_on=D(2025, 9, 10),
        )
    # the letter given out is kept as an aktbilaga (its own history row), then the beslut names its checksum
    kept = Aktbilaga.objects.get(case=case)
    changes = rows[-1][-1]
    assert rows[-1] == row(manager, decision, ChangeAction.CREATE, changes, case=case)
    assert [entry[1] for entry in rows] == ["documents.aktbilaga", "decisions.decision"]
    assert changes[services.LETTER_CHECKSUM][1] == kept.sha256


@pytest.mark.django_db
def test_decision_execute(handler, case, new_law):
    decision = _grant(handler, case, new_law)
    with history_written() as rows:
        done = services.decision_execute(
            actor=handler, decision=decision, executed_on=D(2025, 9, 20), expected_version=1
        )
    assert rows == [row(handler, done, ChangeAction.UPDATE, {"executed_on": [None, "2025-09-20"]}, case=case)]


@pytest.mark.django_db
def test_decision_end(handler, case, new_law):
    decision = _grant(handler, case, new_law)
    with history_written() as rows:
        done = services.decision_end(
            actor=handler, decision=decision, ended_on=D(2025, 10, 1), end_reason="Tackade nej", expected_version=1
        )
    assert rows == [
        row(
            handler,
            done,
            ChangeAction.UPDATE,
            {"ended_on": [None, "2025-10-01"], "end_reason": ["", "Tackade nej"]},
            case=case,
        )
    ]


@pytest.mark.django_db
def test_decision_delay_reason_record(handler, case, new_law):
    decision = _grant(handler, case, new_law)
    with history_written() as rows:
        done = services.decision_delay_reason_record(
            actor=handler, decision=decision, delay_reason="Ingen kontaktperson ledig", expected_version=1
        )
    assert rows == [
        row(handler, done, ChangeAction.UPDATE, {"delay_reason": ["", "Ingen kontaktperson ledig"]}, case=case)
    ]
    assert Decision.objects.get().version == 2
