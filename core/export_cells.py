"""Formula-safe cells for every CSV and Excel export (CWE-1236, "CSV injection").

A name, a district name or a free text typed as `=HYPERLINK(...)`, `+cmd|...`, `-2+3`, `@SUM(...)` or
starting with a tab or a carriage return is run as a formula when Excel or LibreOffice opens the file.
Every writer passes its rows through `safe_row` (or a single value through `safe_cell`): such text gets a
leading apostrophe, which spreadsheet programs read as "this is text". Numbers stay numbers, and a text that
is only a number ("-3", "+12 %", "-1,5") is left as it is: a spreadsheet reads it as a number, never a formula.
"""

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# a signed number as the exports print them: -3, +12 %, -1,5, -1 234
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\u00a0\u202f ]*(?:[.,]\d+)?(?: ?%)?")


def safe_cell(value: Any) -> Any:
    """The value to write into a CSV or Excel cell: text that a spreadsheet would run is made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """`safe_cell` of every value of one row."""
    return [safe_cell(value) for value in values]
