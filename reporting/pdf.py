"""The nämnd-ready PDF: the report snapshot rendered by WeasyPrint (A4, Swedish, embedded fonts, no network)."""

from django.template.loader import render_to_string
from weasyprint import HTML

from reporting import charts


def report_context(figures: dict, *, commentary: dict[str, str], meta: dict) -> dict:
    """The template context shared by the PDF and the on-screen report of a stored version."""
    district = next((d for d in figures.get("distributions", []) if d["key"] == "district"), None)
    return {
        "f": figures,
        "meta": meta,
        "commentary": commentary,
        "volume_chart": charts.volume_chart(figures.get("volumes", [])),
        "district_chart": charts.distribution_chart(district) if district else "",
    }


def _no_network(url: str):
    """WeasyPrint URL fetcher that refuses everything: the report embeds all it needs."""
    raise ValueError(f"external resource refused: {url[:80]}")


def render_pdf(figures: dict, *, commentary: dict[str, str], meta: dict) -> bytes:
    html = render_to_string("reporting/pdf/report.html", report_context(figures, commentary=commentary, meta=meta))
    return HTML(string=html, url_fetcher=_no_network, base_url="/").write_pdf()
