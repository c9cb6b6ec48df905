"""Import of current cases from a municipality's spreadsheet (CSV or xlsx): people and their ärenden.

Every row is validated and every error is reported with its row number, in Swedish; the import commits
all rows or none. Importing the same file again creates nothing new: a person is recognised by the
normalised personnummer, a case by its ärendenummer (when the sheet has one) or else by person, insats
and aktualiseringsdatum. Each row is checked with the same rules as cases.services (age, dates, closure),
then people, cases and their change history are written with bulk_create in one transaction: the number of
SQL statements does not grow with the number of rows.

Columns (first row, case and accents ignored; see COLUMNS): personnummer, förnamn, efternamn, kön,
område, insats, aktualiserad, aktualiserad av, grund, handläggare, ärendenummer, avslutad, avslutsorsak.
Error messages name the row and column, never the personnummer or name (they may end up in a log).
"""

import csv
import datetime
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cases import services
from cases.identity import Gender, IdKind, normalise_reserve_number, parse_id_number
from cases.models import Basis, Case, CaseNumberSequence, ClosureReason, InsatsType, Person, ReferralSource
from core.history import history_diff, history_snapshot
from core.models import ChangeAction, ChangeLog, District, User

MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024

# normalised header -> field; several spellings per field
COLUMNS = {
    "personnummer": "id_number",
    "personnr": "id_number",
    "samordningsnummer": "id_number",
    "typ av nummer": "id_kind",
    "fodelsedatum": "birth_date",
    "fornamn": "first_name",
    "efternamn": "last_name",
    "kon": "gender",
    "omrade": "district",
    "stadsdel": "district",
    "insats": "insats",
    "aktualiserad": "opened_on",
    "aktualiseringsdatum": "opened_on",
    "startdatum": "opened_on",
    "aktualiserad av": "referral_source",
    "aktualiseringskalla": "referral_source",
    "grund": "basis",
    "handlaggare": "handler",
    "arendenummer": "number",
    "avslutad": "closed_on",
    "avslutsdatum": "closed_on",
    "avslutsorsak": "closure_reason",
}
REQUIRED = ["id_number", "insats", "opened_on", "referral_source", "basis"]
LABELS = {
    "id_number": _("personnummer"),
    "id_kind": _("typ av nummer"),
    "birth_date": _("födelsedatum"),
    "first_name": _("förnamn"),
    "last_name": _("efternamn"),
    "gender": _("kön"),
    "district": _("område"),
    "insats": _("insats"),
    "opened_on": _("aktualiserad"),
    "referral_source": _("aktualiserad av"),
    "basis": _("grund"),
    "handler": _("handläggare"),
    "number": _("ärendenummer"),
    "closed_on": _("avslutad"),
    "closure_reason": _("avslutsorsak"),
}
# service error keys -> the column they concern
SERVICE_FIELDS = {"insats_type": "insats", "reason": "closure_reason", "custodian_id_number": "id_number"}
CASE_NUMBER = re.compile(r"^(\d{4})-(\d{1,6})$")


def _key(text) -> str:
    """Lower case without accents or extra spaces: 'Förnamn ' -> 'fornamn', 'Bistånd' -> 'bistand'."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", " ").split())


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it (header is row 1)
    column: str
    message: str

    def __str__(self):
        where = _("Rad %(row)s") % {"row": self.row}
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    people_created: int = 0
    people_existing: int = 0
    cases_created: int = 0
    cases_existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (format, headers, size)."""


# -- reading ---------------------------------------------------------------------------------------------


