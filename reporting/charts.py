"""Charts for the follow-up drawn as inline SVG in Python: no JavaScript, no network, printable in the PDF.

Each chart carries a <title> and <desc>, and the same figures are always in a table next to it, so no
information is given by the picture (or by colour) alone. Input is the report snapshot (dicts).
"""

import base64

from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from reporting.suppression import SUPPRESSED_LABEL

FONT = "DejaVu Sans, Liberation Sans, sans-serif"
INK = "#1f2933"
MUTED = "#4a5560"
BAR = "#1d4f7a"
BAR_PREVIOUS = "#9fb3c8"
TARGET = "#e8b04a"
GRID = "#c9d1d9"


def _svg(
    width: int, height: int, title: str, description: str, body: list[str], chart_id: str, *, as_image: bool
) -> str:
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}" font-size="11">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )
    if not as_image:
        return markup
    # For the PDF: WeasyPrint reads an image with its own SVG reader, whereas an inline chart's every bar and label
    # went through the HTML parser and the CSS cascade (six pseudo-elements each) first. The same drawing; the alt
    # text is the title, as the inline chart's <title> was in the tagged PDF.
    source = "data:image/svg+xml;base64," + base64.b64encode(markup.encode()).decode("ascii")
    return format_html('<img class="chart" src="{}" alt="{}">', source, title)


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, size: int = 11, bold=False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" font-size="{size}"{weight}>'
        f"{escape(text)}</text>"
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 10
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return float(step * ((int(value) // step) + 1))
    return float(value * 1.1)


def volume_chart(volumes: list[dict], *, chart_id: str = "volymer", as_image: bool = False) -> str:
    """New cases per insats as bars, with the agreed (pro-rated) range as a band behind each bar.

    as_image: an <img> of a data: URL instead of inline SVG (the PDF)."""
    rows = volumes or []
    label_width, bar_width, row_height, top = 230, 320, 30, 30
    width = label_width + bar_width + 90
    height = top + row_height * max(len(rows), 1) + 40
    scale_max = _nice_max(max([row["new"] or 0 for row in rows] + [row["target_max"] or 0 for row in rows] + [1]))

    def x(value: float) -> float:
        return label_width + bar_width * value / scale_max

    body = [_text(label_width, 14, _("Nya ärenden under perioden mot avtalad volym för perioden"), fill=MUTED)]
    for tick in range(0, 5):
        value = scale_max * tick / 4
        body.append(
            f'<line x1="{x(value):.1f}" y1="{top - 6}" x2="{x(value):.1f}" y2="{height - 34}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        body.append(_text(x(value), height - 20, f"{value:.0f}", anchor="middle", fill=MUTED, size=9))
    for index, row in enumerate(rows):
        y = top + index * row_height
        body.append(_text(label_width - 8, y + 16, row["name"][:40], anchor="end"))
        if row.get("target_min") is not None:
            low, high = row["target_min"], row["target_max"]
            band = max(x(high) - x(low), 2.5)
            body.append(
                f'<rect x="{x(low):.1f}" y="{y + 1}" width="{band:.1f}" height="{row_height - 4}" '
                f'fill="{TARGET}" fill-opacity="0.45" stroke="{TARGET}" stroke-width="1"/>'
            )
        if row["new"] is None:
            body.append(_text(label_width + 4, y + 16, row["displays"]["new"], fill=MUTED))  # "<5" or "×"
            continue
        body.append(
            f'<rect x="{label_width}" y="{y + 7}" width="{max(x(row["new"]) - label_width, 0):.1f}" '
            f'height="{row_height - 16}" fill="{BAR}"/>'
        )
        body.append(_text(x(row["new"]) + 4, y + 16, row["displays"]["new"].replace("\u00a0", " "), bold=True))
    legend_y = height - 6
    body.append(f'<rect x="{label_width}" y="{legend_y - 9}" width="12" height="9" fill="{BAR}"/>')
    body.append(_text(label_width + 16, legend_y, _("Nya ärenden"), size=9))
    body.append(
        f'<rect x="{label_width + 110}" y="{legend_y - 9}" width="12" height="9" fill="{TARGET}" fill-opacity="0.45" '
        f'stroke="{TARGET}"/>'
    )
    body.append(_text(label_width + 126, legend_y, _("Avtalad volym (omräknad till perioden)"), size=9))
    description = "; ".join(
        f"{row['name']}: {row['displays']['new']} {_('nya')}, {_('avtalat')} {row['target_display']}" for row in rows
    )
    return _svg(width, height, _("Volymer mot överenskommelsen"), description, body, chart_id, as_image=as_image)


def distribution_chart(
    distribution: dict, *, chart_id: str = "omraden", limit: int = 12, as_image: bool = False
) -> str:
    """Share of young people per group (e.g. district), this period and the same period a year earlier."""
    rows = (distribution.get("rows") or [])[:limit]
    label_width, bar_width, row_height, top = 150, 360, 26, 30
    width = label_width + bar_width + 80
    height = top + row_height * max(len(rows), 1) + 36
    scale_max = max([row["percent"] or 0 for row in rows] + [row["previous_percent"] or 0 for row in rows] + [10])
    scale_max = float(min(100, ((int(scale_max) // 20) + 1) * 20))  # quarters fall on whole 5 %

    def x(value: float) -> float:
        return label_width + bar_width * value / scale_max

    body = [_text(label_width, 14, _("Andel av aktuella ungdomar (%)"), fill=MUTED)]
    for tick in range(0, 5):
        value = scale_max * tick / 4
        body.append(
            f'<line x1="{x(value):.1f}" y1="{top - 6}" x2="{x(value):.1f}" y2="{height - 30}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        body.append(_text(x(value), height - 17, f"{value:.0f} %", anchor="middle", fill=MUTED, size=9))
    for index, row in enumerate(rows):
        y = top + index * row_height
        body.append(_text(label_width - 8, y + 14, row["label"][:24], anchor="end"))
        if row["percent"] is None:
            body.append(_text(label_width + 4, y + 14, SUPPRESSED_LABEL, fill=MUTED))
        else:
            body.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{x(row["percent"]) - label_width:.1f}" height="11" '
                f'fill="{BAR}"/>'
            )
            body.append(_text(x(row["percent"]) + 4, y + 13, row["percent_display"].replace("\u00a0", " "), bold=True))
        if row["previous_percent"] is not None:
            body.append(
                f'<rect x="{label_width}" y="{y + 15}" width="{x(row["previous_percent"]) - label_width:.1f}" '
                f'height="6" fill="{BAR_PREVIOUS}"/>'
            )
    legend_y = height - 4
    body.append(f'<rect x="{label_width}" y="{legend_y - 9}" width="12" height="9" fill="{BAR}"/>')
    body.append(_text(label_width + 16, legend_y, _("Perioden"), size=9))
    body.append(f'<rect x="{label_width + 90}" y="{legend_y - 7}" width="12" height="6" fill="{BAR_PREVIOUS}"/>')
    body.append(_text(label_width + 106, legend_y, _("Samma period året innan"), size=9))
    description = "; ".join(f"{row['label']}: {row['percent_display']}" for row in rows)
    return _svg(width, height, distribution.get("title", ""), description, body, chart_id, as_image=as_image)
