"""Consent's part of the case page (cases.case_page): the consent summary and, in the timeline, every
consent given and every revocation (with the actors it withdrew)."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from cases.case_page import CasePagePart, TimelineEvent
from cases.models import Case, JournalEntry
from consent.selectors import consent_summary
from core.models import User


def consent_case_page_part(
    *, case: Case, user: User, entries: list[JournalEntry], loaded: dict[str, Any]
) -> CasePagePart:
    summary = consent_summary(person=case.person)
    events = []
    for consent in summary.all_consents:
        names = ", ".join(actor.name for actor in consent.actor_list)
        events.append(
            TimelineEvent(
                on=consent.given_on,
                text=_("Samtycke från %(who)s: %(actors)s.") % {"who": consent.giver, "actors": names},
            )
        )
        by_day = defaultdict(list)  # a consent revoked in steps: one event per day
        for actor in consent.actor_list:
            if actor.pk in consent.revoked_on:
                by_day[consent.revoked_on[actor.pk]].append(actor.name)
        for day, revoked in sorted(by_day.items()):
            still = [a for a in consent.actor_list if a.pk not in consent.revoked_on or consent.revoked_on[a.pk] > day]
            if not still:
                text = _("Samtycke från %(who)s återkallades: %(actors)s.")
            else:
                text = _("Samtycke från %(who)s återkallades för %(actors)s (gäller fortfarande för övriga aktörer).")
            events.append(TimelineEvent(on=day, text=text % {"who": consent.giver, "actors": ", ".join(revoked)}))
    return CasePagePart(
        context={"consent_summary": summary}, events=events, templates=["consent/partials/consent_summary.html"]
    )
