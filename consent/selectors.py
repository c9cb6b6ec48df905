"""Consent reads. `sharing_decision` is the one function that answers "may actor X receive
information about person Y on date D?"; plans, disclosures and the case page all ask it.

Rule (DOMAIN.md, seed 001):
- the young person must consent themself from settings.CONSENT_OWN_AGE (default 15), or younger when
  the latest maturity assessment on or before D says they are mature enough;
- while the young person is under 18, every registered custodian must consent, and at least one
  custodian must be registered;
- a consent counts on D when given on or before D, not expired (valid_until >= D), and not revoked on
  or before D. Actors that do not need consent (socialtjänst itself, the family) are always allowed.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import Person
from consent.models import Actor, Consent, MaturityAssessment

ADULT_AGE = 18


@dataclass
class SharingDecision:
    allowed: bool
    missing: list[str] = field(default_factory=list)  # Swedish descriptions of who has not consented

    def __bool__(self):
        return self.allowed

    @property
    def message(self) -> str:
        if self.allowed:
            return _("Giltigt samtycke finns.")
        return _("Samtycke saknas från: %(who)s.") % {"who": ", ".join(self.missing)}


def consents_valid_on(*, person: Person, actor: Actor, on: datetime.date) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(person=person, actors=actor, given_on__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exclude(revocation__revoked_on__lte=on)
    )


def person_consents_themself(*, person: Person, on: datetime.date) -> bool:
    """Whether the young person's own consent is needed (and counts) on this date."""
    if person.age_on(on) >= settings.CONSENT_OWN_AGE:
        return True
    latest = (
        MaturityAssessment.objects.filter(person=person, assessed_on__lte=on)
        .order_by("-assessed_on", "-recorded_at")
        .first()
    )
    return bool(latest and latest.mature)


def sharing_decision(*, person: Person, actor: Actor, on: datetime.date) -> SharingDecision:
    """May `actor` receive information about `person` on `on`? See the module docstring for the rule."""
    if not actor.needs_consent:
        return SharingDecision(allowed=True)
    valid = list(consents_valid_on(person=person, actor=actor, on=on).values_list("custodian_id", flat=True))
    missing: list[str] = []
    if person_consents_themself(person=person, on=on) and None not in valid:
        missing.append(_("ungdomen"))
    if person.age_on(on) < ADULT_AGE:
        custodians = list(person.custodians.all())
        if not custodians:
            missing.append(_("vårdnadshavare (ingen registrerad)"))
        missing.extend(c.name for c in custodians if c.pk not in valid)
    return SharingDecision(allowed=not missing, missing=missing)


def consent_history(*, person: Person) -> QuerySet[Consent]:
    """All consents of a person, newest first, with actors, custodian and revocation loaded."""
    return (
        Consent.objects.filter(person=person)
        .select_related("custodian", "revocation", "recorded_by")
        .prefetch_related("actors")
        .order_by("-given_on", "-recorded_at")
    )