def read_rows(content: bytes, filename: str) -> list[dict]:
    """The sheet as dicts keyed by field name, with '_row' = the spreadsheet's row number."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("Filen är för stor (högst 10 MB)."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        table = _xlsx_table(content)
    elif name.endswith((".csv", ".txt")):
        table = _csv_table(content)
    else:
        raise ImportFileError(_("Välj en fil i formatet CSV eller Excel (.xlsx)."))
    if not table:
        raise ImportFileError(_("Filen är tom."))
    header, *body = table
    fields = [COLUMNS.get(_key(cell)) for cell in header]
    missing = [LABELS[name] for name in REQUIRED if name not in fields]
    if missing:
        raise ImportFileError(
            _("Kolumner saknas i första raden: %(columns)s.") % {"columns": ", ".join(str(m) for m in missing)}
        )
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("Filen har fler än %(max)s rader. Dela upp den.") % {"max": MAX_ROWS})
    rows = []
    for number, cells in enumerate(body, start=2):
        if all(cell in (None, "") or str(cell).strip() == "" for cell in cells):
            continue
        row = {"_row": number}
        for name, cell in zip(fields, cells, strict=False):
            if name:
                row[name] = cell
        rows.append(row)
    return rows


def _xlsx_table(content: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        raise ImportFileError(_("Filen kunde inte läsas som en Excel-fil (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_table(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)  # Swedish Excel writes ';'
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


# -- validating one row ----------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Ange datum som ÅÅÅÅ-MM-DD, till exempel 2024-03-15.")) from None


@functools.lru_cache(maxsize=1024)
def _choice_code(choices: type, language: str | None, wanted: str) -> str | None:
    """The code a normalised cell value stands for (cached: a sheet repeats the same few values)."""
    for code, label in choices.choices:
        if wanted in {_key(code), _key(label)} or (wanted and _key(label).startswith(wanted)):
            return code
    return None


def _choice(value, choices: type, what: str) -> str:
    code = _choice_code(choices, get_language(), _key(_text(value)))
    if code is not None:
        return code
    options = ", ".join(str(label) for code, label in choices.choices if code)
    raise ValidationError(_("Okänt värde för %(what)s. Välj en av: %(options)s.") % {"what": what, "options": options})


class _Lookups:
    """Catalogues read once per import (no query per row)."""

    def __init__(self, actor: User):
        self.insats = {}
        for insats in InsatsType.objects.all():
            self.insats[_key(insats.code)] = insats
            self.insats[_key(insats.name)] = insats
        municipality_id = actor.unit.provider.municipality_id if actor.unit_id else None
        self.districts = {_key(d.name): d for d in District.objects.filter(municipality_id=municipality_id)}
        self.handlers = {
            _key(user.username): user for user in User.objects.filter(unit_id=actor.unit_id, is_active=True)
        }


@dataclass
class _Row:
    number: int
    id_kind: str
    id_number: str
    birth_date: datetime.date | None
    gender: str | None
    first_name: str
    last_name: str
    district: District | None
    insats: InsatsType | None
    opened_on: datetime.date | None
    referral_source: str
    basis: str
    handler: User | None
    case_number: str
    closed_on: datetime.date | None
    closure_reason: str


def _parse(raw: dict, lookups: _Lookups, actor: User) -> tuple[_Row | None, list[RowError]]:
    errors: list[RowError] = []
    number = raw["_row"]

    def fail(name, message):
        errors.append(RowError(number, str(LABELS[name]), str(message)))

    def get(name, convert, default=None):
        value = raw.get(name)
        if value is None or _text(value) == "" and not isinstance(value, datetime.date):
            if name in REQUIRED:
                fail(name, _("Uppgiften saknas."))
            return default
        try:
            return convert(value)
        except ValidationError as error:
            fail(name, error.messages[0])
            return default

    id_kind = get("id_kind", lambda v: _choice(v, IdKind, _("typ av nummer")), default="")
    birth_date = get("birth_date", _date)
    id_number, gender = "", None
    raw_number = _text(raw.get("id_number"))
    if not raw_number:
        fail("id_number", _("Uppgiften saknas."))
    elif id_kind == IdKind.RESERVE:
        try:
            id_number = normalise_reserve_number(raw_number)
        except ValidationError as error:
            fail("id_number", error.messages[0])
        if birth_date is None:
            fail("birth_date", _("Ange födelsedatum för en person med reservnummer."))
    else:
        try:
            parsed = parse_id_number(raw_number)
            id_kind, id_number, birth_date, gender = parsed.kind, parsed.number, parsed.birth_date, parsed.gender
        except ValidationError as error:
            fail("id_number", error.messages[0])
    gender = get("gender", lambda v: _choice(v, Gender, _("kön")), default=gender)

    def catalogue(name, table, message):
        def convert(value):
            found = table.get(_key(_text(value)))
            if found is None:
                raise ValidationError(message)
            return found

        return get(name, convert)

    row = _Row(
        number=number,
        id_kind=id_kind,
        id_number=id_number,
        birth_date=birth_date,
        gender=gender,
        first_name=_text(raw.get("first_name")),
        last_name=_text(raw.get("last_name")),
        district=catalogue("district", lookups.districts, _("Okänt område i kommunen.")),
        insats=catalogue("insats", lookups.insats, _("Okänd insats. Ange kod eller namn ur insatskatalogen.")),
        opened_on=get("opened_on", _date),
        referral_source=get("referral_source", lambda v: _choice(v, ReferralSource, _("källa")), default=""),
        basis=get("basis", lambda v: _choice(v, Basis, _("grund")), default=""),
        handler=catalogue("handler", lookups.handlers, _("Ingen aktiv handläggare med det användarnamnet på enheten."))
        or actor,
        case_number=_text(raw.get("number")),
        closed_on=get("closed_on", _date),
        closure_reason=get("closure_reason", lambda v: _choice(v, ClosureReason, _("avslutsorsak")), default=""),
    )
    if row.case_number and not CASE_NUMBER.match(row.case_number):
        fail("number", _("Ange ärendenummer som ÅÅÅÅ-NNNN, till exempel 2024-0153."))
    if row.closed_on and not row.closure_reason:
        fail("closure_reason", _("Ange avslutsorsak för ett avslutat ärende."))
    if row.closure_reason and not row.closed_on:
        fail("closed_on", _("Ange avslutsdatum när avslutsorsak är ifylld."))
    return row, errors


# -- importing -------------------------------------------------------------------------------------------


def _service_errors(number: int, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(number, str(LABELS.get(SERVICE_FIELDS.get(key, key), "")), message)
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(number, "", message) for message in error.messages]


# Rows per INSERT statement: large, but under PostgreSQL's 65 535 parameters per statement.
MAX_PARAMETERS = 60_000
LOOKUP_CHUNK = 5_000


def _batch_size(model) -> int:
    return max(1, min(5_000, MAX_PARAMETERS // len(model._meta.concrete_fields)))


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _field_errors(instance, exclude: list[str]) -> dict[str, list[str]]:
    """Model field validation as full_clean does it, without the queries (foreign keys, uniqueness and
    constraints are checked by the importer itself)."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


