"""Beslut: the delegationsordning decides who may sign, the facts are checked, verkställighet and the letter."""

import datetime
import hashlib
import subprocess

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from cases.models import InsatsType
from core.concurrency import EditConflict
from core.models import ChangeLog, Role
from decisions import letters, services
from decisions.models import Decision, DelegationRule, Lagrum
from documents.models import Aktbilaga
from tests.environment import require
from tests.factories import CaseFactory, PersonFactory

D = datetime.date


def _record(actor, case, lagrum, **overrides):
    fields = {
        "outcome": "bifall",
        "applied_for": "Kontaktperson",
        "granted": "SKK 10 timmar i månaden",
        "reasoning": "Behov finns.",
        "decided_on": D(2025, 9, 10),
        "period_from": D(2025, 9, 15),
        "period_to": D(2026, 3, 15),
    }
    fields.update(overrides)
    return services.decision_record(actor=actor, case=case, lagrum=lagrum, **fields)


@pytest.mark.django_db
def test_a_socialsekreterare_may_grant_but_not_refuse_under_the_seeded_delegationsordning(handler, case, new_law):
    granted = _record(handler, case, new_law)
    assert granted.delegate == handler
    with pytest.raises(ValidationError) as refused:
        _record(handler, case, new_law, outcome="avslag")
    assert "Enligt delegationsordningen får du inte fatta beslut om avslag" in refused.value.messages[0]
    assert "enhetschef" in refused.value.messages[0]
    assert Decision.objects.count() == 1  # nothing half-saved


@pytest.mark.django_db
def test_an_insats_line_of_the_delegationsordning_overrides_the_general_one(handler, manager, case, new_law):
    skk_line = DelegationRule.objects.create(outcome="bifall", insats_type=case.insats_type)
    skk_line.roles.set([Group.objects.get(name=Role.MANAGER)])
    with pytest.raises(ValidationError, match="delegationsordningen"):
        _record(handler, case, new_law)
    assert _record(manager, case, new_law).delegate == manager


@pytest.mark.django_db
def test_beslut_only_on_open_bistand_cases(handler, new_law):
    service_case = CaseFactory(handler=handler, basis="service", insats_type=InsatsType.objects.get(code="skk"))
    with pytest.raises(ValidationError, match="bara i biståndsärenden"):
        _record(handler, service_case, new_law)


@pytest.mark.django_db
def test_granting_needs_what_and_from_when_and_the_lagrum_in_force(handler, case, new_law):
    old_law = Lagrum.objects.get(code="sol2001-4-1")
    with pytest.raises(ValidationError) as error:
        _record(handler, case, old_law, granted=" ", period_from=None, reasoning="")
    assert set(error.value.message_dict) == {"granted", "period_from", "reasoning", "lagrum"}
    with pytest.raises(ValidationError) as error:
        _record(handler, case, new_law, period_from=D(2025, 9, 1), period_to=D(2025, 8, 1))
    assert set(error.value.message_dict) == {"period_from", "period_to"}
    with pytest.raises(ValidationError) as error:
        _record(handler, case, new_law, decided_on=D(2025, 8, 1))
    assert "före aktualiseringen" in error.value.message_dict["decided_on"][0]


@pytest.mark.django_db
def test_verkstallighet_not_before_the_beslut_or_period_and_only_once(handler, case, new_law):
    decision = _record(handler, case, new_law)
    with pytest.raises(ValidationError) as error:
        services.decision_execute(actor=handler, decision=decision, executed_on=D(2025, 9, 12), expected_version=1)
    assert "före den beviljade perioden" in error.value.message_dict["executed_on"][0]
    done = services.decision_execute(actor=handler, decision=decision, executed_on=D(2025, 9, 15), expected_version=1)
    assert done.executed_on == D(2025, 9, 15)
    with pytest.raises(ValidationError, match="redan verkställt"):
        services.decision_end(actor=handler, decision=done, ended_on=D(2025, 9, 20), end_reason="x", expected_version=2)


@pytest.mark.django_db
def test_two_people_recording_verkstallighet_the_second_gets_a_conflict(handler, colleague, case, new_law):
    decision = _record(handler, case, new_law)
    services.decision_delay_reason_record(
        actor=colleague, decision=decision, delay_reason="Ingen ledig", expected_version=1
    )
    with pytest.raises(EditConflict):
        services.decision_execute(actor=handler, decision=decision, executed_on=D(2025, 9, 20), expected_version=1)
    assert Decision.objects.get().executed_on is None


@pytest.mark.django_db
def test_an_avslag_is_never_verkstallt(manager, case, new_law):
    refused = _record(manager, case, new_law, outcome="avslag")
    assert (refused.granted, refused.period_from) == ("", None)
    with pytest.raises(ValidationError, match="avslag verkställs inte"):
        services.decision_execute(actor=manager, decision=refused, executed_on=D(2025, 9, 20), expected_version=1)


@pytest.mark.django_db
def test_the_avslag_letter_has_the_besvarshanvisning_and_no_address_of_a_protected_person(manager, handler, new_law):
    require("pdftotext")
    person = PersonFactory(
        unit=handler.unit,
        first_name="Hemlignamn",
        last_name="Personsson",
        street_address="Hemliga vägen 1",
        protection="skyddad_folkbokforing",
    )
    case = CaseFactory(handler=handler, person=person, insats_type=InsatsType.objects.get(code="skk"))
    decision = _record(manager, case, new_law, outcome="avslag", reasoning="Behovet tillgodoses av skolan.")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=letters.avslag_letter_pdf(decision=decision, case=case), capture_output=True
    ).stdout.decode()
    text = " ".join(text.split())
    assert "Hur du överklagar" in text
    assert "förvaltningsrätten" in text and "inom tre veckor från den dag du fick del av beslutet" in text
    assert "Behovet tillgodoses av skolan." in text and "11 kap. 1 § SoL (2025:400)" in text
    assert "Skatteverkets förmedlingsuppdrag" in text and "Skyddad identitet" in text
    for secret in ("Hemlignamn", "Personsson", "Hemliga vägen", person.id_number):
        assert secret not in text


def test_the_avslag_letter_given_out_is_kept_as_an_aktbilaga_of_the_case(manager, handler, new_law):
    # given a bistånd case
    case = CaseFactory(handler=handler, insats_type=InsatsType.objects.get(code="skk"))

    # when an avslag is recorded (its letter with besvärshänvisning goes to the person)
    _record(manager, case, new_law, outcome="avslag", reasoning="Behovet tillgodoses av skolan.")

    # then the exact letter is in the akt, numbered, with its checksum in the beslut's history
    kept = Aktbilaga.objects.get(case=case)
    assert kept.number == 1 and kept.kind == "beslut" and kept.produced_by == manager
    assert hashlib.sha256(kept.file.read()).hexdigest() == kept.sha256
    recorded = ChangeLog.objects.get(object_type="decisions.decision", case_id=case.pk)
    assert recorded.changes[services.LETTER_CHECKSUM] == [None, kept.sha256]
