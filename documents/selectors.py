"""Reads of the akt. Permission comes from cases.selectors: a document or aktbilaga is visible with its case
(or, for one outside any case, with its person); anything else is a 404. A file is opened only by a user who
sees the person's identity (the file itself names them), and every opening is access-logged."""

import os
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from cases.models import Case, Person
from cases.selectors import case_queryset_for_user, mark_identity_visibility, person_queryset_for_user
from core.access_log import Seen, access_log_record
from core.models import AccessAction, User
from documents.content import EXTENSIONS
from documents.models import Aktbilaga, Document, DocumentKind


@dataclass
class CaseAkt:
    """The akt of one case: its documents (and the person's documents outside any case) and its aktbilagor."""

    documents: list[Document]
    aktbilagor: list[Aktbilaga]

    def kept_for(self, disclosure_pk: int) -> list[Aktbilaga]:
        """What was kept of an utlämnande (for its row on the case page), from the rows already loaded."""
        return [aktbilaga for aktbilaga in self.aktbilagor if aktbilaga.disclosure_pk == disclosure_pk]


def case_akt(*, case: Case) -> CaseAkt:
    """For a case already fetched (and access-logged) through case_get_for_user: two queries."""
    documents = list(
        Document.objects.filter(Q(case=case) | Q(person_id=case.person_id, case__isnull=True))
        .select_related("kind", "uploaded_by")
        .order_by("-document_date", "-uploaded_at")
    )
    aktbilagor = list(Aktbilaga.objects.filter(case=case).select_related("produced_by").order_by("number"))
    return CaseAkt(documents=documents, aktbilagor=aktbilagor)


def person_documents(*, person: Person) -> QuerySet[Document]:
    """Every document of a person already fetched through person_get_for_user (registerutdrag, person page)."""
    return Document.objects.filter(person=person).select_related("kind", "case").order_by("-document_date")


def document_kinds() -> QuerySet[DocumentKind]:
    return DocumentKind.objects.filter(active=True)


def _visible(queryset, user: User):
    cases = case_queryset_for_user(user)
    people = person_queryset_for_user(user)
    return queryset.filter(
        Q(case__isnull=False, case__in=cases) | Q(case__isnull=True, person__in=people)
    ).select_related("person", "case")


def _opened(user: User, row, request: HttpRequest | None, what: str):
    if row is None:
        raise Http404
    mark_identity_visibility(user, [row.person])
    if not row.person.shows_identity:
        # the file names the person: a viewer who sees the identity masked cannot open it
        raise PermissionDenied(_("Handlingen kan inte öppnas eftersom personen har skyddade personuppgifter."))
    access_log_record(
        user=user,
        request=request,
        action=AccessAction.VIEW,
        what=what,
        seen=[Seen(person_id=row.person_id, case_id=row.case_id, protected_identity=row.person.is_protected)],
    )
    return row


def document_open_for_user(*, user: User, document_id: UUID, request: HttpRequest | None = None) -> Document:
    """A document received, for download: visible with its case or person (404), identity shown (403); logged."""
    return _opened(user, _visible(Document.objects, user).filter(pk=document_id).first(), request, "dokument")


def aktbilaga_open_for_user(*, user: User, aktbilaga_id: UUID, request: HttpRequest | None = None) -> Aktbilaga:
    """An aktbilaga, for download: visible with its case or person (404), identity shown (403); logged."""
    return _opened(user, _visible(Aktbilaga.objects, user).filter(pk=aktbilaga_id).first(), request, "aktbilaga")


def aktbilaga_for_disclosure(*, disclosure, kind: str) -> Aktbilaga | None:
    """The document kept when this was given out under this utlämnande (the exact file sent), if any."""
    return (
        Aktbilaga.objects.filter(person_id=disclosure.person_id, disclosure_pk=disclosure.pk, kind=kind)
        .order_by("number")
        .first()
    )


def document_download_name(document: Document) -> str:
    """The name a downloaded copy gets: the uploaded name's stem with the extension of the detected type."""
    stem = os.path.splitext(document.original_name)[0] or "dokument"
    return f"{stem}{EXTENSIONS.get(document.content_type, '')}"


def aktbilaga_content(aktbilaga: Aktbilaga) -> bytes:
    """The kept bytes of an aktbilaga the caller has reached through a permission-checked, logged read."""
    with aktbilaga.file.open("rb") as stored:
        return stored.read()