class _Writer:
    """The rows of one import, checked in memory with the same rules as cases.services and written in bulk."""

    def __init__(self, actor: User, result: ImportResult, parsed: list[_Row]):
        self.actor = actor
        self.unit = actor.unit
        self.result = result
        self.today = timezone.localdate()
        self.people: dict[str, Person] = {}
        numbers = sorted({row.id_number for row in parsed})
        for chunk in _chunks(numbers):
            self.people.update((person.id_number, person) for person in Person.objects.filter(id_number__in=chunk))
        # known cases: by ärendenummer, and by (person, insats, aktualiseringsdatum) for rows without one
        self.cases_by_number: dict[str, tuple] = {}
        self.cases_by_key: dict[tuple, tuple] = {}
        fields = ("number", "person_id", "insats_type_id", "opened_on")
        case_numbers = sorted({row.case_number for row in parsed if row.case_number})
        for chunk in _chunks(case_numbers):
            self.cases_by_number.update(Case.objects.filter(number__in=chunk).values_list("number", "person_id"))
        person_ids = sorted(str(person.pk) for person in self.people.values())
        for chunk in _chunks(person_ids):
            for number, person_id, insats_id, opened_on in Case.objects.filter(person_id__in=chunk).values_list(
                *fields
            ):
                self.cases_by_number[number] = person_id
                self.cases_by_key[(person_id, insats_id, opened_on)] = person_id
        self.new_people: list[Person] = []
        self.new_cases: list[Case] = []  # in file order; numbers are given after all rows are checked
        self.created: list[Person | Case] = []  # file order, for the history rows

    def add(self, row: _Row) -> None:
        """Check one row; on a problem its errors go to the result and nothing of the row is kept."""
        person = self.people.get(row.id_number)
        new_person = person is None
        if new_person:
            if not row.first_name or not row.last_name:
                self.result.errors.append(
                    RowError(row.number, str(LABELS["first_name"]), _("Ange för- och efternamn."))
                )
                return
            person = Person(
                id_kind=row.id_kind,
                id_number=row.id_number,
                first_name=row.first_name,
                last_name=row.last_name,
                birth_date=row.birth_date,
                gender=row.gender or "okant",
                district=row.district,
                unit_id=self.actor.unit_id,
            )
            errors = _field_errors(person, exclude=["unit", "district"])
            if errors:
                self.result.errors.extend(_service_errors(row.number, ValidationError(errors)))
                return
            self.result.people_created += 1
        else:
            self.result.people_existing += 1

        owner = (
            self.cases_by_number.get(row.case_number)
            if row.case_number
            else self.cases_by_key.get((person.pk, row.insats.pk, row.opened_on))
        )
        if owner is not None:
            if owner != person.pk:
                self.result.errors.append(
                    RowError(row.number, str(LABELS["number"]), _("Ärendenumret finns redan för en annan person."))
                )
            else:
                self.result.cases_existing += 1
            if new_person:
                self._keep_person(person)  # as with the services: registered even when its case is refused
            return
        try:
            case = self._case(row, person)
        except ValidationError as error:
            self.result.errors.extend(_service_errors(row.number, error))
            return
        if new_person:
            self._keep_person(person)
        self.new_cases.append(case)
        self.created.append(case)
        if row.case_number:
            self.cases_by_number[row.case_number] = person.pk
        self.cases_by_key[(person.pk, row.insats.pk, row.opened_on)] = person.pk
        self.result.cases_created += 1

    def _keep_person(self, person: Person) -> None:
        self.people[person.id_number] = person
        self.new_people.append(person)
        self.created.append(person)

    def _case(self, row: _Row, person: Person) -> Case:
        """services.case_open followed by services.case_close, checked in memory."""
        errors = {}
        if row.opened_on > self.today:
            errors["opened_on"] = _("Datumet kan inte ligga i framtiden.")
        if not row.insats.has_individual_cases:
            errors["insats_type"] = _("%(insats)s har inga individärenden.") % {"insats": row.insats.name}
        if row.handler.unit_id != self.unit.pk:
            errors["handler"] = _("Handläggaren arbetar inte på den valda enheten.")
        if errors:
            raise ValidationError(errors)
        services.case_check_age(person=person, insats_type=row.insats, opened_on=row.opened_on)
        case = Case(
            number=row.case_number or "0000-0000",  # placeholder until the series is advanced
            person=person,
            insats_type=row.insats,
            unit=self.unit,
            handler=row.handler,
            referral_source=row.referral_source,
            basis=row.basis,
            opened_on=row.opened_on,
        )
        field_errors = _field_errors(case, exclude=["person", "insats_type", "unit", "handler"])
        if field_errors:
            raise ValidationError(field_errors)
        case._import_auto_number = not row.case_number
        case._import_close = None
        if row.closed_on:
            errors = {}
            if row.closure_reason not in ClosureReason.values:
                errors["reason"] = _("Ange en avslutsorsak.")
            if row.closed_on < row.opened_on:
                errors["closed_on"] = _("Avslutsdatum kan inte vara före aktualiseringsdatum (%(date)s).") % {
                    "date": row.opened_on.isoformat()
                }
            elif row.closed_on > self.today:
                errors["closed_on"] = _("Datumet kan inte ligga i framtiden.")
            if errors:
                raise ValidationError(errors)
            case._import_close = (row.closed_on, row.closure_reason)
        return case

    @staticmethod
    def _created(instance) -> dict:
        return {name: [None, value] for name, value in history_snapshot(instance).items() if value not in (None, "")}

    def _history(self, instance, action, changes, person_id, case_id) -> ChangeLog:
        return ChangeLog(
            actor=self.actor,
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),
            person_id=person_id,
            case_id=case_id,
            action=action,
            changes=changes,
        )

    def write(self, imported_numbers: list[str]) -> None:
        """Number the new cases, then insert people, cases and their history in a few statements."""
        auto = [case for case in self.new_cases if case._import_auto_number]
        _assign_case_numbers(auto, imported_numbers)
        history = []  # the rows services.person_register, case_open and case_close write, in the same order
        for instance in self.created:
            if isinstance(instance, Person):
                history.append(self._history(instance, ChangeAction.CREATE, self._created(instance), instance.pk, None))
                continue
            case = instance
            history.append(self._history(case, ChangeAction.CREATE, self._created(case), case.person_id, case.pk))
            if case._import_close:
                before = history_snapshot(case)
                case.closed_on, case.closure_reason = case._import_close
                case.version += 1
                changes = history_diff(before, history_snapshot(case))
                history.append(self._history(case, ChangeAction.UPDATE, changes, case.person_id, case.pk))
        Person.objects.bulk_create(self.new_people, batch_size=_batch_size(Person))
        Case.objects.bulk_create(self.new_cases, batch_size=_batch_size(Case))
        ChangeLog.objects.bulk_create(history, batch_size=_batch_size(ChangeLog))


