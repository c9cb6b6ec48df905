"""Spreadsheet import: every row validated, Swedish errors per row, all or nothing, no duplicates on re-import."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from cases import services
from cases.importer import ImportFileError, cases_import
from cases.models import Case, Person
from tests.factories import DistrictFactory, PersonFactory, personnummer_for

pytestmark = pytest.mark.django_db

ELIN = personnummer_for(datetime.date(2009, 4, 12), 11)  # 16 in 2025
OMAR = personnummer_for(datetime.date(2008, 10, 2), 22)
HEADER = (
    "Personnummer;Förnamn;Efternamn;Område;Insats;Aktualiserad;Aktualiserad av;Grund;Handläggare;"
    "Ärendenummer;Avslutad;Avslutsorsak"
)


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8-sig")


@pytest.fixture
def districts(unit):
    return DistrictFactory(municipality=unit.provider.municipality, name="Skäggetorp")


@pytest.fixture
def good_file(districts, handler):
    return csv_file(
        f"{ELIN[:8]}-{ELIN[8:]};Elin;Testsson;Skäggetorp;Ungdomstjänst;2025-02-03;Polis;Bistånd;handler;2024-0153;;",
        f"{ELIN};Elin;Testsson;Skäggetorp;medling;2025-03-10;polis;service;;;2025-05-01;Planerat avslut",
        f"{OMAR[2:8]}-{OMAR[8:]};Omar;Exempel;;Stöd till unga brottsutsatta;2025-01-15;Skola;Service;handler;;;",
    )


def test_a_valid_file_imports_people_and_cases(manager, handler, good_file):
    result = cases_import(actor=manager, content=good_file, filename="arenden.csv")

    assert result.ok and result.committed
    assert (result.rows, result.people_created, result.cases_created) == (3, 2, 3)
    elin = Person.objects.get(id_number=ELIN)
    assert elin.district.name == "Skäggetorp" and elin.unit == manager.unit
    kept_number = Case.objects.get(number="2024-0153")
    assert kept_number.person == elin and kept_number.handler == handler and kept_number.basis == "bistand"
    closed = Case.objects.get(person=elin, insats_type__code="medling")
    assert closed.closed_on == datetime.date(2025, 5, 1) and closed.closure_reason == "planerat"
    assert closed.handler == manager  # empty handläggare: the importing user
    # an imported number is never handed out again
    person = PersonFactory(unit=handler.unit)
    later = services.case_open(
        actor=handler,
        person=person,
        insats_type=kept_number.insats_type,
        unit=handler.unit,
        handler=handler,
        referral_source="polis",
        basis="bistand",
        opened_on=datetime.date(2024, 6, 1),
    )
    assert later.number == "2024-0154"


def test_importing_the_same_file_twice_creates_no_duplicates(manager, good_file):
    cases_import(actor=manager, content=good_file, filename="arenden.csv")
    again = cases_import(actor=manager, content=good_file, filename="arenden.csv")

    assert again.ok and again.committed
    assert (again.people_created, again.cases_created) == (0, 0)
    assert (again.people_existing, again.cases_existing) == (3, 3)
    assert Person.objects.count() == 2 and Case.objects.count() == 3


def test_xlsx_with_date_cells_and_numeric_personnummer(manager, districts):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["personnummer", "förnamn", "efternamn", "insats", "aktualiserad", "aktualiserad av", "grund"])
    sheet.append([int(ELIN), "Elin", "Testsson", "ungdomstjanst", datetime.datetime(2025, 2, 3), "Polis", "bistand"])
    sheet.append([None, None, None, None, None, None, None])  # blank rows are skipped
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = cases_import(actor=manager, content=buffer.getvalue(), filename="Ärenden.XLSX")

    assert result.ok and result.cases_created == 1
    assert Case.objects.get().opened_on == datetime.date(2025, 2, 3)


def test_every_bad_row_is_reported_in_swedish_and_nothing_is_saved(manager, districts):
    content = csv_file(
        f"{ELIN};Elin;Testsson;Skäggetorp;Ungdomstjänst;2025-02-03;Polis;Bistånd;;;;",  # fine on its own
        "20090412-1235;Per;Fel;;Ungdomstjänst;2025-02-03;Polis;Bistånd;;;;",  # bad check digit
        f"{OMAR};Omar;Exempel;Narnia;Ridskola;3 feb;Polis;Bistånd;okänd;;;",  # four problems
        f"{OMAR};Omar;Exempel;;Medling;2025-02-03;Polis;Bistånd;;;2025-03-01;",  # closed without reason
    )

    result = cases_import(actor=manager, content=content, filename="arenden.csv")

    assert not result.committed
    assert Person.objects.count() == 0 and Case.objects.count() == 0
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append(str(error))
    assert set(by_row) == {3, 4, 5}
    assert by_row[3] == ["Rad 3, personnummer: Kontrollsiffran stämmer inte. Kontrollera numret."]
    assert len(by_row[4]) == 4
    assert any("Okänt område" in message for message in by_row[4])
    assert any("Okänd insats" in message for message in by_row[4])
    assert any("ÅÅÅÅ-MM-DD" in message for message in by_row[4])
    assert any("handläggare" in message for message in by_row[4])
    assert by_row[5] == ["Rad 5, avslutsorsak: Ange avslutsorsak för ett avslutat ärende."]
    # no personnummer in any message (they may be logged)
    assert not any(ELIN in str(e) or OMAR in str(e) or "1235" in str(e) for e in result.errors)


def test_rules_of_the_services_apply_per_row_and_roll_back_everything(manager, districts):
    young = personnummer_for(datetime.date(2014, 1, 20), 5)  # 11 years old: too young for ungdomstjänst
    content = csv_file(
        f"{ELIN};Elin;Testsson;;Medling;2025-02-03;Polis;Bistånd;;;;",
        f"{young};Lo;Yngre;;Ungdomstjänst;2025-02-03;Polis;Bistånd;;;;",
    )

    result = cases_import(actor=manager, content=content, filename="arenden.csv")

    assert not result.committed
    assert [error.row for error in result.errors] == [3]
    assert "Ungdomstjänst är för personer 15–21 år" in result.errors[0].message
    assert result.errors[0].column == "insats"
    assert Person.objects.count() == 0 and Case.objects.count() == 0


def test_dry_run_checks_without_saving(manager, good_file):
    result = cases_import(actor=manager, content=good_file, filename="arenden.csv", dry_run=True)
    assert result.ok and not result.committed and result.cases_created == 3
    assert Case.objects.count() == 0


def test_unreadable_files_are_refused_as_a_whole(manager):
    with pytest.raises(ImportFileError, match="Kolumner saknas"):
        cases_import(actor=manager, content=b"namn;datum\nElin;2025-01-01\n", filename="arenden.csv")
    with pytest.raises(ImportFileError, match="CSV eller Excel"):
        cases_import(actor=manager, content=b"x", filename="arenden.pdf")
    with pytest.raises(ImportFileError, match="Excel-fil"):
        cases_import(actor=manager, content=b"not a workbook", filename="arenden.xlsx")


def test_management_command(manager, good_file, tmp_path, capsys):
    path = tmp_path / "arenden.csv"
    path.write_bytes(good_file)

    call_command("import_cases", str(path), "--user", manager.username)

    assert "3 nya ärenden" in capsys.readouterr().out
    bad = tmp_path / "fel.csv"
    bad.write_bytes(csv_file("1234;A;B;;Medling;2025-02-03;Polis;Bistånd;;;;"))
    with pytest.raises(CommandError, match="ingenting har sparats"):
        call_command("import_cases", str(bad), "--user", manager.username)
    assert "Rad 2, personnummer" in capsys.readouterr().err


def upload(client, content, name="arenden.csv", dry_run=False):
    data = {"file": io.BytesIO(content)}
    data["file"].name = name
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("cases_import"), data)


def test_import_page_for_the_manager(client, manager, good_file):
    client.force_login(manager)
    assert client.get(reverse("cases_import")).status_code == 200

    checked = upload(client, good_file, dry_run=True)
    assert checked.status_code == 200
    assert "Filen är kontrollerad" in checked.content.decode()
    assert Case.objects.count() == 0

    imported = upload(client, good_file)
    assert imported.status_code == 200
    assert "Importen är klar" in imported.content.decode()
    assert Case.objects.count() == 3


def test_import_page_shows_row_errors(client, manager, districts):
    client.force_login(manager)
    response = upload(client, csv_file("20090412-1235;Per;Fel;;Medling;2025-02-03;Polis;Bistånd;;;;"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ingenting har sparats" in html and "Kontrollsiffran stämmer inte" in html
    assert "20090412" not in html


def test_import_page_is_404_for_others(client, handler, outsider, stats_client):
    for user in (handler, outsider, stats_client):
        client.force_login(user)
        assert client.get(reverse("cases_import")).status_code == 404


def many_rows(count: int, first_day: datetime.date) -> bytes:
    """`count` new young people (born 2009), one medling case each, every tenth one closed."""
    rows = []
    for n in range(count):
        number = personnummer_for(first_day + datetime.timedelta(days=n // 900), n % 900)
        closed = "2025-05-01;Planerat avslut" if n % 10 == 0 else ";"
        rows.append(f"{number};Ung{n};Importsson;;Medling;2025-02-03;Polis;Service;;;{closed}")
    return csv_file(*rows)


def test_the_number_of_statements_does_not_grow_with_the_number_of_rows(manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import ChangeLog

    small, large = many_rows(200, datetime.date(2009, 1, 1)), many_rows(2000, datetime.date(2009, 3, 1))
    with CaptureQueriesContext(connection) as few:
        assert cases_import(actor=manager, content=small, filename="small.csv").committed
    with CaptureQueriesContext(connection) as many:
        result = cases_import(actor=manager, content=large, filename="large.csv")

    assert result.committed and (result.people_created, result.cases_created) == (2000, 2000)
    assert Case.objects.count() == 2200 and Case.objects.filter(closed_on__isnull=False).count() == 220
    # the same history rows as the services write: person created, case created, case closed
    assert ChangeLog.objects.count() == 2200 + 2200 + 220

    def not_inserts(captured):
        return [q for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT")]

    assert len(not_inserts(many)) <= len(not_inserts(few)) + 2
    if connection.vendor == "postgresql":  # SQLite caps an INSERT at 999 parameters, so it needs more of them
        assert len(many) <= len(few) + 3


def test_a_protected_number_in_the_file_does_not_confirm_the_masked_person(manager, districts):
    # given a protected person of the manager's own unit, whose identity the manager has not been named for
    hidden = PersonFactory(unit=manager.unit, id_number=ELIN, protection="skyddad_folkbokforing")

    result = cases_import(
        actor=manager,
        content=csv_file(f"{ELIN};Elin;Testsson;Skäggetorp;medling;2025-03-10;polis;service;;;;"),
        filename="arenden.csv",
    )

    # then the row is refused as for a person the user may not see, and no case is added to the masked person
    assert not result.ok and not Case.objects.filter(person=hidden).exists()
    assert "kan inte registreras här" in result.errors[0].message
