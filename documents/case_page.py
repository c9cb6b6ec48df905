"""Documents' part of the case page (cases.case_page): the akt's documents received and aktbilagor given out,
and, in the timeline, each document received (on its date) and each aktbilaga (on the day it was produced)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.case_page import CasePagePart, TimelineEvent
from documents.selectors import case_akt


def documents_case_page_part(*, case, user, entries, loaded) -> CasePagePart:
    akt = case_akt(case=case)
    events = [
        TimelineEvent(
            on=document.document_date,
            text=_("Dokument inkom: %(kind)s%(source)s.")
            % {
                "kind": document.kind.name,
                "source": (_(" från %(who)s") % {"who": document.received_from}) if document.received_from else "",
            },
        )
        for document in akt.documents
    ]
    events += [
        TimelineEvent(
            on=timezone.localdate(aktbilaga.produced_at),
            text=_("Aktbilaga %(number)s upprättad: %(kind)s.")
            % {"number": aktbilaga.number, "kind": aktbilaga.get_kind_display()},
        )
        for aktbilaga in akt.aktbilagor
    ]
    return CasePagePart(context={"akt": akt}, events=events, templates=["documents/partials/case_section.html"])