def _assign_case_numbers(cases: list[Case], imported_numbers: list[str]) -> None:
    """One locked update of CaseNumberSequence per year: imported numbers such as 2024-0153 advance the
    series (case_open never hands them out again), and new cases get the numbers after them."""
    highest: dict[int, int] = {}
    for number in imported_numbers:
        match = CASE_NUMBER.match(number)
        if match:
            year, serial = int(match[1]), int(match[2])
            highest[year] = max(highest.get(year, 0), serial)
    wanted: dict[int, list[Case]] = {}
    for case in cases:
        wanted.setdefault(case.opened_on.year, []).append(case)
    for year in sorted(set(highest) | set(wanted)):
        sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
        start = max(sequence.last_number, highest.get(year, 0))
        new = wanted.get(year, [])
        last = start + len(new)
        if last != sequence.last_number:
            CaseNumberSequence.objects.filter(pk=year).update(last_number=last)
        for serial, case in enumerate(new, start=start + 1):
            case.number = f"{year}-{serial:04d}"


def cases_import(*, actor: User, content: bytes, filename: str, dry_run: bool = False) -> ImportResult:
    """Validate every row and import people and cases into the actor's unit: all rows or none.

    Raises ImportFileError when the file itself cannot be read; row problems are in result.errors.
    A dry run writes everything and rolls it back.
    """
    if actor.unit_id is None:
        raise ImportFileError(_("Du måste tillhöra en enhet för att importera ärenden."))
    raw_rows = read_rows(content, filename)
    result = ImportResult(rows=len(raw_rows))
    lookups = _Lookups(actor)
    parsed = []
    for raw in raw_rows:
        row, errors = _parse(raw, lookups, actor)
        result.errors.extend(errors)
        if not errors:
            parsed.append(row)
    if result.errors:
        return result  # nothing written: the file has to be fixed first

    with transaction.atomic():
        writer = _Writer(actor, result, parsed)
        for row in parsed:
            writer.add(row)
        if result.errors:
            transaction.set_rollback(True)
            return result
        writer.write([row.case_number for row in parsed if row.case_number])
        if dry_run:
            transaction.set_rollback(True)
            return result
    result.committed = True
    return result
