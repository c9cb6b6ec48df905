"""Interventions' part of the case page (cases.case_page): the insats panel (details, plans, utlämnanden)
and, in the timeline, what happened in the insats — ungdomstjänst hours and its end, medling meetings,
start and end — and every utlämnande. The events come from the rows the panel has loaded: no queries."""

from django.utils.translation import gettext as _

from cases.case_page import CasePagePart, TimelineEvent
from core import formats
from interventions.models import CommunityServiceStatus
from interventions.selectors import CaseInsatsPanel, case_insats_panel


def insats_events(panel: CaseInsatsPanel) -> list[TimelineEvent]:
    """Timeline events of the insats of a loaded panel (Swedish; names of parties are left out)."""
    events = []
    order = panel.community_service
    if order is not None:
        for session in order.sessions.all():
            events.append(
                TimelineEvent(
                    on=session.performed_on,
                    text=_("Ungdomstjänst: %(hours)s timmar utförda på %(workplace)s.")
                    % {"hours": formats.quantity(session.hours), "workplace": session.workplace.name},
                )
            )
        if order.ended_on:
            if order.status == CommunityServiceStatus.COMPLETED:
                text = _("Ungdomstjänsten är fullgjord (%(hours)s av %(ordered)s timmar).") % {
                    "hours": formats.quantity(panel.performed_hours),
                    "ordered": formats.quantity(order.ordered_hours),
                }
            else:
                text = _("Ungdomstjänsten avbröts (%(hours)s av %(ordered)s timmar utförda).") % {
                    "hours": formats.quantity(panel.performed_hours),
                    "ordered": formats.quantity(order.ordered_hours),
                }
            events.append(TimelineEvent(on=order.ended_on, text=text))
    mediation = panel.mediation
    if mediation is not None:
        if mediation.started_on:
            events.append(TimelineEvent(on=mediation.started_on, text=_("Medlingen påbörjades.")))
        for meeting in mediation.meetings.all():
            events.append(
                TimelineEvent(on=meeting.held_on, text=_("Medling: %(kind)s.") % {"kind": meeting.get_kind_display()})
            )
        if mediation.ended_on:
            events.append(
                TimelineEvent(
                    on=mediation.ended_on,
                    text=_("Medlingen avslutades: %(outcome)s.") % {"outcome": mediation.get_outcome_display()},
                )
            )
    for disclosure in panel.disclosures:
        events.append(
            TimelineEvent(
                on=disclosure.disclosed_on,
                text=_("Utlämnande till %(recipient)s: %(what)s")
                % {"recipient": disclosure.recipient.name, "what": disclosure.what_sent},
            )
        )
    return events


def interventions_case_page_part(*, case, user, entries, loaded) -> CasePagePart:
    """Decides the plans' consent flags with the consent state consent's part has loaded (when there)."""
    state = getattr(loaded.get("consent_summary"), "state", None)
    panel = case_insats_panel(case=case, on=state.on if state else None, consent_state=state, journal_entries=entries)
    return CasePagePart(
        context={"insats_panel": panel}, events=insats_events(panel), templates=["interventions/case_section.html"]
    )
