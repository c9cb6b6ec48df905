"""Consent reads. `sharing_decision` is the one function that answers "may actor X receive
information about person Y on date D?"; plans, disclosures and the case page all ask it.

Rule (docs/domain.md "Core records", Samtycke):
- the young person must consent themself from settings.CONSENT_OWN_AGE (default 15), or younger when
  the latest maturity assessment on or before D says they are mature enough;
- while the young person is under 18, every registered custodian must consent, and at least one
  custodian must be registered;
- a consent counts on D when given on or before D, not expired (valid_until >= D), and not revoked on
  or before D. Actors that do not need consent (socialtjänst itself, the family) are always allowed.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from cases.models import Custodian, Person
from consent.models import Actor, Consent, Disclosure, MaturityAssessment

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


def _own_consent_counts(*, person: Person, on: datetime.date, latest_mature: bool | None) -> bool:
    return person.age_on(on) >= settings.CONSENT_OWN_AGE or bool(latest_mature)


def person_consents_themself(*, person: Person, on: datetime.date) -> bool:
    """Whether the young person's own consent is needed (and counts) on this date."""
    if person.age_on(on) >= settings.CONSENT_OWN_AGE:
        return True
    latest = (
        MaturityAssessment.objects.filter(person=person, assessed_on__lte=on)
        .order_by("-assessed_on", "-recorded_at")
        .first()
    )
    return _own_consent_counts(person=person, on=on, latest_mature=latest.mature if latest else None)


def _decide(
    *, person: Person, on: datetime.date, valid: set, consents_themself: bool, custodians: list[Custodian]
) -> SharingDecision:
    """The rule itself, on loaded data (`valid`: custodian ids with a counting consent, None = the young person)."""
    missing: list[str] = []
    if consents_themself and None not in valid:
        missing.append(_("ungdomen"))
    if person.age_on(on) < ADULT_AGE:
        if not custodians:
            missing.append(_("vårdnadshavare (ingen registrerad)"))
        missing.extend(c.name for c in custodians if c.pk not in valid)
    return SharingDecision(allowed=not missing, missing=missing)


def sharing_decision(*, person: Person, actor: Actor, on: datetime.date) -> SharingDecision:
    """May `actor` receive information about `person` on `on`? See the module docstring for the rule."""
    if not actor.needs_consent:
        return SharingDecision(allowed=True)
    valid = set(consents_valid_on(person=person, actor=actor, on=on).values_list("custodian_id", flat=True))
    return _decide(
        person=person,
        on=on,
        valid=valid,
        consents_themself=person_consents_themself(person=person, on=on),
        custodians=list(person.custodians.all()),
    )


def sharing_decisions(
    *, pairs: Iterable[tuple[Person, Actor]], on: datetime.date
) -> dict[tuple[UUID, int], SharingDecision]:
    """sharing_decision for many (person, actor) pairs in a constant number of queries (lists, planning view).

    Same rule as sharing_decision (both call _decide); keyed by (person id, actor id).
    """
    pairs = list(pairs)
    result: dict[tuple[UUID, int], SharingDecision] = {}
    needing = [(person, actor) for person, actor in pairs if actor.needs_consent]
    for person, actor in pairs:
        if not actor.needs_consent:
            result[(person.pk, actor.pk)] = SharingDecision(allowed=True)
    if not needing:
        return result
    person_ids = {person.pk for person, _actor in needing}
    actor_ids = {actor.pk for _person, actor in needing}
    valid: dict[tuple[UUID, int], set] = {}
    rows = (
        Consent.actors.through.objects.filter(
            actor_id__in=actor_ids, consent__person_id__in=person_ids, consent__given_on__lte=on
        )
        .filter(Q(consent__valid_until__isnull=True) | Q(consent__valid_until__gte=on))
        .exclude(consent__revocation__revoked_on__lte=on)
        .values_list("consent__person_id", "actor_id", "consent__custodian_id")
    )
    for person_id, actor_id, custodian_id in rows:
        valid.setdefault((person_id, actor_id), set()).add(custodian_id)
    latest_mature: dict[UUID, bool] = {}
    assessments = (
        MaturityAssessment.objects.filter(person_id__in=person_ids, assessed_on__lte=on)
        .order_by("person_id", "-assessed_on", "-recorded_at")
        .values_list("person_id", "mature")
    )
    for person_id, mature in assessments:
        latest_mature.setdefault(person_id, mature)
    custodians: dict[UUID, list[Custodian]] = {}
    for custodian in Custodian.objects.filter(person_id__in=person_ids).order_by("name"):
        custodians.setdefault(custodian.person_id, []).append(custodian)
    for person, actor in needing:
        result[(person.pk, actor.pk)] = _decide(
            person=person,
            on=on,
            valid=valid.get((person.pk, actor.pk), set()),
            consents_themself=_own_consent_counts(person=person, on=on, latest_mature=latest_mature.get(person.pk)),
            custodians=custodians.get(person.pk, []),
        )
    return result


