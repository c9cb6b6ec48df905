"""Writes of the akt: documents received (document_add) and documents given out (aktbilaga_record).

Both store the file through Django's storage API under a random name, write the row and its change-history
row in one transaction, and remove the stored file again when the row is not written (nothing half-saved).
"""

import datetime
import hashlib
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Person
from core.history import change_record
from core.models import ChangeAction, User
from documents.content import detect_content_type
from documents.models import Aktbilaga, AktbilagaKind, Document, DocumentKind
from documents.scanning import ScanUnavailable, scan_bytes

MAX_NAME_LENGTH = 200


def _checked_name(name: str) -> str:
    """The uploaded file's own name, refused when it carries a path or control characters."""
    if not name or not name.strip():
        raise ValidationError({"file": _("Filen saknar namn.")})
    if "/" in name or "\\" in name or name.strip() in {".", ".."} or os.path.basename(name) != name:
        raise ValidationError({"file": _("Filnamnet får inte innehålla en sökväg (/ eller \\).")})
    if any(not char.isprintable() for char in name):
        raise ValidationError({"file": _("Filnamnet innehåller otillåtna tecken.")})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError({"file": _("Filnamnet är för långt (högst %(max)s tecken).") % {"max": MAX_NAME_LENGTH}})
    return name.strip()


def _checked_content(upload: File) -> tuple[bytes, str]:
    """The file's bytes and its content type, after the size, type and virus checks (Swedish messages)."""
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {"file": _("Filen är för stor. Största tillåtna storlek är %(max)s.") % {"max": filesizeformat(limit)}}
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if not content:
        raise ValidationError({"file": _("Filen är tom.")})
    if len(content) > limit:
        raise ValidationError(
            {"file": _("Filen är för stor. Största tillåtna storlek är %(max)s.") % {"max": filesizeformat(limit)}}
        )
    content_type = detect_content_type(content)
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "Filtypen tas inte emot. Tillåtna är PDF, JPEG, PNG, Word (docx), Excel (xlsx), "
                    "OpenDocument-text (odt) och vanlig text."
                )
            }
        )
    try:
        result = scan_bytes(content)
    except ScanUnavailable as error:
        raise ValidationError(
            {"file": _("Virusskanningen svarar inte just nu, så filen togs inte emot. Försök igen senare.")}
        ) from error
    if not result.clean:
        raise ValidationError(
            {
                "file": _("Filen innehåller skadlig kod (%(signature)s) och togs inte emot.")
                % {"signature": result.signature}
            }
        )
    return content, content_type


def _save_with_file(instance, content: bytes, write) -> None:
    """Store the file, then run `write` (the row and its history); the file goes again if `write` fails."""
    instance.file.save("upload", ContentFile(content), save=False)
    try:
        write()
    except BaseException:
        instance.file.delete(save=False)
        raise


@transaction.atomic
def document_add(
    *,
    actor: User,
    person: Person,
    case: Case | None,
    kind: DocumentKind,
    document_date: datetime.date,
    received_from: str,
    description: str,
    upload: File,
) -> Document:
    """Attach a received document to a case (or, with case=None, to the person). The caller has fetched the case
    or person through its selector (permission applied). The type comes from the content; a file that is empty,
    too large, of another type, infected, or named with a path is refused with a Swedish message and nothing is
    stored."""
    if case is not None and case.person_id != person.pk:
        raise ValidationError(_("Ärendet gäller en annan person."))
    if not kind.active:
        raise ValidationError({"kind": _("Dokumenttypen används inte längre.")})
    if document_date > timezone.localdate():
        raise ValidationError({"document_date": _("Datumet kan inte ligga i framtiden.")})
    name = _checked_name(upload.name or "")
    content, content_type = _checked_content(upload)
    document = Document(
        person=person,
        case=case,
        kind=kind,
        document_date=document_date,
        received_from=received_from.strip(),
        description=description.strip(),
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )

    def write():
        document.save()
        change_record(actor=actor, instance=document, action=ChangeAction.CREATE)

    _save_with_file(document, content, write)
    return document


def _next_number(*, person: Person, case: Case | None) -> int:
    """The next aktbilaga number of the case (or of the person's own series), under a lock of that row so two
    documents given out at the same moment never get the same number (the unique constraints are the backstop)."""
    if case is not None:
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
        taken = Aktbilaga.objects.filter(case=case)
    else:
        Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).get()
        taken = Aktbilaga.objects.filter(person=person, case__isnull=True)
    return (taken.aggregate(last=Max("number"))["last"] or 0) + 1


def _recipient_text(utlamnande) -> str:
    if utlamnande is None:
        return ""
    name = utlamnande.recipient.name
    return f"{name} ({utlamnande.recipient_detail})" if utlamnande.recipient_detail else name


@transaction.atomic
def aktbilaga_record(
    *,
    actor: User,
    case: Case | None,
    kind: AktbilagaKind | str,
    filename: str,
    content: bytes,
    utlamnande=None,
    person: Person | None = None,
    content_type: str = "application/pdf",
) -> Aktbilaga:
    """Keep a document the product gives out as the exact bytes given, numbered in the case's series (or, for a
    document about a person outside any case, case=None and person=..., in the person's series), with its
    SHA-256, who produced it and the utlämnande (consent.Disclosure) it was sent under. The caller has fetched
    the case or person through its selector; `filename` names no person (a case number at most)."""
    if case is not None:
        person = case.person
    if person is None:
        raise ValueError("aktbilaga_record needs a case or a person")
    if utlamnande is not None and utlamnande.person_id != person.pk:
        raise ValidationError(_("Utlämnandet gäller en annan person."))
    if not content:
        raise ValidationError(_("Dokumentet är tomt."))
    name = _checked_name(filename)
    aktbilaga = Aktbilaga(
        person=person,
        case=case,
        number=_next_number(person=person, case=case),
        kind=AktbilagaKind(kind),
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        disclosure_pk=utlamnande.pk if utlamnande is not None else None,
        sent_to=_recipient_text(utlamnande),
        produced_by=actor,
    )

    def write():
        aktbilaga.save()
        change_record(actor=actor, instance=aktbilaga, action=ChangeAction.CREATE)

    _save_with_file(aktbilaga, content, write)
    return aktbilaga
