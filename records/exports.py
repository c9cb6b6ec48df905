"""Downloads of the access pages: the loggkontroll and loggutdrag CSV files and the registerutdrag JSON.

They lay out rows the selectors have fetched, masked and access-logged; nothing here queries or logs.
File names hold a date only, never a name or a personnummer.
"""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.export_cells import safe_row
from core.models import AccessLog, User
from records.extract import RegisterExtract, person_identity
from records.selectors import AccessLogExport, FlaggedAccessLog


class _Line:
    """A file-like object csv.writer writes one line into; the streaming export yields each line."""

    def write(self, value: str) -> str:
        return value


ResponseT = TypeVar("ResponseT", HttpResponse, StreamingHttpResponse)


def _attachment(response: ResponseT, filename: str) -> ResponseT:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _download(content: str, *, content_type: str, filename: str) -> HttpResponse:
    return _attachment(HttpResponse(content, content_type=content_type), filename)


def csv_lines(header: list[str], lines: Iterable[list]) -> Iterator[str]:
    """The CSV text line by line (a BOM first: Excel opens UTF-8 with one correctly); every cell formula-safe."""
    writer = csv.writer(_Line(), delimiter=";")
    yield "\ufeff" + writer.writerow(safe_row(header))
    for line in lines:
        yield writer.writerow(safe_row(line))


def csv_response(filename: str, header: list[str], lines: Iterable[list]) -> HttpResponse:
    return _download("".join(csv_lines(header, lines)), content_type="text/csv; charset=utf-8", filename=filename)


def csv_streaming_response(filename: str, header: list[str], lines: Iterable[list]) -> StreamingHttpResponse:
    """A CSV sent while it is written: rows come from a database cursor, so neither the worker's memory nor
    the time to the first byte grows with the number of rows."""
    response = StreamingHttpResponse(csv_lines(header, lines), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def _at(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i:s")


def _reader(row: AccessLog) -> str:
    return row.user.get_full_name() or row.user.username


def _flags_text(row: FlaggedAccessLog) -> str:
    flags = []
    if row.outside_caseload:
        flags.append(_("utanför ärendemängd"))
    if row.outside_unit:
        flags.append(_("utanför enhet"))
    if row.protected_flag:
        flags.append(_("skyddad identitet"))
    if row.burst:
        flags.append(_("många personer på en timme"))
    return ", ".join(flags)


ACCESSLOG_HEADER = [
    _lazy("Tidpunkt"),
    _lazy("Användare"),
    _lazy("Roll"),
    _lazy("Enhet"),
    _lazy("Person-id"),
    _lazy("Person"),
    _lazy("Ärende-id"),
    _lazy("Åtgärd"),
    _lazy("Vad"),
    _lazy("Skyddad identitet visad"),
    _lazy("IP-adress"),
    _lazy("Flaggor"),
]


def accesslog_csv(export: AccessLogExport) -> StreamingHttpResponse:
    """Loggkontroll rows (flagged, with the names the viewer may see) as a CSV download, streamed."""
    lines = (
        [
            _at(item.row.at),
            _reader(item.row),
            item.row.role,
            str(item.row.unit or ""),
            str(item.row.person_id),
            item.person_label,
            str(item.row.case_id or ""),
            item.row.get_action_display(),
            item.row.what_display,
            _("Ja") if item.row.protected_identity else _("Nej"),
            item.row.ip_address or "",
            _flags_text(item.row),
        ]
        for item in export.shown()
    )
    header = [str(label) for label in ACCESSLOG_HEADER]
    return csv_streaming_response(f"loggkontroll-{timezone.localdate().isoformat()}.csv", header, lines)


def person_reads_csv(rows: list[AccessLog]) -> HttpResponse:
    """Loggutdrag: who read one person's record, as a CSV download."""
    header = [_("Tidpunkt"), _("Användare"), _("Roll"), _("Enhet"), _("Åtgärd"), _("Vad")]
    lines = [
        [_at(row.at), _reader(row), row.role, str(row.unit or ""), row.get_action_display(), row.what_display]
        for row in rows
    ]
    return csv_response(f"loggutdrag-{timezone.localdate().isoformat()}.csv", header, lines)


def registerutdrag_json(extract: RegisterExtract, *, generated_by: User) -> HttpResponse:
    """The registerutdrag as a JSON download (the same content as its PDF)."""
    payload = {
        "generated_at": extract.generated_at.isoformat(),
        "generated_by": generated_by.get_full_name() or generated_by.username,
        "scope": _("Utdraget omfattar ärenden vid enheter som du har behörighet till."),
        "person": {str(key): value for key, value in person_identity(extract.person, for_pdf=False).items()},
        "sections": [{"key": s.key, "title": s.title, "rows": s.rows} for s in extract.sections],
        "access_log": [
            {
                "at": row.at.isoformat(),
                "user": _reader(row),
                "role": row.role,
                "unit": str(row.unit or ""),
                "action": row.get_action_display(),
                "what": row.what_display,
            }
            for row in extract.reads
        ],
        "access_grants": [
            {
                "at": event.at.isoformat(),
                "kind": event.get_kind_display(),
                "action": event.get_action_display(),
                "grantee": str(event.grantee),
                "decided_by": str(event.actor),
                "reason": event.reason,
            }
            for event in extract.grants
        ],
        "change_history": [
            {
                "at": item["entry"].at.isoformat(),
                "by": str(item["entry"].actor),
                "record": item["what"],
                "action": item["entry"].get_action_display(),
                "changes": item["changes"],
            }
            for item in extract.history_rows
        ],
    }
    return _download(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        filename=f"registerutdrag-{extract.generated_at:%Y-%m-%d}.json",
    )
