"""PDFs of plans, mediation and ungdomstjänst. Templates use the masked display_* properties of Person only,
and never print an address (so an address under skyddad folkbokföring cannot leak into a PDF)."""

from django.conf import settings
from django.http import HttpResponse

from core import pdf


def pdf_response(*, template: str, context: dict, filename: str) -> HttpResponse:
    """Render `template` to a PDF served inline; the file name holds only the case number, never a name."""
    document = pdf.render_pdf(template, {"municipality_name": settings.MUNICIPALITY_NAME, **context})
    return pdf.pdf_response(document, filename=filename)
