"""Pure rules of the insatser: no queries, no writes, so pages, services and tests decide the same way.

- avhopp routing (docs/domain.md "Insatser"), years of age or service;
- medling: what still stops a start under § 5 of lag 2002:445, and how long it has waited (§ 6, skyndsamt);
- which insatser record återfall.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from cases.identity import age_on
from cases.models import InsatsCode
from interventions.models import (
    Mediation,
    MediationStatus,
    MeetingKind,
    PartyRole,
    ThreatLevel,
)

# återfall: the indicator of effect in the SIG special follow-up
REOFFENCE_INSATSER = (InsatsCode.SIG.value, InsatsCode.AVHOPP.value)

MEDIATION_MIN_AGE = 12

ROUTE_SIG = InsatsCode.SIG.value
ROUTE_FENIX = "fenix"
ROUTE_ADULT = "vuxen"
ROUTE_NONE = ""


@dataclass(frozen=True)
class Routing:
    code: str
    text: str


def avhopp_routing(*, age: int, motivated: bool, threat_level: str) -> Routing:
    """Routing suggestion for an avhoppare (docs/domain.md "Insatser"): 21+ → avdelning vuxen; under 21 with a serious
    (konkret) threat → Fenix; 16+ motivated without a serious threat → SIG; otherwise no suggestion."""
    serious = threat_level == ThreatLevel.CONCRETE
    if age >= 21:
        return Routing(ROUTE_ADULT, _("Avdelning vuxen (21 år eller äldre)."))
    if serious:
        return Routing(ROUTE_FENIX, _("Fenix (under 21 år med allvarlig hotbild)."))
    if age >= 16 and motivated:
        return Routing(
            ROUTE_SIG, _("Sociala insatsgrupper, SIG (16 år eller äldre, motiverad, ingen allvarlig hotbild).")
        )
    if not motivated:
        return Routing(
            ROUTE_NONE, _("Inget förslag: ungdomen bedöms inte som motiverad. Arbeta vidare med motivationen.")
        )
    return Routing(ROUTE_NONE, _("Inget förslag: under 16 år utan allvarlig hotbild. Bedöm inom barn och unga."))


def years_between(start: datetime.date, end: datetime.date) -> int:
    return max(age_on(start, end), 0)


# ---------------------------------------------------------------- medling


def mediation_start_problems(mediation: Mediation, on: datetime.date) -> list[str]:
    """What still stops the mediation from starting (§ 5), in Swedish; empty when it may start."""
    problems = []
    if not mediation.checks_recorded_on:
        problems.append(_("Kontrollerna enligt 5 § är inte registrerade."))
    if not mediation.offender_volunteers:
        problems.append(_("Gärningspersonen har inte bekräftat att hen deltar frivilligt."))
    if not mediation.victim_volunteers:
        problems.append(_("Brottsoffret har inte bekräftat att hen deltar frivilligt."))
    if not mediation.reported_to_police:
        problems.append(_("Brottet är inte anmält till polisen."))
    if not mediation.offender_admitted:
        problems.append(_("Gärningspersonen har inte erkänt gärningen."))
    if not mediation.suitability_assessed:
        problems.append(_("Lämpligheten är inte bedömd."))
    if mediation.case.person.age_on(on) < MEDIATION_MIN_AGE and not mediation.under_12_reason:
        problems.append(_("Gärningspersonen är under 12 år: medling kräver synnerliga skäl, som måste anges."))
    if not any(party.role == PartyRole.VICTIM for party in mediation.parties.all()):
        problems.append(_("Brottsoffret är inte registrerat som part."))
    if mediation.mediator_id is None:
        problems.append(_("Ingen medlare är utsedd."))
    return problems


def mediation_waiting_days(*, mediation: Mediation, opened_on: datetime.date, on: datetime.date) -> int | None:
    """Days the mediation has waited, when it has waited longer than MEDIATION_REMINDER_DAYS without a
    mediation meeting (lag 2002:445 § 6: skyndsamt); else None."""
    if mediation.status == MediationStatus.ENDED:
        return None
    held = any(m.kind == MeetingKind.MEDIATION for m in mediation.meetings.all())
    days = (on - opened_on).days
    if not held and days > settings.MEDIATION_REMINDER_DAYS:
        return days
    return None
