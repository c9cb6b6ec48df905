import datetime

import pytest
from django.utils import timezone

from cases.models import InsatsType
from consent.models import Actor
from interventions import services
from tests.factories import CaseFactory, CustodianFactory, PersonFactory, personnummer_for


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_case(handler):
    """A case of the handler's unit with the given insats; the person (17) has two custodians."""

    def make(code="sig", birth_date=datetime.date(2009, 4, 12), custodians=2, **kwargs):
        person = PersonFactory(unit=handler.unit, birth_date=birth_date)
        for _ in range(custodians):
            CustodianFactory(person=person)
        # service (no beslut) unless a test asks for bistånd: on a bistånd case no insats starts before its
        # beslut (decisions.rules.insats_start_problem, tested in decisions/tests/test_start_paths.py)
        kwargs.setdefault("basis", "service")
        return CaseFactory(person=person, handler=handler, insats_type=InsatsType.objects.get(code=code), **kwargs)

    return make


@pytest.fixture
def ordered_community_service(make_case, handler):
    """An ongoing ungdomstjänst of 40 hours (judgment 20 days ago, the young person 16) at the workplace
    Biblioteket, made when called: returns the order (its case is order.case) and the workplace."""

    def make():
        today = datetime.date.today()  # as the browser tests' own "today"
        case = make_case("ungdomstjanst", birth_date=datetime.date(today.year - 16, 5, 5))
        order = services.community_service_set(
            actor=handler,
            case=case,
            ordered_hours=40,
            judgment_on=today - datetime.timedelta(days=20),
            issued_by="Attunda tingsrätt",
            report_to="Åklagare Ek",
        )
        return order, services.community_service_workplace_add(actor=handler, order=order, name="Biblioteket")

    return make


@pytest.fixture
def police(db):
    return Actor.objects.get(code="polis")


@pytest.fixture
def school(db):
    return Actor.objects.get(code="skola")


@pytest.fixture
def short_case(handler, today):
    """services.victim_support_short_case for a new person (Ida Ek, born 2010) with one contact today and
    closed today; keyword arguments replace those defaults."""

    def run(**overrides):
        arguments = {
            "actor": handler,
            "person": None,
            "new_person": services.NewPersonData(
                id_kind="personnummer",
                id_number=personnummer_for(datetime.date(2010, 5, 17), 238),
                first_name="Ida",
                last_name="Ek",
            ),
            "referral_source": "polis",
            "crime_type": "ran",
            "crime_on": today,
            "reported_to_police": True,
            "contacts": [services.ContactData(today, "samtal", "Första samtalet")],
            "closed_on": today,
        }
        return services.victim_support_short_case(**{**arguments, **overrides})

    return run
