"""Import of current cases from a municipality's spreadsheet (CSV or xlsx): people and their ärenden.

Every row is validated and every error is reported with its row number, in Swedish; the import commits
all rows or none. Importing the same file again creates nothing new: a person is recognised by the
normalised personnummer, a case by its ärendenummer (when the sheet has one) or else by person, insats
and aktualiseringsdatum. Each row is checked in memory with the rules the services apply (cases.rules:
identity number, age, dates, closure). A number registered already counts only when the importing user may
see that person (as in the register form); otherwise the row is refused with the register form's message.
Then people, cases and their change history are written in one transaction, one statement per table (COPY
on PostgreSQL, executemany elsewhere): the number of SQL statements does not grow with the number of rows.

Columns (first row, case and accents ignored; see COLUMNS): personnummer, förnamn, efternamn, kön,
område, insats, aktualiserad, aktualiserad av, grund, handläggare, ärendenummer, avslutad, avslutsorsak.
Error messages name the row and column, never the personnummer or name (they may end up in a log).
"""

import csv
import datetime
import functools
import io
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cases import rules, selectors
from cases.identity import Gender, IdKind, age_on
from cases.models import Basis, Case, CaseNumberSequence, ClosureReason, InsatsType, Person, ReferralSource
from core import formats
from core.bulk import bulk_write
from core.export_cells import safe_cell, safe_row
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
_V = TypeVar("_V")
_Found = TypeVar("_Found")

SERVICE_FIELDS = {"insats_type": "insats", "reason": "closure_reason", "custodian_id_number": "id_number"}
NO_HANDLER = _lazy("Ingen aktiv handläggare med det namnet eller användarnamnet på enheten.")
SAME_NAME_HANDLERS = _lazy("Flera handläggare på enheten heter så. Ange användarnamnet.")


def _key(text: object) -> str:
    """Lower case without accents or extra spaces: 'Förnamn ' -> 'fornamn', 'Bistånd' -> 'bistand'."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", " ").split())


# The same few values fill a column (insats, grund, område): normalise each distinct cell once.
_cell_key = functools.lru_cache(maxsize=4096)(_key)


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it (header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        where = _("Rad %(row)s") % {"row": self.row}
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass(frozen=True)
class CreatedCase:
    """A case the import created (or, in a dry run, would create): shown on the page afterwards, without names."""

    row: int
    case_id: uuid.UUID
    number: str
    insats: str
    opened_on: datetime.date
    closed_on: datetime.date | None


@dataclass
class ImportResult:
    rows: int = 0
    people_created: int = 0
    people_existing: int = 0
    cases_created: int = 0
    cases_existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    created: list[CreatedCase] = field(default_factory=list)  # in file order

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (format, headers, size)."""


# -- reading ---------------------------------------------------------------------------------------------
# Rows are counted while they are read, never after: a file with a million rows (or an Excel sheet that
# only declares a million rows and 16 384 columns) is refused after the first rows past the limit, and what
# an Excel file may unpack to is checked before it is opened, so no upload can exhaust a worker.

MAX_SHEET_ROWS = 2 * MAX_ROWS  # lines read at most, blank ones included
MAX_COLUMNS = 100  # cells read per row; the sheet's own "dimension" is ignored (it can claim anything)
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # an .xlsx is a zip: all its parts together, unpacked
MAX_SHARED_STRINGS_BYTES = 15 * 1024 * 1024  # the one part openpyxl holds in memory as a whole
XLSX_MAGIC = b"PK\x03\x04"
TOO_MANY_ROWS = _lazy("Filen har fler än %(max)s rader. Dela upp den.")


def _too_many_rows() -> ImportFileError:
    return ImportFileError(TOO_MANY_ROWS % {"max": formats.number(MAX_ROWS)})


def read_rows(content: bytes, filename: str) -> list[dict[str, Any]]:
    """The sheet as dicts keyed by field name, with '_row' = the spreadsheet's row number.

    The format is told by the content (an .xlsx is a zip file), so an Excel file named .csv is read as Excel.
    """
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("Filen är för stor (högst 10 MB)."))
    name = filename.lower()
    if content.startswith(XLSX_MAGIC):
        table = _xlsx_table(content)
    elif name.endswith(".xlsx"):
        raise ImportFileError(_("Filen kunde inte läsas som en Excel-fil (.xlsx)."))
    elif name.endswith((".csv", ".txt")):
        table = _csv_table(content)
    else:
        raise ImportFileError(_("Välj en fil i formatet CSV eller Excel (.xlsx)."))
    try:
        return _rows_of(table)
    finally:
        table.close()


