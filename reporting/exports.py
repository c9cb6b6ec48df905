"""Excel (openpyxl) and CSV exports of a follow-up: the same snapshot, the same suppression as the PDF.

Both are built from `report_tables(figures)`, a list of plain tables. Hidden cells hold the text shown in the
report ("<5", "×" for a count hidden so that another cannot be worked out, "Uppgift saknas" for a comparison
period without data); every other count, the agreed volumes and the budget are numbers, the periods dates.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core import formats
from core.export_cells import safe_row
from reporting.suppression import SUPPRESSED_LABEL

# a published figure in a cell: a count, a share or an amount (the figures are JSON, amounts may be Decimal)
Number = int | float | Decimal


@dataclass
class Table:
    name: str  # sheet name (max 31 characters)
    title: str
    headers: list[str]
    rows: list[list]


def _cell(value: Number | None, display: str | int | None = None) -> Number | str:
    """A published number, or the text shown instead of it ("<5", "–")."""
    if value is None:
        return display if display is not None else SUPPRESSED_LABEL
    return value


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _shown(row: dict, metric: str):
    """A volume cell: its number, or the text shown instead ("<5", "×", "Uppgift saknas")."""
    value = row.get(metric)  # .get: a snapshot stored before a column existed has no value for it
    return value if value is not None else row["displays"].get(metric, "–")


def report_tables(figures: dict) -> list[Table]:
    period, previous = figures["period_label"], figures["previous_period_label"]
    agreement = figures.get("agreement") or {}
    tables = [
        Table(
            name=_("Sammanfattning"),
            title=f"{figures['title']} – {figures['provider']}"
            + (f", {figures['unit']}" if figures["unit"] else "")
            + f" – {period}",
            headers=[_("Nyckeltal"), period, previous, _("Förändring")],
            rows=[
                [
                    row["label"],
                    _cell(row["current"], row["current_display"]),
                    _cell(row["previous"], row["previous_display"]),
                    row["change_display"],
                ]
                for row in figures["key_figures"]
            ]
            # the periods as dates (a spreadsheet can sort and filter on them)
            + [
                [
                    _("Periodens första dag"),
                    _date(figures["period"]["start"]),
                    _date(figures["previous_period"]["start"]),
                    "",
                ],
                [
                    _("Periodens sista dag"),
                    _date(figures["period"]["end"]),
                    _date(figures["previous_period"]["end"]),
                    "",
                ],
            ]
            + (
                [
                    [_("Överenskommelsens budget per år (kr)"), agreement["budget"], "", ""],
                ]
                if agreement
                else []
            ),
        ),
        Table(
            name=_("Volymer"),
            title=_("Nya ärenden per insats mot avtalad volym"),
            headers=[
                _("Insats"),
                _("Nya"),
                _("varav bistånd"),
                _("varav service"),
                _("Avslutade"),
                _("Oplanerade avslut"),
                _("Pågående vid periodens slut"),
                _("Aktuella ungdomar under perioden"),
                _("Avtal per år, lägst"),
                _("Avtal per år, högst"),
                _("Avtal för perioden, lägst"),
                _("Avtal för perioden, högst"),
                _("Uppfyllelse (%)"),
                _("Läge"),
                _("Nya året innan"),
            ],
            rows=[
                [
                    row["name"],
                    _shown(row, "new"),
                    _shown(row, "new_assistance"),
                    _shown(row, "new_service"),
                    _shown(row, "closed"),
                    _shown(row, "unplanned"),
                    _shown(row, "open_at_end"),
                    _shown(row, "persons"),
                    _cell(row.get("agreed_min"), "–"),
                    _cell(row.get("agreed_max"), "–"),
                    _cell(row["target_min"], "–"),
                    _cell(row["target_max"], "–"),
                    _cell(row["attainment_percent"], row["attainment_display"]),
                    row["status_display"],
                    _shown(row, "previous_new"),
                ]
                for row in figures["volumes"]
            ],
        ),
    ]
    sheet_names = {"district": _("Områden"), "age_band": _("Ålder"), "gender": _("Kön")}
    for dist in figures["distributions"]:
        tables.append(
            Table(
                name=sheet_names.get(dist["key"], dist["key"])[:31],
                title=dist["title"],
                headers=[
                    dist["title"],
                    f"{dist['unit_label']} {period}",
                    _("Andel (%)"),
                    f"{dist['unit_label']} {previous}",
                    _("Andel (%)"),
                ],
                rows=[
                    [
                        row["label"],
                        _cell(row["count"], row["count_display"]),
                        _cell(row["percent"], "–" if row["count"] is None else 0),
                        _cell(row["previous_count"], row["previous_display"]),
                        _cell(row["previous_percent"], "–" if row["previous_count"] is None else 0),
                    ]
                    for row in dist["rows"]
                ]
                + [
                    [
                        _("Totalt"),
                        _cell(dist["total"], dist["total_display"]),
                        100,
                        _cell(dist["previous_total"], dist["previous_total_display"]),
                        100 if dist["previous_total"] is not None else "–",
                    ]
                ],
            )
        )
    extra_rows = []
    for extra in figures["extras"]:
        if not extra["available"]:
            extra_rows.append([extra["title"], extra["note"], "", ""])
        for row in extra["figures"]:
            extra_rows.append(
                [
                    extra["title"],
                    row["label"],
                    _cell(row["current"], row["current_display"]),
                    _cell(row["previous"], row["previous_display"]),
                ]
            )
    tables.append(
        Table(
            name=_("SIG, avhopp, fält"),
            title=_("SIG, avhopp och fältverksamhet"),
            headers=[_("Avsnitt"), _("Uppgift"), period, previous],
            rows=extra_rows,
        )
    )
    return tables


def render_xlsx(figures: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for table in report_tables(figures):
        sheet = workbook.create_sheet(table.name[:31])
        sheet.append(safe_row([table.title]))
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([])
        sheet.append(safe_row(table.headers))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(safe_row(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "B4"
        for index, _header in enumerate(table.headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 40 if index == 1 else 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_csv(figures: dict) -> bytes:
    """Long format, one figure per line: avsnitt; rad; kolumn; värde (semicolon, UTF-8 with BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row([_("avsnitt"), _("rad"), _("kolumn"), _("värde")]))
    for table in report_tables(figures):
        for row in table.rows:
            for header, value in zip(table.headers[1:], row[1:], strict=False):
                writer.writerow(safe_row([table.name, row[0], header, _csv_value(value)]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(formats.round_half_up(value, 1)).replace(".", ",")  # the one rounding rule, no grouping
    return str(value).replace("\u00a0", " ")
