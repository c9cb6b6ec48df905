"""sharing_decision: may actor X receive information about person Y on day D? (docs/domain.md: Samtycke)."""

import datetime

import pytest
from django.utils import timezone

from consent.models import Actor, ConsentRevocation, MaturityAssessment
from consent.selectors import (
    consent_history,
    consent_summary,
    person_consent_state,
    sharing_decision,
    sharing_decisions,
)
from consent.services import consent_record, consent_revoke
from tests.factories import CustodianFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date(2025, 6, 1)
BORN_FOR_AGE = {
    14: datetime.date(2011, 1, 1),
    15: datetime.date(2010, 1, 1),
    17: datetime.date(2008, 1, 1),
    18: datetime.date(2007, 6, 1),  # 18 on D exactly
    19: datetime.date(2006, 1, 1),
}


@pytest.fixture
def polis(db):
    return Actor.objects.get(code="polis")


@pytest.fixture
def skola(db):
    return Actor.objects.get(code="skola")


def young(age: int, *, custodians: int = 2):
    person = PersonFactory.create(birth_date=BORN_FOR_AGE[age])
    assert person.age_on(D) == age
    parents = [CustodianFactory(person=person, name=name) for name in ["Anna Förälder", "Bo Förälder"][:custodians]]
    return person, parents


def consent(recorder, person, actor, *, custodian=None, given_on=D, valid_until=None):
    return consent_record(
        actor=recorder,
        person=person,
        custodian=custodian,
        actors=[actor],
        given_on=given_on,
        form="skriftligt",
        valid_until=valid_until,
    )


def everyone_consents(recorder, person, parents, actor, **kwargs):
    consent(recorder, person, actor, **kwargs)
    for parent in parents:
        consent(recorder, person, actor, custodian=parent, **kwargs)


def test_actors_outside_the_consent_rule_are_always_allowed(handler):
    person, _parents = young(14)
    assert sharing_decision(person=person, actor=Actor.objects.get(code="socialtjanst"), on=D)


def test_nothing_given_means_no(handler, polis):
    person, _parents = young(15)
    decision = sharing_decision(person=person, actor=polis, on=D)
    assert not decision
    assert decision.missing == ["ungdomen", "Anna Förälder", "Bo Förälder"]
    assert decision.message == "Samtycke saknas från: ungdomen, Anna Förälder, Bo Förälder."


def test_age_14_needs_every_custodian_but_not_the_child(handler, polis):
    person, parents = young(14)
    consent(handler, person, polis, custodian=parents[0])
    assert sharing_decision(person=person, actor=polis, on=D).missing == ["Bo Förälder"]

    consent(handler, person, polis, custodian=parents[1])

    decision = sharing_decision(person=person, actor=polis, on=D)
    assert decision and decision.message == "Giltigt samtycke finns."


def test_age_14_judged_mature_must_also_consent_themself(handler, polis):
    person, parents = young(14)
    everyone_consents(handler, person, parents, polis)  # includes the child's own consent
    MaturityAssessment.objects.create(
        person=person, assessed_on=D, mature=True, reasoning="Förstår innebörden.", assessed_by=handler
    )
    assert sharing_decision(person=person, actor=polis, on=D)

    other, others_parents = young(14)
    for parent in others_parents:
        consent(handler, other, polis, custodian=parent)
    MaturityAssessment.objects.create(person=other, assessed_on=D, mature=True, reasoning="Mogen.", assessed_by=handler)
    assert sharing_decision(person=other, actor=polis, on=D).missing == ["ungdomen"]


def test_the_latest_maturity_assessment_on_or_before_the_day_counts(handler, polis):
    person, parents = young(14)
    for parent in parents:
        consent(handler, person, polis, custodian=parent)
    MaturityAssessment.objects.create(
        person=person, assessed_on=D - datetime.timedelta(days=30), mature=True, reasoning="a", assessed_by=handler
    )
    assert not sharing_decision(person=person, actor=polis, on=D)  # mature: own consent now needed

    MaturityAssessment.objects.create(
        person=person, assessed_on=D - datetime.timedelta(days=1), mature=False, reasoning="b", assessed_by=handler
    )
    assert sharing_decision(person=person, actor=polis, on=D)  # newer assessment: not mature
    MaturityAssessment.objects.create(
        person=person, assessed_on=D + datetime.timedelta(days=1), mature=True, reasoning="c", assessed_by=handler
    )
    assert sharing_decision(person=person, actor=polis, on=D)  # a later assessment does not reach back