def _rows_of(table: Generator[list[Any], None, None]) -> list[dict[str, Any]]:
    header = next(table, None)
    if header is None:
        raise ImportFileError(_("Filen är tom."))
    fields = [COLUMNS.get(_key(cell)) for cell in header[:MAX_COLUMNS]]
    missing = [LABELS[name] for name in REQUIRED if name not in fields]
    if missing:
        raise ImportFileError(
            _("Kolumner saknas i första raden: %(columns)s.") % {"columns": ", ".join(str(m) for m in missing)}
        )
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(table, start=2):
        if number > MAX_SHEET_ROWS + 1:
            raise _too_many_rows()
        if all(cell in (None, "") or str(cell).strip() == "" for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise _too_many_rows()
        row: dict[str, Any] = {"_row": number}
        for name, cell in zip(fields, cells, strict=False):
            if name:
                row[name] = cell
        rows.append(row)
    return rows


def _xlsx_parts_check(content: bytes) -> None:
    """Refuse an .xlsx whose parts unpack to more than the limits (a zip bomb), before openpyxl opens it.

    The sizes are those the zip declares; Python's zipfile never returns more than the declared size of a
    part (and then fails its checksum), so they bound what reading can unpack."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(_("Filen kunde inte läsas som en Excel-fil (.xlsx).")) from None
    unpacked = sum(part.file_size for part in parts)
    strings = sum(part.file_size for part in parts if part.filename.lower().endswith("sharedstrings.xml"))
    if unpacked > MAX_UNZIPPED_BYTES or strings > MAX_SHARED_STRINGS_BYTES:
        raise ImportFileError(
            _(
                "Excel-filen innehåller mer data än en import kan ta emot (högst %(max)s rader). "
                "Dela upp den eller spara den som CSV."
            )
            % {"max": formats.number(MAX_ROWS)}
        )


def _xlsx_table(content: bytes) -> Generator[list[Any], None, None]:
    """The first sheet's rows, read one at a time (openpyxl read-only), at most MAX_COLUMNS cells each."""
    _xlsx_parts_check(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        raise ImportFileError(_("Filen kunde inte läsas som en Excel-fil (.xlsx).")) from None
    sheet.reset_dimensions()  # the declared size is not trusted: only rows and cells that are there are read
    return _guarded(_xlsx_rows(workbook, sheet), _("Filen kunde inte läsas som en Excel-fil (.xlsx)."))


def _xlsx_rows(workbook: Any, sheet: Any) -> Generator[list[Any], None, None]:  # openpyxl read-only types
    try:
        # no max_row: openpyxl would drop rows past it without a word; the caller counts and stops instead
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _guarded(rows: Generator[list[Any], None, None], message: str) -> Generator[list[Any], None, None]:
    """The rows of a reader, with any failure of the reader mid-file turned into a message about the file."""
    try:
        yield from rows
    except ImportFileError:
        raise
    except Exception:  # a broken part of a sheet, a line the csv module refuses (NUL, an endless field)
        raise ImportFileError(message) from None
    finally:
        rows.close()


def _csv_table(content: bytes) -> Generator[list[Any], None, None]:
    """The CSV's rows, read one at a time: UTF-8 (with or without BOM) or Windows-1252, as Excel saves it."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _(
                "Filens teckenkodning kan inte läsas. Spara den som CSV UTF-8 (i Excel: Spara som, "
                "CSV UTF-8 (kommaavgränsad)) och försök igen."
            )
        )
    if "\x00" in text:
        raise ImportFileError(_("Filen är inte en textfil. Välj en fil i formatet CSV eller Excel (.xlsx)."))
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)  # Swedish Excel writes ';'
    return _guarded(
        (row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text), delimiter=delimiter)),
        _("Filen kunde inte läsas som CSV. Kontrollera att den är sparad som CSV och försök igen."),
    )


# -- validating one row ----------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: object) -> datetime.date:
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
def _choice_code(choices: type[models.Choices], language: str | None, wanted: str) -> str | None:
    """The code a normalised cell value stands for (cached: a sheet repeats the same few values)."""
    for code, label in choices.choices:
        if wanted in {_key(code), _key(label)} or (wanted and _key(label).startswith(wanted)):
            return str(code)
    return None


def _choice(value: object, choices: type[models.Choices], what: StrOrPromise, language: str | None) -> str:
    code = _choice_code(choices, language, _cell_key(_text(value)))
    if code is not None:
        return code
    options = ", ".join(str(label) for code, label in choices.choices if code)
    raise ValidationError(_("Okänt värde för %(what)s. Välj en av: %(options)s.") % {"what": what, "options": options})


class _Lookups:
    """Catalogues read once per import (no query per row)."""

    def __init__(self, actor: User) -> None:
        self.today = timezone.localdate()
        self.language = get_language()
        self.insats: dict[str, InsatsType] = {}
        for insats in InsatsType.objects.all():
            self.insats[_key(insats.code)] = insats
            self.insats[_key(insats.name)] = insats
        municipality_id = actor.unit.provider.municipality_id if actor.unit is not None else None
        # None matches nothing here, as Django's exact lookup does (the stubs want a value)
        districts = District.objects.filter(municipality_id=municipality_id)  # type: ignore[misc]
        self.districts = {_key(d.name): d for d in districts}
        # handläggare by username, or by name ("Hanna Handläggare" or "Handläggare, Hanna")
        staff = list(User.objects.filter(unit_id=actor.unit_id, is_active=True).order_by("username"))  # type: ignore[misc]  # as above
        by_name: dict[str, list[User]] = {}
        for user in staff:
            for name in handler_names(user):
                by_name.setdefault(name, []).append(user)
        self.handlers_same_name = {name for name, users in by_name.items() if len(users) > 1}
        self.handlers = {name: users[0] for name, users in by_name.items()}
        self.usernames = {_key(user.username): user for user in staff}
        self.handlers |= self.usernames  # a username wins over a name


def handler_names(user: User) -> list[str]:
    """The normalised ways a sheet may name a handläggare besides the username: first and last name, either way."""
    first, last = _key(user.first_name), _key(user.last_name)
    if not (first and last):
        return []
    # the last form is how the template file lists them: "Hanna Handläggare (hanna)"
    return [f"{first} {last}", f"{last} {first}", f"{last}, {first}", f"{first} {last} ({_key(user.username)})"]


@dataclass
class _Row:
    """One row as read; only a row without errors is used (then the required values are all there)."""

    number: int
    id_kind: str
    id_number: str
    birth_date: datetime.date
    gender: str | None
    first_name: str
    last_name: str
    district: District | None
    insats: InsatsType
    opened_on: datetime.date
    referral_source: str
    basis: str
    handler: User
    case_number: str
    closed_on: datetime.date | None
    closure_reason: str
    person_id: uuid.UUID | None = None  # given when the row registers a new person


def _parse(raw: dict[str, Any], lookups: _Lookups, actor: User) -> tuple[_Row | None, list[RowError]]:
    errors: list[RowError] = []
    number = raw["_row"]
    language = lookups.language  # messages below are lazy: translated only for a row with an error

    def choice(choices: type[models.Choices], what: StrOrPromise) -> Callable[[object], str]:
        return lambda value: _choice(value, choices, what, language)

    def fail(name: str, message: StrOrPromise) -> None:
        errors.append(RowError(number, str(LABELS[name]), str(message)))

    def get(name: str, convert: Callable[[Any], Any], default: Any = None) -> Any:
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

    id_kind = get("id_kind", choice(IdKind, _lazy("typ av nummer")), default="")
    birth_date = get("birth_date", _date)
    gender = get("gender", choice(Gender, _lazy("kön")))
    id_number = ""
    raw_number = _text(raw.get("id_number"))
    if not raw_number:
        fail("id_number", _("Uppgiften saknas."))
    else:
        try:  # the register form's rule; an empty "typ av nummer" takes the kind the number shows
            identity = rules.identity_resolve(
                id_kind=id_kind or None,
                id_number=raw_number,
                birth_date=birth_date,
                gender=gender,
                today=lookups.today,
            )
            id_kind, id_number, birth_date, gender = (
                identity.kind,
                identity.number,
                identity.birth_date,
                identity.gender,
            )
        except ValidationError as error:
            errors.extend(_service_errors(number, error, default="id_number"))

    def catalogue(name: str, table: Mapping[str, _Found], message: StrOrPromise) -> _Found:
        def convert(value: object) -> _Found:
            found = table.get(_cell_key(_text(value)))
            if found is None:
                raise ValidationError(message)
            return found

        found: _Found = get(name, convert)  # None on a row with errors, which is never used
        return found

    row = _Row(
        number=number,
        id_kind=id_kind,
        id_number=id_number,
        birth_date=birth_date,
        gender=gender,
        first_name=_text(raw.get("first_name")),
        last_name=_text(raw.get("last_name")),
        district=catalogue("district", lookups.districts, _lazy("Okänt område i kommunen.")),
        insats=catalogue("insats", lookups.insats, _lazy("Okänd insats. Ange kod eller namn ur insatskatalogen.")),
        opened_on=get("opened_on", _date),
        referral_source=get("referral_source", choice(ReferralSource, _lazy("källa")), default=""),
        basis=get("basis", choice(Basis, _lazy("grund")), default=""),
        handler=get("handler", functools.partial(_handler, lookups)) or actor,
        case_number=_text(raw.get("number")),
        closed_on=get("closed_on", _date),
        closure_reason=get("closure_reason", choice(ClosureReason, _lazy("avslutsorsak")), default=""),
    )
    if row.case_number and rules.case_number_parse(row.case_number) is None:
        fail("number", _("Ange ärendenummer som ÅÅÅÅ-NNNN, till exempel 2024-0153."))
    if row.closed_on and not row.closure_reason:
        fail("closure_reason", _("Ange avslutsorsak för ett avslutat ärende."))
    if row.closure_reason and not row.closed_on:
        fail("closed_on", _("Ange avslutsdatum när avslutsorsak är ifylld."))
    return (None if errors else row), errors


def _handler(lookups: _Lookups, value: object) -> User:
    key = _cell_key(_text(value))
    if key in lookups.handlers_same_name and key not in lookups.usernames:
        raise ValidationError(SAME_NAME_HANDLERS)
    found = lookups.handlers.get(key)
    if found is None:
        raise ValidationError(NO_HANDLER)
    return found


# -- importing -------------------------------------------------------------------------------------------


def _service_errors(number: int, error: ValidationError, default: str = "") -> list[RowError]:
    """A rule's ValidationError as row errors: a field key names its column; an error without one goes to
    `default` (a column's field name) or to the row as a whole."""
    if hasattr(error, "error_dict"):
        return [
            RowError(number, str(LABELS.get(SERVICE_FIELDS.get(key, key), "")), message)
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    column = str(LABELS[default]) if default else ""
    return [RowError(number, column, message) for message in error.messages]


LOOKUP_CHUNK = 5_000  # values per IN (...) lookup


def _chunks(values: list[_V], size: int = LOOKUP_CHUNK) -> Generator[list[_V], None, None]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Table:
    """New rows of one model as plain tuples (no model instances: building 10 000 of them costs more than
    writing them). The importer gives `provided` columns; every other column gets the field's default, or
    the import's time for auto_now(_add) fields, as save() and bulk_create would."""

    def __init__(self, model: type[models.Model], provided: list[str], now: datetime.datetime) -> None:
        self.model = model
        returning = set(model._meta.db_returning_fields)  # ids the database assigns
        fields = {f.attname: f for f in model._meta.concrete_fields if f not in returning}
        self.fields = [fields[name] for name in provided] + [f for name, f in fields.items() if name not in provided]
        rest = []
        for f in self.fields[len(provided) :]:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                rest.append(now)
            elif f.primary_key:
                raise ValueError(f"{model.__name__}: the importer must give the primary key")
            else:
                rest.append(f.get_default())
        self.rest = tuple(rest)
        # a callable default (Case.statistics_key: a random key per case) is drawn for every row, as save() does
        offset = len(provided)
        self.per_row = [(i, f) for i, f in enumerate(self.fields[offset:]) if f.has_default() and callable(f.default)]
        self.rows: list[tuple[Any, ...]] = []

    def defaults(self) -> tuple[Any, ...]:
        """The columns the importer does not give, for one new row."""
        if not self.per_row:
            return self.rest
        rest = list(self.rest)
        for index, model_field in self.per_row:
            rest[index] = model_field.get_default()
        return tuple(rest)

    def add(self, *values: Any) -> None:
        self.rows.append(values + self.defaults())

    def insert(self) -> None:
        """One COPY on PostgreSQL; elsewhere one executemany with each field's own conversion (core.bulk)."""
        if self.rows:
            bulk_write(self.model, [f.attname for f in self.fields], self.rows)


def _history_text(value: object) -> str | None:
    """A value as core.history.history_snapshot stores it (dates ISO, ids and choices as text)."""
    if value is None:
        return None
    if isinstance(value, datetime.date | datetime.time):  # what has isoformat(), without hasattr's cost
        return value.isoformat()
    return str(value)


def _is_date(field: models.Field[Any, Any]) -> bool:
    return isinstance(field, models.DateField | models.TimeField)  # DateTimeField is a DateField


class _History:
    """The change history rows services.person_register, case_open and case_close write, built from the
    new rows' values (the tracked fields are history_snapshot's, found once per model)."""

    def __init__(self, actor: User, now: datetime.datetime):
        self.actor_id = actor.pk
        self.table = _Table(
            ChangeLog, ["actor_id", "object_type", "object_id", "person_id", "case_id", "action", "changes"], now
        )

    @staticmethod
    def tracked(model: type[models.Model], provided: list[str]) -> list[tuple[str, int, Callable[[Any], str | None]]]:
        """(history name, position in a row of `provided`, text function) of each tracked field, in
        history_snapshot's order."""
        fields = {f.name: f for f in model._meta.concrete_fields}
        return [
            (name, provided.index(fields[name].attname), _history_text if _is_date(fields[name]) else str)
            for name in history_snapshot(model())
        ]

    def created(
        self,
        label: str,
        tracked: list[tuple[str, int, Callable[[Any], str | None]]],
        row: tuple[Any, ...],
        person_id: UUID | None,
        case_id: UUID | None,
    ) -> None:
        changes: dict[str, list[str | None]] = {}
        for name, at, text in tracked:
            value = row[at]
            if value is not None and value != "":
                changes[name] = [None, text(value)]
        object_id = str(case_id or person_id)
        self.table.add(self.actor_id, label, object_id, person_id, case_id, ChangeAction.CREATE.value, changes)

    def updated(self, label: str, changes: dict[str, list[Any]], person_id: UUID, case_id: UUID) -> None:
        self.table.add(self.actor_id, label, str(case_id), person_id, case_id, ChangeAction.UPDATE.value, changes)


PERSON_COLUMNS = [
    "id",
    "id_kind",
    "id_number",
    "first_name",
    "last_name",
    "birth_date",
    "gender",
    "district_id",
    "unit_id",
]
CASE_COLUMNS = [
    "id",
    "number",
    "person_id",
    "insats_type_id",
    "unit_id",
    "handler_id",
    "referral_source",
    "basis",
    "opened_on",
    "closed_on",
    "closure_reason",
    "version",
]


@dataclass
class _NewCase:
    row: _Row
    id: uuid.UUID
    person_id: uuid.UUID
    number: str = ""


class _Writer:
    """The rows of one import, checked in memory with cases.rules (as the services check one record) and
    written in one statement per table."""

    def __init__(self, actor: User, result: ImportResult, parsed: list[_Row], today: datetime.date):
        self.actor = actor
        self.unit_id = actor.unit_id
        self.result = result
        self.today = today
        # people by number: (id, birth date) of those the actor may see and those new in this file
        self.people: dict[str, tuple[uuid.UUID, datetime.date]] = {}
        # registered, but not visible to the actor: refused as the register form refuses them
        self.hidden: set[str] = set()
        numbers = sorted({row.id_number for row in parsed})
        existing: dict[str, tuple[uuid.UUID, datetime.date]] = {}
        for chunk in _chunks(numbers):
            existing.update(
                (number, (pk, born))
                for number, pk, born in Person.objects.filter(id_number__in=chunk).values_list(
                    "id_number", "id", "birth_date"
                )
            )
        if existing:
            visible: set[str] = set()
            for chunk in _chunks(sorted(existing)):
                visible.update(  # a protected person the actor may not identify is as hidden as an invisible one
                    selectors.person_identified_queryset_for_user(actor)
                    .filter(id_number__in=chunk)
                    .values_list("id_number", flat=True)
                )
            for number, known in existing.items():
                if number in visible:
                    self.people[number] = known
                else:
                    self.hidden.add(number)
        # known cases: by ärendenummer, and by (person, insats, aktualiseringsdatum) for rows without one
        self.cases_by_number: dict[str, uuid.UUID] = {}
        self.cases_by_key: dict[tuple[uuid.UUID, int, datetime.date], uuid.UUID] = {}
        case_numbers = sorted({row.case_number for row in parsed if row.case_number})
        for chunk in _chunks(case_numbers):
            self.cases_by_number.update(Case.objects.filter(number__in=chunk).values_list("number", "person_id"))
        person_ids = sorted(str(pk) for pk, _born in self.people.values())
        for chunk in _chunks(person_ids):
            fields = ("number", "person_id", "insats_type_id", "opened_on")
            for number, person_id, insats_id, opened_on in Case.objects.filter(person_id__in=chunk).values_list(
                *fields
            ):
                self.cases_by_number[number] = person_id
                self.cases_by_key[(person_id, insats_id, opened_on)] = person_id
        self.name_fields = [Person._meta.get_field("first_name"), Person._meta.get_field("last_name")]
        self.created: list[_Row | _NewCase] = []  # file order: a new person's row, or a new case

    def add(self, row: _Row) -> None:
        """Check one row; on a problem its errors go to the result and nothing of the row is kept."""
        if row.id_number in self.hidden:
            self._error(row, "id_number", rules.existing_person_message(visible=False))
            return
        known = self.people.get(row.id_number)
        new_person = known is None
        if known is None:
            if not row.first_name or not row.last_name:
                self._error(row, "first_name", _("Ange för- och efternamn."))
                return
            errors = {}
            for field in self.name_fields:  # the model's own checks of the names (length)
                try:
                    field.clean(getattr(row, field.attname), None)
                except ValidationError as error:
                    errors[field.name] = error.messages
            if errors:
                self.result.errors.extend(_service_errors(row.number, ValidationError(errors)))
                return
            person_id, birth_date = uuid.uuid4(), row.birth_date
            self.result.people_created += 1
        else:
            person_id, birth_date = known
            self.result.people_existing += 1

        owner = (
            self.cases_by_number.get(row.case_number)
            if row.case_number
            else self.cases_by_key.get((person_id, row.insats.pk, row.opened_on))
        )
        if owner is not None:
            if owner != person_id:
                self._error(row, "number", _("Ärendenumret finns redan för en annan person."))
            else:
                self.result.cases_existing += 1
            if new_person:
                self._keep_person(row, person_id)  # as with the services: registered even when its case is refused
            return
        try:
            rules.check_case_open(
                insats_type=row.insats,
                unit_id=self.unit_id,
                handler_unit_id=row.handler.unit_id,
                opened_on=row.opened_on,
                age=age_on(birth_date, row.opened_on),
                today=self.today,
            )
            if row.closed_on:
                rules.check_case_close(
                    reason=row.closure_reason, closed_on=row.closed_on, opened_on=row.opened_on, today=self.today
                )
        except ValidationError as error:
            self.result.errors.extend(_service_errors(row.number, error))
            return
        if new_person:
            self._keep_person(row, person_id)
        self.created.append(_NewCase(row, uuid.uuid4(), person_id, row.case_number))
        if row.case_number:
            self.cases_by_number[row.case_number] = person_id
        self.cases_by_key[(person_id, row.insats.pk, row.opened_on)] = person_id
        self.result.cases_created += 1

    def _error(self, row: _Row, name: str, message: StrOrPromise) -> None:
        self.result.errors.append(RowError(row.number, str(LABELS[name]), str(message)))

    def _keep_person(self, row: _Row, person_id: uuid.UUID) -> None:
        self.people[row.id_number] = (person_id, row.birth_date)
        row.person_id = person_id
        self.created.append(row)

    def write(self, imported_numbers: list[str]) -> None:
        """Number the new cases, then insert people, cases and their history: one statement per table."""
        new_cases = [item for item in self.created if isinstance(item, _NewCase)]
        _assign_case_numbers([case for case in new_cases if not case.number], imported_numbers)
        self.result.created = [
            CreatedCase(
                row=case.row.number,
                case_id=case.id,
                number=case.number,
                insats=case.row.insats.name,
                opened_on=case.row.opened_on,
                closed_on=case.row.closed_on,
            )
            for case in new_cases
        ]
        now = timezone.now()
        people = _Table(Person, PERSON_COLUMNS, now)
        cases = _Table(Case, CASE_COLUMNS, now)
        history = _History(self.actor, now)
        case_columns = [f.attname for f in cases.fields]
        person_tracked = history.tracked(Person, [f.attname for f in people.fields])
        case_tracked = history.tracked(Case, case_columns)
        closed_at = (case_columns.index("closed_on"), case_columns.index("closure_reason"))
        for item in self.created:  # history in the order the services would write it
            if isinstance(item, _Row):
                row = item
                values = (
                    row.person_id,
                    row.id_kind,
                    row.id_number,
                    row.first_name,
                    row.last_name,
                    row.birth_date,
                    row.gender or "okant",
                    row.district.pk if row.district else None,
                    self.unit_id,
                )
                people.add(*values)
                history.created("cases.person", person_tracked, people.rows[-1], row.person_id, None)
                continue
            case, row = item, item.row
            opened = (
                case.id,
                case.number,
                case.person_id,
                row.insats.pk,
                self.unit_id,
                row.handler.pk,
                row.referral_source,
                row.basis,
                row.opened_on,
                None,
                "",
                1,
            ) + cases.defaults()
            history.created("cases.case", case_tracked, opened, case.person_id, case.id)
            if not row.closed_on:
                cases.rows.append(opened)
                continue
            closed = list(opened)
            closed[closed_at[0]], closed[closed_at[1]] = row.closed_on, row.closure_reason
            closed[case_columns.index("version")] = 2  # opened, then closed: as case_close leaves it
            changes = history_diff(
                {name: _history_text(opened[at]) for name, at, _convert in case_tracked},
                {name: _history_text(closed[at]) for name, at, _convert in case_tracked},
            )
            history.updated("cases.case", changes, case.person_id, case.id)
            cases.rows.append(tuple(closed))
        people.insert()
        cases.insert()
        history.table.insert()


def _assign_case_numbers(cases: list[_NewCase], imported_numbers: list[str]) -> None:
    """One locked update of CaseNumberSequence per year: imported numbers such as 2024-0153 advance the
    series (case_open never hands them out again), and new cases get the numbers after them."""
    highest: dict[int, int] = {}
    for number in imported_numbers:
        parsed = rules.case_number_parse(number)
        if parsed:
            year, serial = parsed
            highest[year] = max(highest.get(year, 0), serial)
    wanted: dict[int, list[_NewCase]] = {}
    for case in cases:
        wanted.setdefault(case.row.opened_on.year, []).append(case)
    for year in sorted(set(highest) | set(wanted)):
        sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
        start = max(sequence.last_number, highest.get(year, 0))
        new = wanted.get(year, [])
        last = start + len(new)
        if last != sequence.last_number:
            CaseNumberSequence.objects.filter(pk=year).update(last_number=last)
        for serial, case in enumerate(new, start=start + 1):
            case.number = rules.case_number_format(year=year, serial=serial)


def _repeated_rows(parsed: list[_Row]) -> list[RowError]:
    """Rows that repeat an earlier row of the same file: the same ärendenummer, or (for a row without one) the
    same person, insats and aktualiseringsdatum. Reported, so the file is fixed rather than half-read."""
    errors = []
    by_number: dict[str, int] = {}
    by_key: dict[tuple[str, int, datetime.date], int] = {}
    for row in parsed:
        key = (row.id_number, row.insats.pk, row.opened_on)
        if row.case_number and row.case_number in by_number:
            message = _("Ärendenumret finns redan på rad %(row)s i filen. Ta bort den ena raden.")
            errors.append(RowError(row.number, str(LABELS["number"]), message % {"row": by_number[row.case_number]}))
        elif not row.case_number and key in by_key:
            message = _(
                "Raden upprepar rad %(row)s i filen (samma personnummer, insats och aktualiseringsdatum). "
                "Ta bort den ena raden."
            )
            errors.append(RowError(row.number, "", message % {"row": by_key[key]}))
        if row.case_number:
            by_number.setdefault(row.case_number, row.number)
        by_key.setdefault(key, row.number)
    return errors


# -- the template file ---------------------------------------------------------------------------------------

# The template's columns, in this order, with what each takes
TEMPLATE_COLUMNS = [
    ("id_number", _lazy("ÅÅÅÅMMDD-NNNN (personnummer, samordningsnummer eller reservnummer)")),
    ("id_kind", _lazy("Tom: läses av numret. Annars ett värde ur listan")),
    ("birth_date", _lazy("ÅÅÅÅ-MM-DD; behövs bara för reservnummer")),
    ("first_name", _lazy("Behövs för personer som inte redan finns")),
    ("last_name", _lazy("Behövs för personer som inte redan finns")),
    ("gender", _lazy("Tom: läses av personnumret. Annars ett värde ur listan")),
    ("district", _lazy("Ett område ur listan, eller tom")),
    ("insats", _lazy("En insats ur listan")),
    ("opened_on", _lazy("ÅÅÅÅ-MM-DD")),
    ("referral_source", _lazy("Ett värde ur listan")),
    ("basis", _lazy("Ett värde ur listan")),
    ("handler", _lazy("Namn eller användarnamn ur listan; tom betyder du själv")),
    ("number", _lazy("ÅÅÅÅ-NNNN, eller tom för ett nytt nummer")),
    ("closed_on", _lazy("ÅÅÅÅ-MM-DD, eller tom om ärendet pågår")),
    ("closure_reason", _lazy("Ett värde ur listan; behövs när avslutad är ifylld")),
]
REQUIRED_TEXT = _lazy("obligatorisk")


def import_template_values(actor: User) -> dict[str, list[str]]:
    """The values the import accepts, per column with a list (the manager's municipality and unit)."""
    municipality_id = actor.unit.provider.municipality_id if actor.unit is not None else None
    # None matches nothing, as Django's exact lookup does (the stubs want a value)
    staff = User.objects.filter(unit_id=actor.unit_id, is_active=True).order_by("last_name", "first_name")  # type: ignore[misc]
    return {
        "id_kind": [str(label) for _code, label in IdKind.choices],
        "gender": [str(label) for _code, label in Gender.choices],
        "district": list(
            District.objects.filter(municipality_id=municipality_id)  # type: ignore[misc]  # as above
            .order_by("name")
            .values_list("name", flat=True)
        ),
        "insats": list(InsatsType.objects.order_by("name").values_list("name", flat=True)),
        "referral_source": [str(label) for _code, label in ReferralSource.choices],
        "basis": [str(label) for _code, label in Basis.choices],
        "handler": [
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username for user in staff
        ],
        "closure_reason": [str(label) for code, label in ClosureReason.choices if code],
    }


def import_template_xlsx(actor: User) -> bytes:
    """An empty import sheet with the accepted columns, a sheet of the accepted values (drop-down lists in
    the import sheet) and a sheet that explains each column. Every cell is formula-safe."""
    values = import_template_values(actor)
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = str(_("Ärenden"))
    sheet.append(safe_row([str(LABELS[name]).capitalize() for name, _help in TEMPLATE_COLUMNS]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    lists = workbook.create_sheet(str(_("Giltiga värden")))
    list_columns = [name for name, _help in TEMPLATE_COLUMNS if name in values]
    lists.append(safe_row([str(LABELS[name]).capitalize() for name in list_columns]))
    for position, name in enumerate(list_columns, start=1):
        letter = get_column_letter(position)
        for offset, value in enumerate(values[name], start=2):
            lists[f"{letter}{offset}"] = safe_cell(value)
        lists.column_dimensions[letter].width = 30
        if name == "handler" or not values[name]:  # a name is also accepted without the username
            continue
        target = get_column_letter([n for n, _help in TEMPLATE_COLUMNS].index(name) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$2:${letter}${len(values[name]) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            error=str(_("Välj ett värde ur listan på bladet Giltiga värden.")),
        )
        sheet.add_data_validation(validation)
        validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
    for position in range(1, len(TEMPLATE_COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 22
    guide = workbook.create_sheet(str(_("Kolumner")))
    guide.append(safe_row([str(_("Kolumn")), str(_("Vad den tar")), str(_("Obligatorisk"))]))
    for name, help_text in TEMPLATE_COLUMNS:
        required = str(_("Ja")) if name in REQUIRED else ""
        guide.append(safe_row([str(LABELS[name]).capitalize(), str(help_text), required]))
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
    parsed: list[_Row] = []
    for raw in raw_rows:
        row, errors = _parse(raw, lookups, actor)
        result.errors.extend(errors)
        if row is not None:
            parsed.append(row)
    result.errors.extend(_repeated_rows(parsed))
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result  # nothing written: the file has to be fixed first

    with transaction.atomic():
        writer = _Writer(actor, result, parsed, lookups.today)
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
