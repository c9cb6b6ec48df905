"""PDFs of plans, mediation and ungdomstjänst. Templates use the masked display_* properties of Person only,
and never print an address (so an address under skyddad folkbokföring cannot leak into a PDF)."""

from django.conf import settings
from django.http import HttpResponse

from core import pdf
from documents.selectors import aktbilaga_content, aktbilaga_for_disclosure
from documents.services import aktbilaga_record


def pdf_response(*, template: str, context: dict, filename: str) -> HttpResponse:
    """Render `template` to a PDF served inline; the file name holds only the case number, never a name."""
    document = pdf.render_pdf(template, {"municipality_name": settings.MUNICIPALITY_NAME, **context})
    return pdf.pdf_response(document, filename=filename)


def given_out_pdf_response(
    *, template: str, context: dict, filename: str, actor, case, kind: str, utlamnande=None
) -> HttpResponse:
    """A PDF that leaves the product, kept as an aktbilaga of the case (documents.services.aktbilaga_record).

    For an utlämnande the first print is kept and every later print returns that same file: what was sent is
    what is shown again, even when the insats has changed since."""
    if utlamnande is not None:
        kept = aktbilaga_for_disclosure(disclosure=utlamnande, kind=kind)
        if kept is not None:
            return pdf.pdf_response(aktbilaga_content(kept), filename=kept.filename)
    document = pdf.render_pdf(template, {"municipality_name": settings.MUNICIPALITY_NAME, **context})
    aktbilaga_record(actor=actor, case=case, kind=kind, filename=filename, content=document, utlamnande=utlamnande)
    return pdf.pdf_response(document, filename=filename)
