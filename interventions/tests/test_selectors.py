"""Selectors behind the insats pages: permissions applied, the rows shown access-logged, and the reads a
form's action needs refused with the message the form shows."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case
from core.models import AccessLog
from interventions import selectors, services
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_my_cases_pages_the_users_open_cases_and_caps_the_to_do_list(make_case, handler, colleague, today):
    # given: more SIG cases without a plan (each a to-do item) than the list shows, and a colleague's case
    mine = [make_case("sig") for _ in range(selectors.HOME_TODO_LIMIT + 1)]
    CaseFactory(person=PersonFactory(unit=handler.unit), handler=colleague)
    # when
    result = selectors.my_cases_for_user(
        user=handler, on=today, order="number", descending=False, page_number="1", request=None
    )
    # then: one page of the handler's own cases out of all of them, each with its days open
    assert result.total == len(mine) == sum(row["count"] for row in result.counts)
    assert [row.case.pk for row in result.rows] == [case.pk for case in mine[: selectors.HOME_PAGE_SIZE]]
    assert all(row.days_open == (today - row.case.opened_on).days for row in result.rows)
    assert len(result.todo) == selectors.HOME_TODO_LIMIT and result.todo_more
    # the cases of both lists are logged once each, as shown on Mina ärenden
    shown = {row.case.pk for row in result.rows} | {item.case.pk for item in result.todo}
    logged = list(AccessLog.objects.filter(user=handler, what="home").values_list("case_id", flat=True))
    assert sorted(logged) == sorted(shown)


def test_my_cases_second_page_and_a_short_to_do_list(make_case, handler, today):
    cases = [make_case("ungdomstjanst") for _ in range(selectors.HOME_PAGE_SIZE + 2)]
    result = selectors.my_cases_for_user(
        user=handler, on=today, order="number", descending=True, page_number="2", request=None
    )
    assert [row.case.pk for row in result.rows] == [case.pk for case in reversed(cases[:2])]
    assert not result.todo_more


def test_short_case_person_is_found_by_any_form_of_a_visible_number(handler, outsider):
    person = PersonFactory(unit=handler.unit)
    short_form = person.id_number[2:8] + "-" + person.id_number[8:]  # ÅÅMMDD-NNNN
    assert selectors.short_case_person(user=handler, number=short_form) == person
    # another unit's user gets the same answer as for a number nobody has
    for user, number in [(outsider, person.id_number), (handler, "19990101-0000"), (handler, "inte ett nummer")]:
        with pytest.raises(ValidationError) as refused:
            selectors.short_case_person(user=user, number=number)
        assert refused.value.message_dict == {
            "existing_number": ["Ingen ungdom med det numret finns bland dem du har tillgång till."]
        }


def test_short_case_for_a_number_not_visible_is_refused_on_the_field(client, outsider, handler, today):
    person = PersonFactory(unit=handler.unit)
    client.force_login(outsider)
    response = client.post(
        reverse("interventions:short_case"),
        {
            "existing_number": person.id_number,
            "id_kind": "personnummer",
            "referral_source": "polis",
            "crime_type": "hot",
            "contact1_on": today.isoformat(),
            "contact1_kind": "samtal",
            "contact1_text": "Samtal",
            "closed_on": today.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Ingen ungdom med det numret finns bland dem du har tillgång till." in response.content.decode()
    assert not Case.objects.filter(person=person).exists()


def test_insats_records_an_action_needs_are_registered_first(make_case, handler, today):
    community_service, mediation = make_case("ungdomstjanst"), make_case("medling")
    with pytest.raises(ValidationError) as no_order:
        selectors.community_service_order_for_case(case=community_service)
    assert no_order.value.messages == ["Registrera först domen/beslutet om ungdomstjänst."]
    with pytest.raises(ValidationError) as no_mediation:
        selectors.mediation_for_case(case=mediation)
    assert no_mediation.value.messages == ["Registrera först uppgifterna om medlingen."]
    services.community_service_set(
        actor=handler, case=community_service, ordered_hours=20, judgment_on=today, issued_by="TR", report_to="Åkl"
    )
    order = selectors.community_service_order_for_case(case=community_service)
    assert order.case is community_service  # the case fetched with permissions, not a fresh copy


def test_adding_hours_before_the_judgment_shows_why_on_the_page(client, make_case, handler, today):
    case = make_case("ungdomstjanst")
    client.force_login(handler)
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "arbetsplats"]), {"name": "Second hand-butiken"}
    )
    assert response.status_code == 400
    assert "Registrera först domen/beslutet om ungdomstjänst." in response.content.decode()