@dataclass
class PersonConsentState:
    """Everything sharing_decision needs about one person on one date, loaded once, so a page that asks
    for many actors (the case page: its consent table and its plans) decides in Python without more queries."""

    person: Person
    on: datetime.date
    valid: dict[int, set]  # actor id -> custodian ids with a counting consent (None = the young person)
    consents_themself: bool
    custodians: list[Custodian]

    def decision(self, actor: Actor) -> SharingDecision:
        """The same answer as sharing_decision(person=self.person, actor=actor, on=self.on)."""
        if not actor.needs_consent:
            return SharingDecision(allowed=True)
        return _decide(
            person=self.person,
            on=self.on,
            valid=self.valid.get(actor.pk, set()),
            consents_themself=self.consents_themself,
            custodians=self.custodians,
        )


def _counts_on(consent: Consent, on: datetime.date) -> bool:
    """The consents_valid_on rule on a loaded consent (revocation loaded or absent)."""
    if consent.given_on > on:
        return False
    if consent.valid_until is not None and consent.valid_until < on:
        return False
    revocation = getattr(consent, "revocation", None)
    return not (revocation is not None and revocation.revoked_on <= on)


def person_consent_state(*, person: Person, consents: Iterable[Consent], on: datetime.date) -> PersonConsentState:
    """The consent state of `person` on `on` from their consents already loaded with `actor_list` and
    `revocation` (e.g. the consent history of the case page), plus one query for the custodians and the
    latest maturity assessment on or before `on` together."""
    valid: dict[int, set] = {}
    for consent in consents:
        if _counts_on(consent, on):
            for actor in consent.actor_list:
                valid.setdefault(actor.pk, set()).add(consent.custodian_id)
    latest_mature = (
        MaturityAssessment.objects.filter(person_id=OuterRef("pk"), assessed_on__lte=on)
        .order_by("-assessed_on", "-recorded_at")
        .values("mature")[:1]
    )
    rows = (
        Person.objects.filter(pk=person.pk)
        .annotate(latest_mature=Subquery(latest_mature))
        .values_list("latest_mature", "custodians__id", "custodians__name")
        .order_by("custodians__name", "custodians__id")
    )
    mature, custodians = None, []
    for row_mature, custodian_id, name in rows:
        mature = row_mature  # the same on every row (one row with no custodian when none is registered)
        if custodian_id is not None:
            custodians.append(Custodian(pk=custodian_id, person_id=person.pk, name=name))
    return PersonConsentState(
        person=person,
        on=on,
        valid=valid,
        consents_themself=_own_consent_counts(person=person, on=on, latest_mature=mature),
        custodians=custodians,
    )


def consent_history(*, person: Person) -> QuerySet[Consent]:
    """All consents of a person, newest first, with actors, custodian and revocation loaded."""
    return (
        Consent.objects.filter(person=person)
        .select_related("custodian", "revocation", "recorded_by")
        .prefetch_related("actors")
        .order_by("-given_on", "-recorded_at")
    )


def disclosure_list_for_person(*, person: Person) -> QuerySet[Disclosure]:
    """Utlämnanden about a person the caller has fetched through cases.selectors (case page, loggkontroll)."""
    return Disclosure.objects.filter(person=person).select_related(
        "recipient", "legal_basis", "decided_by", "recorded_by", "case"
    )


def disclosure_list_for_case(*, case) -> QuerySet[Disclosure]:
    """Utlämnanden recorded on a case the caller has fetched through cases.selectors.case_get_for_user."""
    return disclosure_list_for_person(person=case.person).filter(case=case)


def disclosure_list(
    *, person_ids: Iterable[UUID] | None = None, since: datetime.date | None = None, until: datetime.date | None = None
) -> QuerySet[Disclosure]:
    """Loggkontroll: disclosures in a period (optionally for some people). Callers check the manager role."""
    rows = Disclosure.objects.select_related("recipient", "legal_basis", "decided_by", "recorded_by", "case")
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    if since:
        rows = rows.filter(disclosed_on__gte=since)
    if until:
        rows = rows.filter(disclosed_on__lte=until)
    return rows
