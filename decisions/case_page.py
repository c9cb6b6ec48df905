"""Decisions' part of the case page (cases.case_page): the beslut of a bistånd case with what may be done next,
and in the timeline each beslut, its verkställighet and its end (from the rows the panel loaded: no more queries)."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cases.case_page import CasePagePart, TimelineEvent
from cases.models import Basis, Case, JournalEntry
from core.models import User
from decisions.models import Decision
from decisions.selectors import case_decisions


@dataclass
class DecisionPanel:
    decisions: list[Decision]
    can_record: bool
    can_change: bool


def decision_events(decisions: list[Decision]) -> list[TimelineEvent]:
    events = []
    for decision in decisions:
        events.append(
            TimelineEvent(
                on=decision.decided_on,
                text=_("Beslut: %(outcome)s enligt %(section)s %(law)s, fattat av %(delegate)s.")
                % {
                    "outcome": decision.get_outcome_display().lower(),
                    "section": decision.lagrum.section,
                    "law": decision.lagrum.law,
                    "delegate": decision.delegate,
                },
            )
        )
        if decision.executed_on:
            events.append(TimelineEvent(on=decision.executed_on, text=_("Beslutet verkställdes: insatsen började.")))
        if decision.ended_on:
            events.append(
                TimelineEvent(
                    on=decision.ended_on,
                    text=_("Beslutet avslutades utan verkställighet: %(reason)s") % {"reason": decision.end_reason},
                )
            )
    return events


def decisions_case_page_part(
    *, case: Case, user: User, entries: list[JournalEntry], loaded: dict[str, Any]
) -> CasePagePart:
    """Only bistånd cases have beslut; a service case gets no panel and no query."""
    if case.basis != Basis.ASSISTANCE or not user.has_perm("decisions.view_decision"):
        return CasePagePart()
    decisions = case_decisions(case=case)
    panel = DecisionPanel(
        decisions=decisions,
        can_record=case.is_open and user.has_perm("decisions.add_decision"),
        can_change=user.has_perm("decisions.change_decision"),
    )
    return CasePagePart(
        context={"decision_panel": panel},
        events=decision_events(decisions),
        templates=["decisions/case_section.html"],
    )
