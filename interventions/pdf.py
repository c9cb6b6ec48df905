"""PDF rendering with WeasyPrint. Templates use the masked display_* properties of Person only, and
never print an address (so an address under skyddad folkbokföring cannot leak into a PDF)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML


def pdf_response(*, template: str, context: dict, filename: str) -> HttpResponse:
    """Render `template` to a PDF served inline; the file name holds only the case number, never a name."""
    html = render_to_string(template, {"municipality_name": settings.MUNICIPALITY_NAME, **context})
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
