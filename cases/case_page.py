"""What the apps above cases add to the case page, without cases importing them (layering: cases → core).

An app registers a *part* in its AppConfig.ready (`case_page_part(func)`). The case view calls every part
in registration order, which is INSTALLED_APPS order (consent before interventions), so a part may use
what an earlier one loaded (`loaded`, the template variables added so far): the plans of interventions
decide their consent flags with the consent state consent has already read, and nothing is read twice.

A part returns its own templates (included by the case page in registration order, after the case facts),
the template variables they read, and its events for the case timeline (consents given and revoked; hours,
completion and meetings of an insats; utlämnanden).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cases.models import Case, JournalEntry
from core.models import User


@dataclass
class TimelineEvent:
    """A day-level fact about the case, shown between the journal entries (Swedish text, no personnummer)."""

    on: datetime.date
    text: str


@dataclass
class CasePagePart:
    context: dict[str, Any] = field(default_factory=dict)
    events: list[TimelineEvent] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)


# part(*, case, user, entries, loaded) -> CasePagePart; `entries`: the journal entries of the timeline
CasePagePartFunction = Callable[..., CasePagePart]
_PARTS: list[CasePagePartFunction] = []


def case_page_part(part: CasePagePartFunction) -> CasePagePartFunction:
    """Register a part (idempotent, so a second ready() in tests adds nothing)."""
    if part not in _PARTS:
        _PARTS.append(part)
    return part


def case_page_parts(*, case: Case, user: User, entries: list[JournalEntry]) -> CasePagePart:
    """Every registered part for a case already fetched (and access-logged) through case_get_for_user."""
    page = CasePagePart()
    for part in _PARTS:
        added = part(case=case, user=user, entries=entries, loaded=page.context)
        page.context.update(added.context)
        page.events.extend(added.events)
        page.templates.extend(added.templates)
    return page
