"""The name search index (cases.models.SearchName): rebuilt from people and cases in one statement, and the
folding of diacritics that lets "Kovac" find "Kovač" and "Ostlund" find "Östlund".

Database triggers keep the table current on every write (migration 0005); a bulk load that switches
triggers off (generate_data) calls rebuild() afterwards, as does the migration for existing data.
SearchName.name holds the folded name: a row trigger on the index itself folds every row written
(migration 0006), and rebuild() folds in its own statement because it may run with triggers switched off.
The typed terms are folded in Python by fold(), which maps exactly the characters the SQL maps.
"""

import unicodedata

from django.db import connection
from django.db.backends.utils import CursorWrapper

# Letters that decompose into an ASCII letter and accents (NFKD), plus the ones that do not decompose but
# are read as plain letters by someone typing on any keyboard. Latin-1 and Latin Extended-A cover the
# names of the Nordic countries, central and eastern Europe and Turkey; ș ț are Romanian.
_NOT_DECOMPOSED = {
    "Æ": "AE", "æ": "ae", "Ð": "D", "ð": "d", "Ø": "O", "ø": "o", "Þ": "TH", "þ": "th", "ß": "ss",
    "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ł": "L", "ł": "l", "Œ": "OE", "œ": "oe",
    "Ŧ": "T", "ŧ": "t", "ĸ": "k",
}  # fmt: skip


def _fold_table() -> dict[str, str]:
    table = {}
    for code in [*range(0xC0, 0x180), *range(0x218, 0x21C)]:
        char = chr(code)
        if char in _NOT_DECOMPOSED:
            table[char] = _NOT_DECOMPOSED[char]
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base != char and base.isascii() and base.isalpha():
            table[char] = base
    return table


# Migration 0006 builds its fold triggers from this table: changing it needs a new migration that recreates
# them (and refolds the index), or databases migrated before and after would fold differently.
FOLDS = _fold_table()
_TRANSLATION = str.maketrans(FOLDS)


def fold(text: str) -> str:
    """The text with accents and special letters made plain ASCII letters (case kept): "Öberg" -> "Oberg"."""
    return text.translate(_TRANSLATION)


def fold_sql(expression: str) -> str:
    """PostgreSQL for fold(expression): translate() for the one-letter folds, replace() for the rest."""
    single = {char: plain for char, plain in FOLDS.items() if len(plain) == 1}
    folded = f"translate({expression}, '{''.join(single)}', '{''.join(single.values())}')"
    for char, plain in FOLDS.items():
        if len(plain) > 1:
            folded = f"replace({folded}, '{char}', '{plain}')"
    return folded


# SQLite has no translate(), and its parser refuses a few dozen nested calls: one replace() per letter,
# in statements of this many
SQLITE_FOLDS_PER_STATEMENT = 20


def sqlite_fold_statements(where: str) -> list[str]:
    """SQLite statements that fold SearchName.name of the rows `where` selects, in place."""
    pairs = list(FOLDS.items())
    statements = []
    for start in range(0, len(pairs), SQLITE_FOLDS_PER_STATEMENT):
        folded = "name"
        for char, plain in pairs[start : start + SQLITE_FOLDS_PER_STATEMENT]:
            folded = f"replace({folded}, '{char}', '{plain}')"
        statements.append(f"UPDATE cases_searchname SET name = {folded} WHERE {where}")
    return statements


# One row per person and unit that sees them: the unit that registered the person, and each unit with
# one of their cases. Plain SQL that PostgreSQL and SQLite both run.
FILL_SQL = """
INSERT INTO cases_searchname (person_id, unit_id, first_name, last_name, name)
SELECT p.id, seen.unit_id, p.first_name, p.last_name, {name}
FROM (SELECT id AS person_id, unit_id FROM cases_person UNION SELECT person_id, unit_id FROM cases_case) seen
JOIN cases_person p ON p.id = seen.person_id
"""


def fill_sql(vendor: str) -> str:
    """The fill with folded names: PostgreSQL folds in the statement (a bulk load may have switched the
    triggers off); SQLite's triggers cannot be switched off, and its row trigger folds each row inserted."""
    name = "p.first_name || ' ' || p.last_name"
    return FILL_SQL.format(name=fold_sql(name) if vendor == "postgresql" else name)


def rebuild(cursor: CursorWrapper | None = None) -> None:
    """Empty the index and fill it again from people and cases (one transaction when the caller has one)."""
    if cursor is None:
        with connection.cursor() as own:
            rebuild(own)
        return
    cursor.execute("DELETE FROM cases_searchname")
    cursor.execute(fill_sql(cursor.db.vendor))
