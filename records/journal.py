"""Journalutskrift: a case's journal for a chosen period as a document a person can read (aktinsyn, a court).

Signed entries in date order with each correction beside what it corrects, the documents of the akt, and the
case's events (insats, consent, utlämnanden, documents — and beslut once cases records them) gathered from
the case page's parts (cases.case_page), so an app that adds events to the case page adds them here too.
Names of people, never ids; the young person's identity as the viewer may see it (masked otherwise).
"""

import datetime
from dataclasses import dataclass, field
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone

from cases.case_page import TimelineEvent, case_page_parts
from cases.models import Case, JournalEntry
from cases.selectors import case_get_for_user, case_timeline_entries
from core.access_log import Seen, access_log_record
from core.models import AccessAction, User
from documents.models import Aktbilaga, Document
from documents.selectors import case_akt


@dataclass
class JournalPrintEntry:
    entry: JournalEntry
    corrects: JournalEntry | None  # the entry this one corrects (shown with it)
    corrected_by: list[JournalEntry] = field(default_factory=list)


@dataclass
class JournalPrint:
    case: Case
    since: datetime.date
    until: datetime.date
    entries: list[JournalPrintEntry]
    events: list[TimelineEvent]
    documents: list[Document]
    aktbilagor: list[Aktbilaga]
    generated_at: datetime.datetime

    @property
    def filename(self) -> str:
        """The PDF's name: the case number and the period, never a person's name."""
        return f"journal-{self.case.number}-{self.since:%Y%m%d}-{self.until:%Y%m%d}.pdf"


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def case_journal_print(
    *, user: User, case_id: UUID, since: datetime.date, until: datetime.date, request: HttpRequest | None
) -> JournalPrint:
    """The journal of a visible case (else 404; needs cases.view_journalentry) for [since, until], logged as a
    print of the person's data."""
    if not user.has_perm("cases.view_journalentry"):
        raise Http404
    case = case_get_for_user(user=user, case_id=case_id, request=request, log=False)
    access_log_record(
        user=user,
        request=request,
        action=AccessAction.PRINT,
        what="journalutskrift",
        seen=[
            Seen(
                person_id=case.person_id,
                case_id=case.pk,
                protected_identity=case.person.is_protected and case.person.identity_visible,
            )
        ],
    )
    all_entries = case_timeline_entries(case)
    entries = [
        JournalPrintEntry(
            entry=entry,
            corrects=entry.corrected_entry,
            corrected_by=[c for c in entry.correction_list if c.is_signed],
        )
        for entry in sorted(all_entries, key=lambda e: (e.occurred_on, e.signed_at or e.created_at))
        if entry.is_signed and since <= entry.occurred_on <= until
    ]
    parts = case_page_parts(case=case, user=user, entries=all_entries)
    events = sorted((event for event in parts.events if since <= event.on <= until), key=lambda event: event.on)
    akt = parts.context.get("akt") or case_akt(case=case)
    return JournalPrint(
        case=case,
        since=since,
        until=until,
        entries=entries,
        events=events,
        documents=[d for d in akt.documents if since <= d.document_date <= until],
        aktbilagor=akt.aktbilagor,
        generated_at=timezone.now(),
    )
