"""Reports on an ungdomstjänst or a medling to åklagare/domstol: producing one is an utlämnande."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, InsatsCode
from consent.models import Actor, Disclosure, LegalBasis
from consent.services import disclosure_record
from core import formats
from core.models import User
from interventions.models import (
    CommunityServiceOrder,
    Mediation,
)
from interventions.selectors.community_service import community_service_performed_hours
from interventions.services.common import today

# ---------------------------------------------------------------- reports to åklagare/domstol

REPORT_RECIPIENTS = ("aklagare", "domstol")  # consent.Actor codes (migration consent 0007)
REPORT_DEFAULT_BASIS = "osl_10_28"  # uppgiftsskyldighet: the reports are required by BrB 32 kap. and lag 2002:445


def _report_what_sent(case: Case, kind: str) -> str:
    """What the report holds, described for the utlämnande (counts and statuses, no copy of the texts)."""
    if kind == InsatsCode.COMMUNITY_SERVICE:
        order = CommunityServiceOrder.objects.filter(case=case).first()
        if order is None:
            raise ValidationError(_("Registrera först domen/beslutet om ungdomstjänst."))
        held = (
            _("arbetsplatser, utförda tillfällen och bedömning.")
            if order.assessment
            else _("arbetsplatser och utförda tillfällen.")
        )
        return _(
            "Rapport om ungdomstjänst: dom/beslut, %(done)s av %(hours)s timmar utförda, status %(status)s, %(held)s"
        ) % {
            "held": held,
            "done": formats.quantity(community_service_performed_hours(order)),
            "hours": formats.quantity(order.ordered_hours),
            "status": order.get_status_display().lower(),
        }
    if kind == InsatsCode.MEDIATION:
        mediation = Mediation.objects.filter(case=case).first()
        if mediation is None:
            raise ValidationError(_("Registrera först uppgifterna om medlingen."))
        return _(
            "Rapport om medling: brottet, förutsättningarna enligt 5 §, samråd, möten och utfall (%(status)s)."
        ) % {"status": (mediation.get_outcome_display() or mediation.get_status_display()).lower()}
    raise ValidationError(_("Okänd rapport."))


@transaction.atomic
def insats_report_disclose(
    *,
    actor: User,
    case: Case,
    kind: str,
    recipient: Actor,
    legal_basis: LegalBasis,
    recipient_detail: str = "",
) -> Disclosure:
    """Producing the report on an ungdomstjänst or a medling for åklagare/domstol is an utlämnande: it is
    recorded (recipient, legal basis, what was sent, today, decided by the one who sends it) before the
    report is printed, through consent.services.disclosure_record (which checks a consent-based basis)."""
    # a closed case may still report (the report often follows the end of the insats); the record is append-only
    locked = Case.objects.select_related("insats_type", "person").get(pk=case.pk)
    if locked.insats_type.code != kind:
        raise ValidationError(_("Uppgifterna hör inte till den här insatsen."), code="insats")
    if recipient.code not in REPORT_RECIPIENTS:
        raise ValidationError({"recipient": _("Rapporten skickas till åklagare eller domstol.")})
    return disclosure_record(
        actor=actor,
        person=locked.person,
        case=locked,
        recipient=recipient,
        recipient_detail=recipient_detail,
        what_sent=_report_what_sent(locked, kind),
        legal_basis=legal_basis,
        disclosed_on=today(),
        decided_by=actor,
    )
