"""PDFs of plans, mediation and ungdomstjänst. Templates use the masked display_* properties of Person only,
and never print an address (so an address under skyddad folkbokföring cannot leak into a PDF)."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse

from cases.models import Case
from core import pdf
from core.models import User
from documents.selectors import aktbilaga_content, aktbilaga_for_disclosure
from documents.services import aktbilaga_record


@dataclass(frozen=True)
class GivenOut:
    """The PDF leaves the product (to the family, or to another authority under an utlämnande): it is kept as an
    aktbilaga of the case (documents.services.aktbilaga_record)."""

    actor: User
    case: Case
    kind: str
    utlamnande: object | None = None  # consent.Disclosure (consent sits above documents)


def pdf_response(*, template: str, context: dict, filename: str, given_out: GivenOut | None = None) -> HttpResponse:
    """Render `template` to a PDF served inline; the file name holds only the case number, never a name.

    Given out under an utlämnande, the first print is kept and every later print returns that same file: what
    was sent is what is shown again, even when the insats has changed since."""
    if given_out is not None and given_out.utlamnande is not None:
        kept = aktbilaga_for_disclosure(disclosure=given_out.utlamnande, kind=given_out.kind)
        if kept is not None:
            return pdf.pdf_response(aktbilaga_content(kept), filename=kept.filename)
    document = pdf.render_pdf(template, {"municipality_name": settings.MUNICIPALITY_NAME, **context})
    if given_out is not None:
        aktbilaga_record(
            actor=given_out.actor,
            case=given_out.case,
            kind=given_out.kind,
            filename=filename,
            content=document,
            utlamnande=given_out.utlamnande,
        )
    return pdf.pdf_response(document, filename=filename)
