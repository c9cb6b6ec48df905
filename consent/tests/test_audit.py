"""Every write of consent.services records its change-history row in the same transaction: one test per
service (named test_<service>) asserting exactly the rows the call wrote, and a walk over the module."""

import datetime

import pytest

from consent import services
from consent.models import Actor, LegalBasis
from core.models import ChangeAction
from tests.factories import CaseFactory, CustodianFactory, PersonFactory
from tests.history import created, history_written, row, untested_write_services

CREATE = ChangeAction.CREATE
D = datetime.date(2025, 6, 1)


def pk(obj) -> str:
    return str(obj.pk)


def test_every_public_write_service_has_its_audit_test():
    assert untested_write_services(services, globals()) == set()


@pytest.fixture
def polis(db):
    return Actor.objects.get(code="polis")


@pytest.fixture
def person(handler):
    return PersonFactory(unit=handler.unit)


@pytest.mark.django_db
def test_consent_record(handler, person, polis):
    custodian = CustodianFactory(person=person)
    school = Actor.objects.get(code="skola")
    with history_written() as rows:
        consent = services.consent_record(
            actor=handler, person=person, custodian=custodian, actors=[school, polis], given_on=D, form="muntligt"
        )
    changes = created(
        person=pk(person),
        custodian=pk(custodian),
        given_on="2025-06-01",
        form="muntligt",
        recorded_by=pk(handler),
        actors="polis, skola",
    )
    assert rows == [row(handler, consent, CREATE, changes, person_id=person.pk)]


@pytest.mark.django_db
def test_consents_record(handler, person, polis):
    """One consent per giver, each with its own history row."""
    mother, father = CustodianFactory(person=person), CustodianFactory(person=person)
    with history_written() as rows:
        consents = services.consents_record(
            actor=handler,
            person=person,
            custodians=[None, mother, father],
            actors=[polis],
            given_on=D,
            form="skriftligt",
        )
    assert rows == [
        row(
            handler,
            consent,
            CREATE,
            created(
                person=pk(person),
                **({"custodian": pk(giver)} if giver else {}),
                given_on="2025-06-01",
                form="skriftligt",
                recorded_by=pk(handler),
                actors="polis",
            ),
            person_id=person.pk,
        )
        for consent, giver in zip(consents, [None, mother, father], strict=True)
    ]


@pytest.mark.django_db
def test_consent_revoke(handler, person, polis):
    consent = services.consent_record(
        actor=handler, person=person, custodian=None, actors=[polis], given_on=D, form="skriftligt"
    )
    with history_written() as rows:
        revocation = services.consent_revoke(
            actor=handler, consent=consent, revoked_on=D + datetime.timedelta(days=3), reason="Vill inte längre"
        )
    changes = created(
        consent=pk(consent),
        revoked_on="2025-06-04",
        reason="Vill inte längre",
        recorded_by=pk(handler),
        actors="polis",  # no actors named: every actor the consent still covered
    )
    assert rows == [row(handler, revocation, CREATE, changes, person_id=person.pk)]


@pytest.mark.django_db
def test_maturity_assess(handler, person):
    with history_written() as rows:
        assessment = services.maturity_assess(
            actor=handler, person=person, assessed_on=D, mature=True, reasoning=" Förstår vad det innebär "
        )
    changes = created(
        person=pk(person),
        assessed_on="2025-06-01",
        mature="True",
        reasoning="Förstår vad det innebär",
        assessed_by=pk(handler),
    )
    assert rows == [row(handler, assessment, CREATE, changes, person_id=person.pk)]


@pytest.mark.django_db
def test_disclosure_record(handler, manager, person, polis):
    case = CaseFactory(person=person, handler=handler)
    basis = LegalBasis.objects.get(code="osl_10_18a")
    with history_written() as rows:
        disclosure = services.disclosure_record(
            actor=handler,
            person=person,
            case=case,
            recipient=polis,
            recipient_detail="Polisen Linköping",
            what_sent="Uppgift om oro för brott",
            legal_basis=basis,
            disclosed_on=D,
            decided_by=manager,
        )
    changes = created(
        person=pk(person),
        case=pk(case),
        recipient=pk(polis),
        recipient_detail="Polisen Linköping",
        what_sent="Uppgift om oro för brott",
        legal_basis=pk(basis),
        disclosed_on="2025-06-01",
        decided_by=pk(manager),
        recorded_by=pk(handler),
    )
    assert rows == [row(handler, disclosure, CREATE, changes, case=case)]
