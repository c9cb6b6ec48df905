"""The import takes odd files without a server error or an exhausted worker (issue 25.7) and is usable by a
person (19.13): handläggare by name, a template file, the created cases listed, repeated rows reported."""

import contextlib
import datetime
import io
import re
import resource
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cases.importer import MAX_ROWS, ImportFileError, cases_import
from cases.models import Case
from cases.tests.test_importer import ELIN, HEADER, OMAR, csv_file, upload
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

ROW = "{number};Elin;Testsson;;Medling;2025-02-03;Polis;Service;{handler};;;"


@pytest.fixture
def districts(unit):
    return DistrictFactory(municipality=unit.provider.municipality, name="Skäggetorp")


@contextlib.contextmanager
def memory_ceiling(extra_mb: int):
    """Let this process grow by at most `extra_mb` while the block runs (a worker's memory bound): reading a
    hostile file beyond that fails with MemoryError instead of taking the machine's memory."""
    with open("/proc/self/status") as status:
        match = re.search(r"VmSize:\s+(\d+) kB", status.read())
    assert match is not None
    size_kb = int(match[1])
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, ((size_kb * 1024) + extra_mb * 1024 * 1024, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def hand_made_xlsx(rows, *, dimension: str | None = None) -> bytes:
    """A minimal .xlsx written part by part, its sheet streamed from `rows` ((row number, [cell texts])): a file
    of a million rows is made in seconds, and its <dimension> can claim anything."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">'
            )
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for number, cells in rows:  # number None: no r attributes (optional; rows and cells are counted)
                xml = "".join(
                    f'<c{f" r={chr(34)}{chr(65 + i)}{number}{chr(34)}" if number else ""} t="inlineStr">'
                    f"<is><t>{text}</t></is></c>"
                    for i, text in enumerate(cells)
                )
                row = f'<row r="{number}">' if number else "<row>"
                sheet.write(f"{row}{xml}</row>".encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


TOO_MANY = r"Filen har fler än 10\\xa0000 rader"  # matched against the repr of the messages
AT_MOST = r"10\\xa0000 rader"
HEADER_CELLS = ["personnummer", "förnamn", "efternamn", "insats", "aktualiserad", "aktualiserad av", "grund"]
ELIN_CELLS = [ELIN, "Elin", "Testsson", "Medling", "2025-02-03", "Polis", "Service"]


# --- odd input (25.7) -----------------------------------------------------------------------------------


def test_an_xlsx_named_csv_is_read_as_excel(client, manager):
    workbook = Workbook()
    workbook.active.append(HEADER_CELLS)
    workbook.active.append(ELIN_CELLS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(manager)
    response = upload(client, buffer.getvalue(), name="arenden.csv")
    assert response.status_code == 200, response.content.decode()[:500]
    assert Case.objects.filter(person__id_number=ELIN).count() == 1


def test_a_csv_in_neither_utf8_nor_windows_1252_gets_a_message(client, manager):
    content = HEADER.encode("cp850") + b"\n" + ROW.format(number=ELIN, handler="").encode("cp850")
    content = content.replace(b"Testsson", b"Test\x81\x8fsson")  # CP850 ü and Å: not in Windows-1252
    client.force_login(manager)
    response = upload(client, content)
    assert response.status_code == 400
    assert "teckenkodning" in response.content.decode()
    with pytest.raises(ImportFileError, match="UTF-8"):
        cases_import(actor=manager, content=content, filename="arenden.csv")


def test_a_binary_file_named_csv_gets_a_message(client, manager):
    client.force_login(manager)
    response = upload(client, b"personnummer;insats\x00\x00\x01\x02" * 10)
    assert response.status_code == 400 and "Filen" in response.content.decode()


def test_a_sheet_that_declares_a_million_rows_and_every_column_is_read_as_it_is(manager):
    # 1.7 KB that claims A1:XFD1048576: reading it must not fill in what it claims
    bomb = hand_made_xlsx([(1, HEADER_CELLS), (2, ELIN_CELLS)], dimension="A1:XFD1048576")
    assert len(bomb) < 3000
    with memory_ceiling(300):
        result = cases_import(actor=manager, content=bomb, filename="bomb.xlsx")
    assert result.committed and result.cases_created == 1


def test_a_dimension_bomb_is_refused_while_reading_within_a_memory_bound(manager):
    # under 2 KB: claims every row and column and has a cell in the last row, so the rows between are "there"
    far = hand_made_xlsx([(1, HEADER_CELLS), (2, ELIN_CELLS), (1_048_576, ELIN_CELLS)], dimension="A1:XFD1048576")
    assert len(far) < 2000
    with memory_ceiling(300), pytest.raises(ImportFileError, match=TOO_MANY):
        cases_import(actor=manager, content=far, filename="far.xlsx")


def test_a_million_rows_are_refused_without_reading_them_all(manager):
    rows = ((None, ELIN_CELLS) for _ in range(1_000_000))
    big = hand_made_xlsx(_chain([(1, HEADER_CELLS)], rows))
    assert len(big) < 10 * 1024 * 1024  # under the upload limit: the rows are what counts
    with memory_ceiling(300), pytest.raises(ImportFileError, match=AT_MOST):
        cases_import(actor=manager, content=big, filename="big.xlsx")


def _chain(first, rest):
    yield from first
    yield from rest


def test_rows_past_the_limit_are_counted_while_reading(manager):
    rows = [(n, ELIN_CELLS) for n in range(2, MAX_ROWS + 3)]
    with pytest.raises(ImportFileError, match=TOO_MANY):
        cases_import(actor=manager, content=hand_made_xlsx([(1, HEADER_CELLS), *rows]), filename="x.xlsx")


# --- a person can use it (19.13) --------------------------------------------------------------------------


def test_handlaggare_by_name_or_username(manager, handler, unit):
    content = csv_file(
        ROW.format(number=ELIN, handler="Hanna Handläggare"),
        ROW.format(number=OMAR, handler="handläggare, hanna").replace("2025-02-03", "2025-02-04"),
    )
    result = cases_import(actor=manager, content=content, filename="arenden.csv")
    assert result.committed, [str(error) for error in result.errors]
    assert set(Case.objects.values_list("handler__username", flat=True)) == {"handler"}


def test_two_handlaggare_of_the_same_name_need_the_username(manager, handler, unit):
    UserFactory(username="hanna2", first_name="Hanna", last_name="Handläggare", unit=unit)
    content = csv_file(ROW.format(number=ELIN, handler="Hanna Handläggare"))
    result = cases_import(actor=manager, content=content, filename="arenden.csv")
    assert not result.committed
    assert [str(error) for error in result.errors] == [
        "Rad 2, handläggare: Flera handläggare på enheten heter så. Ange användarnamnet."
    ]
    again = cases_import(
        actor=manager, content=csv_file(ROW.format(number=ELIN, handler="hanna2")), filename="arenden.csv"
    )
    assert again.committed and Case.objects.get().handler.username == "hanna2"


def test_rows_repeated_within_one_file_are_reported_as_such(manager):
    content = csv_file(
        ROW.format(number=ELIN, handler=""),
        ROW.format(number=OMAR, handler=""),
        ROW.format(number=ELIN, handler=""),
        f"{OMAR};Omar;Exempel;;Medling;2025-03-01;Polis;Service;;2024-0153;;",
        f"{OMAR};Omar;Exempel;;Medling;2025-04-01;Polis;Service;;2024-0153;;",
    )
    result = cases_import(actor=manager, content=content, filename="arenden.csv")
    assert not result.committed and Case.objects.count() == 0
    assert [str(error) for error in result.errors] == [
        "Rad 4: Raden upprepar rad 2 i filen (samma personnummer, insats och aktualiseringsdatum). "
        "Ta bort den ena raden.",
        "Rad 6, ärendenummer: Ärendenumret finns redan på rad 5 i filen. Ta bort den ena raden.",
    ]


def test_the_template_lists_the_accepted_values_and_imports_once_filled_in(client, manager, handler, districts):
    client.force_login(manager)
    page = client.get(reverse("cases_import")).content.decode()
    assert reverse("cases_import_template") in page
    response = client.get(reverse("cases_import_template"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, values = workbook["Ärenden"], workbook["Giltiga värden"]
    header = [cell.value for cell in sheet[1]]
    accepted = {column[0].value: [cell.value for cell in column[1:] if cell.value] for column in values.iter_cols()}
    assert "Ungdomstjänst" in accepted["Insats"] and "Skäggetorp" in accepted["Område"]
    assert "Bistånd (beslut enligt SoL)" in accepted["Grund"] and "Polis" in accepted["Aktualiserad av"]
    assert "Hanna Handläggare (handler)" in accepted["Handläggare"]
    assert sheet.data_validations.dataValidation  # drop-down lists in the import sheet

    # filled in with values from the lists, the template imports
    filled = dict.fromkeys(header, None) | {
        "Personnummer": ELIN,
        "Förnamn": "Elin",
        "Efternamn": "Testsson",
        "Område": accepted["Område"][0],
        "Insats": "Ungdomstjänst",
        "Aktualiserad": "2025-02-03",
        "Aktualiserad av": "Polis",
        "Grund": "Bistånd (beslut enligt SoL)",
        "Handläggare": "Hanna Handläggare (handler)",
    }
    sheet.append([filled[name] for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = cases_import(actor=manager, content=buffer.getvalue(), filename="mall.xlsx")
    assert result.committed, [str(error) for error in result.errors]
    assert Case.objects.get().handler == handler


def test_template_is_404_for_others(client, handler, outsider, stats_client):
    for user in (handler, outsider, stats_client):
        client.force_login(user)
        assert client.get(reverse("cases_import_template")).status_code == 404


def test_the_created_cases_are_listed_after_the_import(client, manager):
    client.force_login(manager)
    content = csv_file(
        ROW.format(number=ELIN, handler=""),
        f"{OMAR};Omar;Exempel;;Medling;2025-03-01;Polis;Service;;2024-0153;;",
    )
    checked = upload(client, content, dry_run=True).content.decode()
    assert "Ärenden som skapas vid import" in checked and "2024-0153" in checked
    html = upload(client, content).content.decode()
    assert "Skapade ärenden" in html
    for case in Case.objects.all():
        assert reverse("case_detail", kwargs={"case_id": case.pk}) in html and case.number in html
    assert Case.objects.count() == 2
    assert datetime.date(2025, 2, 3).isoformat() in html or "3 feb" in html
