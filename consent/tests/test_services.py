"""Consent writes: validated, append-only; revocation is its own row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consent.models import Actor, Consent, ConsentRevocation, MaturityAssessment
from consent.services import consent_record, consent_revoke, maturity_assess
from core.models import ChangeLog
from tests.factories import CustodianFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date(2025, 6, 1)


@pytest.fixture
def polis(db):
    return Actor.objects.get(code="polis")


def test_record_a_consent_from_a_custodian(handler, polis):
    person = PersonFactory()
    custodian = CustodianFactory(person=person)

    consent = consent_record(
        actor=handler, person=person, custodian=custodian, actors=[polis], given_on=D, form="muntligt"
    )

    assert consent.recorded_by == handler and list(consent.actors.all()) == [polis]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"actors": []}, "actors", "Välj minst en aktör som samtycket gäller."),
        ({"given_on": "tomorrow"}, "given_on", "Datumet kan inte ligga i framtiden."),
        ({"valid_until": D - datetime.timedelta(days=1)}, "valid_until", "Giltigt till kan inte vara före"),
        ({"custodian": "other"}, "custodian", "Vårdnadshavaren hör inte till den här personen."),
    ],
)
def test_bad_consent_input_gives_swedish_field_errors_and_saves_nothing(handler, polis, change, field, message):
    person = PersonFactory()
    kwargs = {
        "actor": handler,
        "person": person,
        "custodian": None,
        "actors": [polis],
        "given_on": D,
        "form": "skriftligt",
    }
    kwargs.update(change)
    if kwargs["given_on"] == "tomorrow":
        kwargs["given_on"] = timezone.localdate() + datetime.timedelta(days=1)
    if kwargs["custodian"] == "other":
        kwargs["custodian"] = CustodianFactory(person=PersonFactory())

    with pytest.raises(ValidationError) as caught:
        consent_record(**kwargs)

    assert caught.value.message_dict[field][0].startswith(message)
    assert not Consent.objects.exists()


def test_revoke_once_and_not_before_it_was_given(handler, polis):
    consent = consent_record(
        actor=handler, person=PersonFactory(), custodian=None, actors=[polis], given_on=D, form="muntligt"
    )

    with pytest.raises(ValidationError) as caught:
        consent_revoke(actor=handler, consent=consent, revoked_on=D - datetime.timedelta(days=1))
    assert "före datumet" in caught.value.message_dict["revoked_on"][0]

    revocation = consent_revoke(actor=handler, consent=consent, revoked_on=D, reason="Ångrade sig.")
    assert revocation.consent == consent and revocation.recorded_by == handler

    with pytest.raises(ValidationError, match="redan återkallat"):
        consent_revoke(actor=handler, consent=consent, revoked_on=D)
    assert ConsentRevocation.objects.count() == 1


def test_maturity_assessment_needs_reasoning(handler):
    person = PersonFactory()
    with pytest.raises(ValidationError) as caught:
        maturity_assess(actor=handler, person=person, assessed_on=D, mature=True, reasoning="  ")
    assert caught.value.message_dict["reasoning"] == ["Motivera bedömningen."]

    assessment = maturity_assess(actor=handler, person=person, assessed_on=D, mature=True, reasoning=" Mogen. ")
    assert assessment.reasoning == "Mogen." and MaturityAssessment.objects.count() == 1


def test_a_parent_withdraws_the_police_and_keeps_school_and_bup(handler, polis):
    # given a custodian's consent to polis, skola and BUP
    person = PersonFactory()
    parent = CustodianFactory(person=person)
    skola, bup, fritid = (Actor.objects.get(code=code) for code in ("skola", "bup", "fritid"))
    consent = consent_record(
        actor=handler, person=person, custodian=parent, actors=[polis, skola, bup], given_on=D, form="skriftligt"
    )

    # an actor the consent never covered, and a date before it was given, are refused with nothing saved
    with pytest.raises(ValidationError) as caught:
        consent_revoke(actor=handler, consent=consent, revoked_on=D, actors=[fritid])
    assert caught.value.message_dict["actors"] == ["Samtycket gäller inte Fritidsverksamhet."]
    assert not ConsentRevocation.objects.exists()

    # when the police is withdrawn
    first = consent_revoke(actor=handler, consent=consent, revoked_on=D, actors=[polis], reason="Vill inte")

    # then the revocation names only polis, and the change history says so
    assert list(first.actors.values_list("code", flat=True)) == ["polis"]
    history = ChangeLog.objects.get(object_type="consent.consentrevocation")
    assert history.changes["actors"] == [None, "polis"] and history.person_id == person.pk
    # polis cannot be withdrawn twice
    with pytest.raises(ValidationError) as caught:
        consent_revoke(actor=handler, consent=consent, revoked_on=D, actors=[polis])
    assert caught.value.message_dict["actors"] == ["Samtycket är redan återkallat för Polis."]

    # later the rest of the consent (no actors named: everything it still covers)
    rest = consent_revoke(actor=handler, consent=consent, revoked_on=D + datetime.timedelta(days=5))
    assert sorted(rest.actors.values_list("code", flat=True)) == ["bup", "skola"]
    with pytest.raises(ValidationError, match="redan återkallat"):
        consent_revoke(actor=handler, consent=consent, revoked_on=D + datetime.timedelta(days=6))
    assert ConsentRevocation.objects.filter(consent=consent).count() == 2