@pytest.mark.parametrize("age", [15, 17])
def test_from_15_until_18_the_young_person_and_every_custodian_consent(handler, polis, age):
    person, parents = young(age)
    for parent in parents:
        consent(handler, person, polis, custodian=parent)
    assert sharing_decision(person=person, actor=polis, on=D).missing == ["ungdomen"]

    consent(handler, person, polis)
    assert sharing_decision(person=person, actor=polis, on=D)

    # the young person alone is not enough while under 18
    alone, _parents = young(age)
    consent(handler, alone, polis)
    assert sharing_decision(person=alone, actor=polis, on=D).missing == ["Anna Förälder", "Bo Förälder"]


def test_at_18_only_the_young_person_consents(handler, polis):
    person, _parents = young(18)  # custodians still registered, but no longer needed
    assert sharing_decision(person=person, actor=polis, on=D).missing == ["ungdomen"]
    consent(handler, person, polis, given_on=D - datetime.timedelta(days=10))
    assert sharing_decision(person=person, actor=polis, on=D)
    # the day before the 18th birthday the custodians were still needed
    assert sharing_decision(person=person, actor=polis, on=D - datetime.timedelta(days=1)).missing == [
        "Anna Förälder",
        "Bo Förälder",
    ]


def test_a_missing_custodian_blocks_sharing_under_18(handler, polis):
    person, _none = young(15, custodians=0)
    consent(handler, person, polis)

    decision = sharing_decision(person=person, actor=polis, on=D)

    assert not decision
    assert decision.missing == ["vårdnadshavare (ingen registrerad)"]


def test_revocation_is_immediate_and_keeps_the_history(handler, polis):
    person, _parents = young(19)
    given = consent(handler, person, polis, given_on=D - datetime.timedelta(days=60))
    ConsentRevocation.objects.create(consent=given, revoked_on=D, recorded_by=handler).actors.set([polis])

    assert sharing_decision(person=person, actor=polis, on=D - datetime.timedelta(days=1))
    assert not sharing_decision(person=person, actor=polis, on=D)
    assert not sharing_decision(person=person, actor=polis, on=D + datetime.timedelta(days=100))
    given.refresh_from_db()
    assert given.given_on == D - datetime.timedelta(days=60)  # the consent row itself is untouched


def test_expired_consent_no_longer_counts(handler, polis):
    person, _parents = young(19)
    consent(handler, person, polis, given_on=D - datetime.timedelta(days=90), valid_until=D)

    assert sharing_decision(person=person, actor=polis, on=D)  # valid through its last day
    assert not sharing_decision(person=person, actor=polis, on=D + datetime.timedelta(days=1))


def test_consent_counts_from_its_date_and_only_for_its_actors(handler, polis, skola):
    person, _parents = young(19)
    consent(handler, person, polis, given_on=D)

    assert not sharing_decision(person=person, actor=polis, on=D - datetime.timedelta(days=1))
    assert not sharing_decision(person=person, actor=skola, on=D)


def test_a_custodian_consent_counts_only_for_that_custodian(handler, polis):
    person, parents = young(17)
    consent(handler, person, polis)
    consent(handler, person, polis, custodian=parents[0])
    consent(handler, person, polis, custodian=parents[0])  # twice from the same parent

    assert sharing_decision(person=person, actor=polis, on=D).missing == ["Bo Förälder"]


def test_the_consent_age_is_a_setting(handler, polis, settings):
    settings.CONSENT_OWN_AGE = 14
    person, parents = young(14)
    for parent in parents:
        consent(handler, person, polis, custodian=parent)
    assert sharing_decision(person=person, actor=polis, on=D).missing == ["ungdomen"]


def test_bulk_decisions_agree_with_the_single_rule(handler, polis, skola):
    people = []
    for age in (14, 15, 17, 18):
        person, parents = young(age)
        everyone_consents(handler, person, parents, polis, valid_until=D + datetime.timedelta(days=5))
        people.append(person)
    missing_custodian, _none = young(15, custodians=0)
    people.append(missing_custodian)
    pairs = [(person, actor) for person in people for actor in (polis, skola)]

    bulk = sharing_decisions(pairs=pairs, on=D)

    for person, actor in pairs:
        single = sharing_decision(person=person, actor=actor, on=D)
        assert (bulk[(person.pk, actor.pk)].allowed, bulk[(person.pk, actor.pk)].missing) == (
            single.allowed,
            single.missing,
        )


