"""Consent reads. `sharing_decision` is the one function that answers "may actor X receive
information about person Y on date D?"; plans, disclosures and the case page all ask it.

Rule (docs/domain.md "Core records", Samtycke):
- the young person must consent themself from settings.CONSENT_OWN_AGE (default 15), or younger when
  the latest maturity assessment on or before D says they are mature enough;
- while the young person is under 18, every registered custodian must consent, and at least one
  custodian must be registered;
- a consent counts for actor A on D when given on or before D, not expired (valid_until >= D), and A
  not revoked from it on or before D (a revocation may withdraw some of the consent's actors only).
  Actors that do not need consent (socialtjänst itself, the family) are always allowed.

This module is the only place that rule is written: the SQL of consents_valid_on/sharing_decisions and
_counts_for on loaded rows (consent_history) say the same thing.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Custodian, Person
from consent.models import Actor, Consent, ConsentRevocation, Disclosure, MaturityAssessment

ADULT_AGE = 18


@dataclass
class SharingDecision:
    allowed: bool
    missing: list[str] = field(default_factory=list)  # Swedish descriptions of who has not consented

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def message(self) -> str:
        if self.allowed:
            return _("Giltigt samtycke finns.")
        return _("Samtycke saknas från: %(who)s.") % {"who": ", ".join(self.missing)}


RevokedActor = ConsentRevocation.actors.through


def _revocations(*, consent: int | OuterRef, actor: int | OuterRef) -> QuerySet[Any]:
    """The revocations withdrawing `actor` from `consent` (ids or OuterRefs): the per-actor revocation rule,
    dated by the callers that judge a day (_revoked) and undated for what a consent still covers."""
    return RevokedActor.objects.filter(consentrevocation__consent_id=consent, actor_id=actor)


def _revoked(*, consent: int | OuterRef, actor: int | OuterRef, on: datetime.date) -> Exists:
    """The actor was revoked from the consent on or before `on` (consent and actor: ids or OuterRefs)."""
    return Exists(_revocations(consent=consent, actor=actor).filter(consentrevocation__revoked_on__lte=on))


def open_actor_links() -> QuerySet[Any]:
    """Consent–actor links not revoked: what each consent still covers."""
    revoked = Exists(_revocations(consent=OuterRef("consent_id"), actor=OuterRef("actor_id")))
    return Consent.actors.through.objects.filter(~revoked)


def still_covers_an_actor() -> Exists:
    """For a filter on Consent: the consent has not been revoked for every actor it named."""
    return Exists(open_actor_links().filter(consent_id=OuterRef("pk")))


def revoked_for_actor(*, person: OuterRef, actor: OuterRef, on: datetime.date) -> Exists:
    """For an annotation saying why an actor may not receive information (sharing_decisions decides whether):
    some consent of `person` was revoked for `actor` on or before `on`."""
    return Exists(
        RevokedActor.objects.filter(
            consentrevocation__consent__person_id=person, actor_id=actor, consentrevocation__revoked_on__lte=on
        )
    )


def ran_out_for_actor(*, person: OuterRef, actor: OuterRef, on: datetime.date) -> Exists:
    """For the same annotation: some consent of `person` naming `actor` had run out before `on`."""
    return Exists(Consent.objects.filter(person_id=person, actors=actor, valid_until__lt=on))


def consents_valid_on(*, person: Person, actor: Actor, on: datetime.date) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(person=person, actors=actor, given_on__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .filter(~_revoked(consent=OuterRef("pk"), actor=actor.pk, on=on))
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
    *, person: Person, on: datetime.date, valid: set[int | None], consents_themself: bool, custodians: list[Custodian]
) -> SharingDecision:
    """The rule itself, on loaded data (`valid`: custodian ids with a counting consent, None = the young person).

    A protected person's custodians are not named (their names lead to the child): `missing` and `message`
    reach plans, plan and disclosure errors and the consent summary, all of them as the user may see them."""
    missing: list[str] = []
    if consents_themself and None not in valid:
        missing.append(_("ungdomen"))
    if person.age_on(on) < ADULT_AGE:
        if not custodians:
            missing.append(_("vårdnadshavare (ingen registrerad)"))
        missing.extend(
            c.name if person.shows_identity else _("en vårdnadshavare") for c in custodians if c.pk not in valid
        )
    return SharingDecision(allowed=not missing, missing=missing)


def sharing_decision(*, person: Person, actor: Actor, on: datetime.date) -> SharingDecision:
    """May `actor` receive information about `person` on `on`? See the module docstring for the rule."""
    if not actor.needs_consent:
        return SharingDecision(allowed=True)
    valid: set[int | None] = set(
        consents_valid_on(person=person, actor=actor, on=on).values_list("custodian_id", flat=True)
    )
    return _decide(
        person=person,
        on=on,
        valid=valid,
        consents_themself=person_consents_themself(person=person, on=on),
        custodians=list(person.custodians.current(on)),  # an ended guardianship no longer counts
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
    valid: dict[tuple[UUID, int], set[int | None]] = {}
    rows = (
        Consent.actors.through.objects.filter(
            actor_id__in=actor_ids, consent__person_id__in=person_ids, consent__given_on__lte=on
        )
        .filter(Q(consent__valid_until__isnull=True) | Q(consent__valid_until__gte=on))
        .filter(~_revoked(consent=OuterRef("consent_id"), actor=OuterRef("actor_id"), on=on))
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
    for custodian in Custodian.objects.current(on).filter(person_id__in=person_ids).order_by("name"):
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
    valid: dict[int, set[int | None]]  # actor id -> custodian ids with a counting consent (None = the young person)
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


def _revoked_by(consent: Consent, actor: Actor, on: datetime.date) -> bool:
    revoked_on = consent.revoked_on.get(actor.pk)
    return revoked_on is not None and revoked_on <= on


def _in_force(consent: Consent, on: datetime.date) -> bool:
    return consent.given_on <= on and (consent.valid_until is None or consent.valid_until >= on)


def _counts_for(consent: Consent, actor: Actor, on: datetime.date) -> bool:
    """The consents_valid_on rule on a consent loaded by consent_history."""
    return _in_force(consent, on) and not _revoked_by(consent, actor, on)


def person_consent_state(*, person: Person, consents: Iterable[Consent], on: datetime.date) -> PersonConsentState:
    """The consent state of `person` on `on` from their consents as consent_history loads them (with
    `actor_list` and `revoked_on`), plus one query for the custodians and the latest maturity assessment on
    or before `on` together."""
    valid: dict[int, set[int | None]] = {}
    for consent in consents:
        for actor in consent.actor_list:
            if _counts_for(consent, actor, on):
                valid.setdefault(actor.pk, set()).add(consent.custodian_id)
    latest_mature = (
        MaturityAssessment.objects.filter(person_id=OuterRef("pk"), assessed_on__lte=on)
        .order_by("-assessed_on", "-recorded_at")
        .values("mature")[:1]
    )
    rows = (
        Person.objects.filter(pk=person.pk)
        .annotate(latest_mature=Subquery(latest_mature))
        .values_list(
            "latest_mature", "custodians__id", "custodians__name", "custodians__valid_from", "custodians__valid_to"
        )
        .order_by("custodians__name", "custodians__id")
    )
    mature, custodians = None, []
    for row_mature, custodian_id, name, valid_from, valid_to in rows:
        mature = row_mature  # the same on every row (one row with no custodian when none is registered)
        custodian = Custodian(pk=custodian_id, person_id=person.pk, name=name, valid_from=valid_from, valid_to=valid_to)
        if custodian_id is not None and custodian.is_current(on):  # an ended guardianship no longer counts
            custodians.append(custodian)
    return PersonConsentState(
        person=person,
        on=on,
        valid=valid,
        consents_themself=_own_consent_counts(person=person, on=on, latest_mature=mature),
        custodians=custodians,
    )


def consent_history(*, person: Person) -> list[Consent]:
    """All consents of a person (fetched by the caller through cases.selectors), newest first, in one query:
    the consent-actor links with consent and custodian joined and, per link, the date the actor was revoked
    from that consent. Each consent gets `actor_list` (every actor it was given for, in catalogue order) and
    `revoked_on` (actor id -> date of its revocation)."""
    revoked_on = (
        _revocations(consent=OuterRef("consent_id"), actor=OuterRef("actor_id"))
        .order_by("consentrevocation__revoked_on")
        .values("consentrevocation__revoked_on")[:1]
    )
    links = (
        Consent.actors.through.objects.filter(consent__person=person)
        .select_related("consent__custodian", "actor")
        .annotate(revoked_on=Subquery(revoked_on))
        .order_by("-consent__given_on", "-consent__recorded_at", "consent_id", "actor__sort_order", "actor__name")
    )
    consents: dict[int, Consent] = {}
    for link in links:
        consent = consents.get(link.consent_id)
        if consent is None:
            consent = consents[link.consent_id] = link.consent
            consent.actor_list, consent.revoked_on = [], {}
        consent.actor_list.append(link.actor)
        if link.revoked_on is not None:  # type: ignore[attr-defined]  # as below
            consent.revoked_on[link.actor_id] = link.revoked_on  # type: ignore[attr-defined]  # annotated by the query; the plugin loses it
    return list(consents.values())


# ---------------------------------------------------------------- the consent summary of a person


@dataclass
class ActorConsent:
    actor: Actor
    allowed: bool
    missing: list[str]
    covering: list[tuple[str, datetime.date | None]] = field(default_factory=list)  # (who, valid until or None)


@dataclass
class ConsentSummary:
    actors: list[ActorConsent]
    valid: list[Consent]  # consents counting today for at least one actor (`active_actors`)
    ended: int  # expired or wholly revoked consents in the history
    today: datetime.date
    all_consents: list[Consent]  # the whole history, newest first (timeline events), each with `giver` and `status`
    all_actors: bool  # False: only actors covered by a valid consent are listed
    state: PersonConsentState | None = None  # on `today`, reused by the case page's plans


def custodian_name(custodian: Custodian, person: Person, *, position: int | None = None) -> str:
    """A custodian's name as a page or form may show it: the name would reveal a protected identity, so for a
    user who sees the person masked it is "Vårdnadshavare" (numbered where several are offered)."""
    if not person.shows_identity:
        return _("Vårdnadshavare %(number)s") % {"number": position} if position else _("Vårdnadshavare")
    return custodian.name


def custodian_label(custodian: Custodian, person: Person, *, position: int | None = None) -> str:
    """custodian_name with the role, "Anna Andersson (vårdnadshavare)", where the name is shown."""
    if not person.shows_identity:
        return custodian_name(custodian, person, position=position)
    return _("%(name)s (vårdnadshavare)") % {"name": custodian.name}


def consent_giver(consent: Consent, person: Person) -> str:
    """Who gave the consent, as the page may show it."""
    if consent.custodian is None:
        return _("Ungdomen")
    return custodian_label(consent.custodian, person)


def _describe(consent: Consent, today: datetime.date) -> None:
    """Set `active_actors`, `revoked_actors` [(actor, date)] and `status` (Swedish) of a loaded consent."""
    consent.revoked_actors = [
        (actor, consent.revoked_on[actor.pk]) for actor in consent.actor_list if _revoked_by(consent, actor, today)
    ]
    consent.active_actors = [actor for actor in consent.actor_list if not _revoked_by(consent, actor, today)]
    revoked_text = "; ".join(
        _("%(actor)s återkallat %(date)s") % {"actor": actor.name, "date": day.isoformat()}
        for actor, day in consent.revoked_actors
    )
    if consent.revoked_actors and not consent.active_actors:
        last = max(day for _actor, day in consent.revoked_actors)
        consent.status = _("Återkallat %(date)s") % {"date": last.isoformat()}
    elif consent.valid_until and consent.valid_until < today:
        consent.status = _("Gick ut %(date)s") % {"date": consent.valid_until.isoformat()}
    elif consent.given_on > today:
        consent.status = _("Gäller från %(date)s") % {"date": consent.given_on.isoformat()}
    elif consent.revoked_actors:
        consent.status = _("Gäller, utom %(revoked)s") % {"revoked": revoked_text}
    else:
        consent.status = _("Gäller")


def consent_summary(*, person: Person, all_actors: bool = False) -> ConsentSummary:
    """What the person's consents cover today and until when, and whether each actor may receive
    information (decided by person_consent_state on the loaded history: two queries in all, three with
    all_actors). The caller has fetched the person through cases.selectors (permissions, access log).

    The case page lists the actors covered by some valid consent (all_actors=False): an actor that needs
    consent and has none is never allowed under the rule, so the page says so in one line and saves the
    catalogue query. The person page lists every actor that needs consent."""
    today = timezone.localdate()
    history = consent_history(person=person)
    valid: list[Consent] = []
    ended = 0
    for consent in history:
        consent.giver = consent_giver(consent, person)
        _describe(consent, today)
        if _in_force(consent, today) and consent.active_actors:
            valid.append(consent)
        elif consent.given_on <= today:
            ended += 1
    if all_actors:
        actors = list(Actor.objects.filter(needs_consent=True).order_by("sort_order", "name"))
    else:
        covered = {actor.pk: actor for consent in valid for actor in consent.active_actors if actor.needs_consent}
        actors = sorted(covered.values(), key=lambda actor: (actor.sort_order, actor.name))
    state = person_consent_state(person=person, consents=history, on=today)
    rows = []
    for actor in actors:
        decision = state.decision(actor)  # custodian names masked for a protected person (_decide)
        covering = [
            (consent.giver, consent.valid_until)
            for consent in valid
            if any(a.pk == actor.pk for a in consent.active_actors)
        ]
        rows.append(ActorConsent(actor=actor, allowed=decision.allowed, missing=decision.missing, covering=covering))
    return ConsentSummary(
        actors=rows,
        valid=valid,
        ended=ended,
        today=today,
        all_consents=history,
        all_actors=all_actors,
        state=state,
    )


def disclosure_list_for_person(*, person: Person) -> QuerySet[Disclosure]:
    """Utlämnanden about a person the caller has fetched through cases.selectors (case page, loggkontroll)."""
    return Disclosure.objects.filter(person=person).select_related(
        "recipient", "legal_basis", "decided_by", "recorded_by", "case"
    )


def disclosure_list_for_case(*, case: Case) -> QuerySet[Disclosure]:
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
