"""The beslut letter of an avslag, with besvärshänvisning, as a PDF; and the seam that keeps it in the akt.

`letter_keep` is the one place a letter leaves this app to be kept. Until the documents app's aktbilaga
service (issue 21.2) is merged it keeps only the letter's SHA-256 (decisions.services writes it into the
beslut's change history, so the letter given can be checked against a re-rendering); at merge its body becomes
`documents.services.aktbilaga_record(actor=actor, case=case, kind=kind, filename=filename, content=content)`.
"""

from django.conf import settings
from django.utils import timezone

from cases.models import Case
from core import pdf
from core.models import User
from decisions.models import Decision
from documents.services import aktbilaga_record

# documents.models.AktbilagaKind.DECISION_LETTER on branch h7 (issue 21.2)
LETTER_KIND = "beslut"


def letter_filename(decision: Decision) -> str:
    """No name or personnummer: the case number and the beslut date."""
    return f"beslut-avslag-{decision.case.number}-{decision.decided_on.isoformat()}.pdf"


def avslag_letter_pdf(*, decision: Decision, case: Case) -> bytes:
    """The letter to the young person: what was applied for, the beslut with lagrum and motivering, who decided,
    and how to appeal. `case.person` was loaded through cases.selectors, so a protected identity stays masked;
    a protected person's address is never printed (post goes through Skatteverket's förmedlingsuppdrag)."""
    context = {
        "decision": decision,
        "case": case,
        "person": case.person,
        "municipality_name": settings.MUNICIPALITY_NAME,
        "printed_on": timezone.localdate(),
    }
    return pdf.render_pdf("decisions/pdf/avslag_letter.html", context)


def letter_keep(*, actor: User, case: Case, kind: str, filename: str, content: bytes) -> str:
    """Keep the exact letter given out as an aktbilaga of the case (issue 21.2); returns its SHA-256."""
    return aktbilaga_record(actor=actor, case=case, kind=kind, filename=filename, content=content).sha256
