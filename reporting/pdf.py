"""The nämnd-ready PDF: the report snapshot rendered by core.pdf (A4, Swedish, embedded fonts, no fetches, tagged
PDF/A-2a)."""

from core import pdf
from reporting import charts


def report_context(figures: dict, *, commentary: dict[str, str], meta: dict, charts_as_images: bool = False) -> dict:
    """The template context shared by the PDF and the on-screen report of a stored version.

    charts_as_images: the charts as <img> of data: URLs rather than inline SVG (the PDF renders faster so)."""
    district = next((d for d in figures.get("distributions", []) if d["key"] == "district"), None)
    return {
        "f": figures,
        "meta": meta,
        "commentary": commentary,
        "volume_chart": charts.volume_chart(figures.get("volumes", []), as_image=charts_as_images),
        "district_chart": charts.distribution_chart(district, as_image=charts_as_images) if district else "",
    }


# Tagged PDF/A-2a: the nämnd's report is a public document the diarium archives (DOS-lagen asks for accessible,
# tagged documents; PDF/A embeds every font and forbids outside references).
PDF_VARIANT = "pdf/a-2a"


def render_pdf(figures: dict, *, commentary: dict[str, str], meta: dict) -> bytes:
    context = report_context(figures, commentary=commentary, meta=meta, charts_as_images=True)
    return pdf.render_pdf("reporting/pdf/report.html", context, pdf_variant=PDF_VARIANT)
