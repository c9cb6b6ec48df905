"""Gallring removes the akt with the rest of the person's file: the rows and the stored files."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Aktbilaga, AktbilagaKind, Document, DocumentKind
from documents.services import aktbilaga_record, document_add
from documents.tests.conftest import stored_files
from records.models import RecordType, RetentionAction, RetentionRule
from records.retention import retention_run
from records.tests.test_retention import AS_OF, backdate, make_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", [RetentionAction.ANONYMISE, RetentionAction.DELETE])
def test_gallring_removes_documents_and_aktbilagor_with_their_files(handler, media_root, action):
    rule = RetentionRule.objects.get(record_type=RecordType.PERSON_FILE)
    rule.action = action
    rule.save()
    last_entry = datetime.date(2018, 9, 1)
    person = make_file(handler, last_entry=last_entry)
    kept_person = make_file(handler, last_entry=datetime.date(2024, 9, 1))  # not due: its akt stays
    for owner in (person, kept_person):
        case = owner.cases.get()
        document_add(
            actor=handler,
            person=owner,
            case=case,
            kind=DocumentKind.objects.get(code="dom"),
            document_date=case.opened_on,
            received_from="Tingsrätten",
            description="Dom",
            upload=SimpleUploadedFile("dom.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        aktbilaga_record(actor=handler, case=case, kind=AktbilagaKind.LETTER, filename="brev.pdf", content=b"%PDF")
    backdate(person, last_entry)
    backdate(kept_person, datetime.date(2024, 9, 1))
    assert len(stored_files(media_root)) == 4

    retention_run(as_of=AS_OF, dry_run=False)

    assert not Document.objects.filter(person=person).exists()
    assert not Aktbilaga.objects.filter(person=person).exists()
    remaining = {path.name for path in stored_files(media_root)}
    kept_names = {row.file.name.split("/")[-1] for model in (Document, Aktbilaga) for row in model.objects.all()}
    assert remaining == kept_names and len(remaining) == 2
