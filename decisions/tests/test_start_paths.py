"""The insats start paths of interventions refuse to start an insats on a bistånd case before its beslut:
mediation_start (started_on) and purchased_service_add (starts_on, avhopp)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.models import InsatsType
from decisions import services as decision_services
from interventions import services
from interventions.models import PurchasedService
from tests.factories import CaseFactory, PersonFactory

D = datetime.date


def _case(handler, code):
    person = PersonFactory(unit=handler.unit, birth_date=D(2006, 4, 12))
    return CaseFactory(
        person=person,
        handler=handler,
        insats_type=InsatsType.objects.get(code=code),
        basis="bistand",
        opened_on=D(2025, 3, 1),
    )


def _grant(handler, case, new_law, decided_on):
    return decision_services.decision_record(
        actor=handler,
        case=case,
        outcome="bifall",
        lagrum=new_law,
        applied_for="Insats",
        granted="Insats",
        reasoning="Behov finns.",
        decided_on=decided_on,
        period_from=decided_on,
    )


def _purchase(handler, case, starts_on):
    return services.purchased_service_add(
        actor=handler,
        case=case,
        kind="skyddat_boende",
        provider="Tryggt AB",
        starts_on=starts_on,
        ends_on=None,
        price=Decimal("400000"),
    )


@pytest.mark.django_db
def test_a_purchased_insats_on_a_bistand_case_waits_for_its_beslut(handler, new_law):
    case = _case(handler, "avhopp")
    with pytest.raises(ValidationError) as error:
        _purchase(handler, case, D(2025, 5, 1))
    assert "beslut om bifall" in error.value.message_dict["starts_on"][0]
    _grant(handler, case, new_law, D(2025, 7, 10))
    with pytest.raises(ValidationError) as error:
        _purchase(handler, case, D(2025, 7, 1))
    assert "före beslutet" in error.value.message_dict["starts_on"][0]
    assert not PurchasedService.objects.exists()
    assert _purchase(handler, case, D(2025, 7, 10)).starts_on == D(2025, 7, 10)


@pytest.mark.django_db
def test_mediation_on_a_bistand_case_does_not_start_before_its_beslut(handler, new_law):
    case = _case(handler, "medling")
    mediation = services.mediation_set(actor=handler, case=case, offence="Skadegörelse", mediator=handler)
    services.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Kim Offer")
    services.mediation_checks_record(
        actor=handler,
        mediation=mediation,
        offender_volunteers=True,
        victim_volunteers=True,
        reported_to_police=True,
        offender_admitted=True,
        suitability_assessed=True,
        suitability_note="Ja",
    )
    with pytest.raises(ValidationError) as error:
        services.mediation_start(actor=handler, mediation=mediation, started_on=D(2025, 7, 12))
    assert "beslut om bifall" in error.value.message_dict["started_on"][0]
    _grant(handler, case, new_law, D(2025, 7, 10))
    started = services.mediation_start(actor=handler, mediation=mediation, started_on=D(2025, 7, 12))
    assert started.started_on == D(2025, 7, 12)
