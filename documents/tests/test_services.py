import datetime
import hashlib
import io
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.models import ChangeAction, ChangeLog
from documents.content import DOCX, ODT, PDF, TEXT, XLSX, detect_content_type
from documents.models import Aktbilaga, AktbilagaKind, Document, DocumentKind
from documents.services import aktbilaga_record, document_add
from documents.tests.conftest import EICAR, stored_files
from tests.factories import CaseFactory, PersonFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ooxml(main_content_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/word/document.xml" ContentType="{main_content_type}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def test_the_type_comes_from_the_content_not_the_name():
    docx_main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    xlsx_main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    docm_main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert detect_content_type(PDF_BYTES) == PDF
    assert detect_content_type(_ooxml(docx_main)) == DOCX
    assert detect_content_type(_ooxml(xlsx_main)) == XLSX
    assert detect_content_type(_odt()) == ODT
    assert detect_content_type("Brev från skolan, 3 maj.\r\nMed vänlig hälsning".encode()) == TEXT
    assert detect_content_type("Åsa".encode("cp1252")) == TEXT
    # a macro-enabled Word file, a plain zip, an executable and a GIF are none of the accepted kinds
    assert detect_content_type(_ooxml(docm_main)) is None
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    assert detect_content_type(plain_zip.getvalue()) is None
    assert detect_content_type(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff") is None
    assert detect_content_type(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;") is None
    assert detect_content_type(b"text with a \x00 byte") is None


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler)


@pytest.fixture
def kind(db):
    return DocumentKind.objects.get(code="dom")


def _add(handler, case, upload, **extra):
    return document_add(
        actor=handler,
        person=case.person,
        case=case,
        kind=extra.pop("kind", None) or DocumentKind.objects.get(code="dom"),
        document_date=datetime.date(2026, 11, 2),
        received_from="Linköpings tingsrätt",
        description="Dom i mål B 123-26",
        upload=upload,
    )


@pytest.mark.django_db
def test_a_received_document_is_stored_under_a_random_name_with_its_history(handler, case, media_root):
    # given a PDF named after the young person
    upload = SimpleUploadedFile("dom Kalle Svensson.txt", PDF_BYTES, content_type="text/plain")
    # when it is attached to the case
    document = _add(handler, case, upload)
    # then its type is the content's, its bytes are kept exactly, and the stored name says nothing
    assert document.content_type == PDF
    assert document.original_name == "dom Kalle Svensson.txt"
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert "Kalle" not in document.file.name and document.file.name.startswith("dokument/")
    assert len(document.file.name.split("/")[-1]) == 32
    with document.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    history = ChangeLog.objects.get(object_type="documents.document", object_id=str(document.pk))
    assert history.action == ChangeAction.CREATE and history.actor == handler
    assert history.case_id == case.pk and history.person_id == case.person_id
    assert history.changes["received_from"] == [None, "Linköpings tingsrätt"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tom.pdf", b"", "Filen är tom."),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "Filtypen tas inte emot"),
        ("../../etc/passwd.pdf", PDF_BYTES, "sökväg"),
        ("C:\\Users\\dom.pdf", PDF_BYTES, "sökväg"),
        ("stor.pdf", PDF_BYTES + b"x" * 2000, "för stor"),
    ],
)
def test_a_refused_file_leaves_nothing_behind(handler, case, media_root, settings, name, content, message):
    settings.DOCUMENT_MAX_BYTES = 1000
    # a File keeps the name it is given (Django's own upload parser already cuts a path off a browser's name;
    # the service refuses one from any other caller)
    upload = ContentFile(content, name=name)
    with pytest.raises(ValidationError) as refused:
        _add(handler, case, upload)
    assert message in " ".join(refused.value.messages)
    assert not Document.objects.exists()
    assert not ChangeLog.objects.filter(object_type="documents.document").exists()
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_a_document_of_another_person_cannot_be_put_on_the_case(handler, case, media_root):
    other = PersonFactory(unit=handler.unit)
    with pytest.raises(ValidationError):
        document_add(
            actor=handler,
            person=other,
            case=case,
            kind=DocumentKind.objects.get(code="intyg"),
            document_date=datetime.date(2026, 11, 2),
            received_from="",
            description="",
            upload=SimpleUploadedFile("intyg.pdf", PDF_BYTES),
        )
    assert stored_files(media_root) == []


@pytest.mark.django_db
@pytest.mark.requires("clamd")
def test_clamd_refuses_an_infected_file_and_lets_a_clean_one_in(handler, case, media_root, settings, clamd_server):
    settings.CLAMD_HOST, settings.CLAMD_PORT = clamd_server
    with pytest.raises(ValidationError) as refused:
        _add(handler, case, SimpleUploadedFile("brev.txt", EICAR))
    assert "skadlig kod (Eicar-Test-Signature-Local.UNOFFICIAL)" in refused.value.messages[0]
    assert not Document.objects.exists() and stored_files(media_root) == []
    clean = _add(handler, case, SimpleUploadedFile("brev.txt", "Hej, här kommer intyget.".encode()))
    assert clean.content_type == TEXT


@pytest.mark.django_db
def test_an_upload_is_refused_when_clamd_is_configured_but_does_not_answer(handler, case, media_root, settings):
    settings.CLAMD_HOST, settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(ValidationError) as refused:
        _add(handler, case, SimpleUploadedFile("dom.pdf", PDF_BYTES))
    assert "Virusskanningen svarar inte" in refused.value.messages[0]
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_aktbilagor_are_numbered_per_case_and_keep_the_exact_file(handler, case, media_root):
    other_case = CaseFactory(handler=handler, person=case.person)
    first = aktbilaga_record(
        actor=handler, case=case, kind=AktbilagaKind.PLAN, filename="plan-1.pdf", content=PDF_BYTES
    )
    second = aktbilaga_record(
        actor=handler, case=case, kind=AktbilagaKind.LETTER, filename="brev.pdf", content=PDF_BYTES + b"2"
    )
    elsewhere = aktbilaga_record(
        actor=handler, case=other_case, kind=AktbilagaKind.PLAN, filename="plan.pdf", content=PDF_BYTES
    )
    own = aktbilaga_record(
        actor=handler,
        case=None,
        person=case.person,
        kind=AktbilagaKind.REGISTER_EXTRACT,
        filename="registerutdrag.pdf",
        content=PDF_BYTES,
    )
    assert [first.number, second.number, elsewhere.number, own.number] == [1, 2, 1, 1]
    assert second.sha256 == hashlib.sha256(PDF_BYTES + b"2").hexdigest() and second.produced_by == handler
    with second.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES + b"2"
    history = ChangeLog.objects.get(object_type="documents.aktbilaga", object_id=str(second.pk))
    assert history.case_id == case.pk and history.changes["number"] == [None, "2"]


@pytest.mark.django_db
@pytest.mark.requires("postgresql")
def test_an_aktbilaga_cannot_be_changed_afterwards(handler, case, media_root):
    from django.db import IntegrityError, transaction

    aktbilaga = aktbilaga_record(
        actor=handler, case=case, kind=AktbilagaKind.PLAN, filename="plan.pdf", content=PDF_BYTES
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Aktbilaga.objects.filter(pk=aktbilaga.pk).update(sha256="0" * 64)


@pytest.mark.django_db(transaction=True)
@pytest.mark.requires("postgresql")
def test_aktbilagor_given_out_at_the_same_moment_get_different_numbers(handler, media_root):
    case = CaseFactory(handler=handler)
    numbers, errors = [], []
    barrier = threading.Barrier(4)

    def give_out(index):
        try:
            barrier.wait()
            numbers.append(
                aktbilaga_record(
                    actor=handler,
                    case=case,
                    kind=AktbilagaKind.LETTER,
                    filename=f"brev-{index}.pdf",
                    content=PDF_BYTES,
                ).number
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=give_out, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4]


@pytest.mark.django_db
def test_a_future_date_or_a_retired_kind_is_refused(handler, case, media_root):
    retired = DocumentKind.objects.create(code="gammal", name="Gammal typ", active=False)
    for kind, date, field in (
        (DocumentKind.objects.get(code="dom"), datetime.date.today() + datetime.timedelta(days=2), "document_date"),
        (retired, datetime.date(2026, 1, 1), "kind"),
    ):
        with pytest.raises(ValidationError) as refused:
            document_add(
                actor=handler,
                person=case.person,
                case=case,
                kind=kind,
                document_date=date,
                received_from="",
                description="",
                upload=SimpleUploadedFile("dom.pdf", PDF_BYTES),
            )
        assert field in refused.value.message_dict
    assert stored_files(media_root) == []
