"""The quarterly report of beslut not verkställda within three months: a CSV for IVO's e-service (one row per
beslut, nothing that names the person) and a PDF table of counts for the nämnd (1–4 shown as "<5")."""

import csv
import datetime
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core import pdf
from core.export_cells import safe_row
from core.models import User
from decisions.selectors import NamndLine, QuarterReport


def _date(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def ivo_csv(report: QuarterReport) -> bytes:
    """Semicolon-separated UTF-8 with BOM (opens right in Swedish Excel), one row per beslut, for IVO."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Beslutsdatum"),
            _("Typ av insats"),
            _("Lagrum"),
            _("Kön"),
            _("Orsak till dröjsmål"),
            _("Datum verkställt"),
            _("Datum avslutat"),
        ]
    )
    for row in report.rows:
        writer.writerow(
            safe_row(
                [
                    _date(row.decided_on),
                    str(row.insats),
                    str(row.lagrum),
                    str(row.gender_label),
                    row.delay_reason or "",
                    _date(row.executed_on),
                    _date(row.ended_on),
                ]
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def namnd_pdf(*, report: QuarterReport, lines: list[NamndLine], user: User) -> bytes:
    context = {
        "report": report,
        "lines": lines,
        "unit": user.unit,
        "municipality_name": settings.MUNICIPALITY_NAME,
        "printed_on": timezone.localdate(),
    }
    return pdf.render_pdf("decisions/pdf/namnd_report.html", context)