def test_a_revocation_of_some_actors_leaves_the_others_allowed(handler, polis, skola):
    # given a 19-year-old's consent to polis and skola, and a revocation of polis only from D
    person, _parents = young(19)
    given = consent_record(
        actor=handler,
        person=person,
        custodian=None,
        actors=[polis, skola],
        given_on=D - datetime.timedelta(days=30),
        form="skriftligt",
    )
    consent_revoke(actor=handler, consent=given, revoked_on=D, actors=[polis])
    before, on = D - datetime.timedelta(days=1), D

    # then the one rule answers the same everywhere: per pair, in bulk, and on the loaded history
    assert sharing_decision(person=person, actor=polis, on=before)
    assert not sharing_decision(person=person, actor=polis, on=on)
    assert sharing_decision(person=person, actor=skola, on=on)
    bulk = sharing_decisions(pairs=[(person, polis), (person, skola)], on=on)
    assert not bulk[(person.pk, polis.pk)] and bulk[(person.pk, skola.pk)]
    state = person_consent_state(person=person, consents=consent_history(person=person), on=on)
    assert not state.decision(polis) and state.decision(skola)
    assert person_consent_state(person=person, consents=consent_history(person=person), on=before).decision(polis)


def test_consent_summary_shows_what_a_partly_revoked_consent_still_covers(handler, polis, skola):
    person, _parents = young(19)
    today = timezone.localdate()
    given = consent_record(
        actor=handler, person=person, custodian=None, actors=[polis, skola], given_on=today, form="skriftligt"
    )
    consent_revoke(actor=handler, consent=given, revoked_on=today, actors=[polis])

    summary = consent_summary(person=person, all_actors=True)

    (shown,) = summary.valid
    assert [a.code for a in shown.active_actors] == ["skola"]
    assert shown.status == f"Gäller, utom Polis återkallat {today.isoformat()}"
    allowed = {row.actor.code: row.allowed for row in summary.actors}
    assert allowed["polis"] is False and allowed["skola"] is True
    covering = {row.actor.code: row.covering for row in summary.actors}
    assert covering["polis"] == [] and covering["skola"] == [("Ungdomen", None)]
    assert summary.ended == 0


def test_an_ended_guardianship_no_longer_needs_or_gives_consent(handler, polis):
    person, parents = young(14)
    consent(handler, person, polis, custodian=parents[0])
    ended = parents[1]
    ended.valid_to = D - datetime.timedelta(days=1)
    ended.save(update_fields=["valid_to"])
    # the one remaining custodian consented: sharing is allowed, by every path that decides
    assert sharing_decision(person=person, actor=polis, on=D).allowed
    assert sharing_decisions(pairs=[(person, polis)], on=D)[(person.pk, polis.pk)].allowed
    assert person_consent_state(person=person, consents=consent_history(person=person), on=D).decision(polis).allowed
    # before the guardianship ended, the second custodian's consent was still missing
    before = D - datetime.timedelta(days=1)
    consent(handler, person, polis, custodian=parents[0], given_on=before)
    assert sharing_decision(person=person, actor=polis, on=before).missing == ["Bo Förälder"]
    state = person_consent_state(person=person, consents=consent_history(person=person), on=before)
    assert state.decision(polis).missing == ["Bo Förälder"]


def test_custodian_names_of_a_protected_person_are_masked_by_every_path(handler, polis):
    # given a protected 14-year-old (not marked visible: the user may not see the identity) and no consent
    person, _parents = young(14)
    person.protection = "skyddad_folkbokforing"
    person.save(update_fields=["protection"])
    assert not person.shows_identity

    # then no decision names a custodian: the message goes into plan, plan-create and disclosure errors
    single = sharing_decision(person=person, actor=polis, on=D)
    bulk = sharing_decisions(pairs=[(person, polis)], on=D)[(person.pk, polis.pk)]
    state = person_consent_state(person=person, consents=consent_history(person=person), on=D).decision(polis)
    for decision in (single, bulk, state):
        assert "Förälder" not in decision.message
        assert decision.missing == ["en vårdnadshavare", "en vårdnadshavare"]
