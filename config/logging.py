"""JSON log lines without personal data.

Log records are for operations: ids, codes and timings. A personnummer or samordningsnummer that slips
into a message anyway (an exception text quoting a unique key, say) is replaced before the line is
written, and so is an e-mail address. Request objects attached by Django are reduced to method and path
(without the query string, which may hold a search term).
"""

import datetime
import json
import logging
import re

# 12 or 10 digits, optionally with - or + before the last four (personnummer, samordningsnummer).
ID_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept (scrubbed).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
_DROPPED = {"request", "server_time", "args"}


def scrub(text: str) -> str:
    """Replace identity numbers and e-mail addresses in free text."""
    return EMAIL.sub("[e-post]", ID_NUMBER.sub("[personnummer]", text))


def _plain(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return scrub(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any `extra` fields, scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "process": record.process,
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = scrub(getattr(request, "path", ""))
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _DROPPED and not key.startswith("_"):
                entry[key] = _plain(value)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
