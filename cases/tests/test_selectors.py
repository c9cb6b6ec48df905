"""Reads of personal data: unit scoping, per-case grants, 404 for the invisible, masking and the access log."""

import uuid

import pytest
from django.http import Http404
from django.test import RequestFactory
from guardian.shortcuts import assign_perm

from cases.models import MASKED_NAME, MASKED_NUMBER, Person
from cases.selectors import (
    case_get_for_user,
    case_is_visible,
    case_list_log,
    case_queryset_for_user,
    case_queryset_parts_for_user,
    mark_identity_visibility,
    person_find,
    person_get_for_user,
    person_queryset_for_user,
    person_search,
)
from core.models import AccessAction, AccessLog
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Maja", last_name="Lind"))


@pytest.fixture
def protected_case(handler):
    person = PersonFactory(unit=handler.unit, first_name="Dold", last_name="Dolkesson", protection="fingerade")
    return CaseFactory(handler=handler, person=person)


def test_unit_staff_see_the_units_cases_and_people(case, handler, colleague, manager):
    for user in (handler, colleague, manager):
        assert list(case_queryset_for_user(user)) == [case]
        assert list(person_queryset_for_user(user)) == [case.person]


def test_others_see_nothing_and_get_404(case, outsider, stats_client):
    for user in (outsider, stats_client):
        assert not case_queryset_for_user(user).exists()
        assert not person_queryset_for_user(user).exists()
        with pytest.raises(Http404):
            case_get_for_user(user=user, case_id=case.pk)
        with pytest.raises(Http404):
            person_get_for_user(user=user, person_id=case.person_id)
    assert not AccessLog.objects.exists()


def test_inactive_users_see_nothing(case, handler):
    handler.is_active = False
    assert not case_queryset_for_user(handler).exists()


def test_a_per_case_grant_opens_that_case_and_its_person_only(case, handler, outsider):
    other = CaseFactory(handler=handler)
    assign_perm("cases.view_case", outsider, case)

    assert list(case_queryset_for_user(outsider)) == [case]
    assert list(person_queryset_for_user(outsider)) == [case.person]
    assert case_get_for_user(user=outsider, case_id=case.pk) == case
    with pytest.raises(Http404):
        case_get_for_user(user=outsider, case_id=other.pk)


def test_the_parts_of_the_visible_cases_are_disjoint_and_together_the_same_cases(case, handler, outsider, stats_client):
    elsewhere, own = CaseFactory(), CaseFactory(handler=outsider)
    assign_perm("cases.view_case", outsider, case)
    assign_perm("cases.view_case", outsider, own)  # a grant on a case of one's own unit is counted once
    superuser = UserFactory(is_superuser=True)

    for user in (handler, outsider, stats_client, superuser):
        parts = [set(part) for part in case_queryset_parts_for_user(user)]
        assert set().union(*parts) == set(case_queryset_for_user(user))
        assert sum(map(len, parts)) == len(set().union(*parts))
    assert [set(part) for part in case_queryset_parts_for_user(outsider)] == [{own}, {case}]
    assert elsewhere in set().union(*map(set, case_queryset_parts_for_user(superuser)))


def test_a_person_registered_by_the_unit_is_visible_without_a_case(handler, outsider):
    person = PersonFactory(unit=handler.unit)
    assert person in person_queryset_for_user(handler)
    assert person not in person_queryset_for_user(outsider)


def test_viewing_a_case_writes_one_access_log_row(case, handler):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7")

    shown = case_get_for_user(user=handler, case_id=case.pk, request=request)

    assert shown.person.display_name == "Maja Lind"
    row = AccessLog.objects.get()
    assert (row.user, row.person_id, row.case_id, row.action, row.what, row.ip_address) == (
        handler,
        case.person_id,
        case.pk,
        AccessAction.VIEW,
        "case_page",
        "10.0.0.7",
    )


def test_protected_identity_is_masked_unless_granted_and_unmasking_is_logged(protected_case, handler, manager):
    shown = case_get_for_user(user=handler, case_id=protected_case.pk)
    assert (shown.person.display_name, shown.person.display_id_number) == (MASKED_NAME, MASKED_NUMBER)
    assert str(MASKED_NAME) in shown.person.display_address
    assert AccessLog.objects.get().protected_identity is False

    assign_perm("cases.view_protected_identity", manager, protected_case.person)
    shown = case_get_for_user(user=manager, case_id=protected_case.pk)
    assert shown.person.display_name == "Dold Dolkesson"
    assert AccessLog.objects.get(user=manager).protected_identity is True


def test_masking_fails_closed_on_rows_loaded_without_the_selector(protected_case):
    person = Person.objects.get(pk=protected_case.person_id)
    assert person.display_name == MASKED_NAME and str(person) == MASKED_NAME


def test_mark_identity_visibility_costs_one_query_for_many_people(handler, django_assert_num_queries):
    people = [PersonFactory(unit=handler.unit, protection="sekretessmarkering") for _index in range(5)]
    handler.has_perm("cases.view_protected_identity")  # the user's role permissions load once per request
    with django_assert_num_queries(1):  # the grants of all five, permission joined in
        mark_identity_visibility(handler, people)
    assert all(not person.shows_identity for person in people)


def test_search_by_any_number_form_by_name_and_by_case_number(case, handler):
    number = case.person.id_number
    for query in [
        number,
        f"{number[:8]}-{number[8:]}",
        f"{number[2:8]}-{number[8:]}",
        "maja",
        "Lind Maja",
        case.number,
    ]:
        assert person_search(user=handler, query=query) == [case.person], query
    assert AccessLog.objects.filter(action=AccessAction.SEARCH).count() == 6


def test_search_never_confirms_a_protected_name(protected_case, handler, manager):
    assert person_search(user=handler, query="Dolkesson") == []
    # nor by number: a masked hit would confirm whose number it is (issue 25 point 4)
    assert person_search(user=handler, query=protected_case.person.id_number) == []
    assign_perm("cases.view_protected_identity", manager, protected_case.person)
    assert person_search(user=manager, query="Dolkesson") == [protected_case.person]
    found = person_search(user=manager, query=protected_case.person.id_number)
    assert found == [protected_case.person] and found[0].display_name != MASKED_NAME


def test_search_across_units_finds_nothing(case, outsider):
    assert person_search(user=outsider, query=case.person.id_number) == []
    assert person_search(user=outsider, query="Lind") == []
    assert not AccessLog.objects.exists()


def test_person_find_gives_a_visible_person_or_none_and_logs_nothing(case, handler, outsider):
    assert person_find(user=handler, person_id=case.person_id) == case.person
    assert person_find(user=outsider, person_id=case.person_id) is None
    assert person_find(user=handler, person_id=uuid.uuid4()) is None
    assert not AccessLog.objects.exists()


def test_case_is_visible_follows_the_users_cases(case, handler, outsider):
    assert case_is_visible(user=handler, case_id=case.pk)
    assert not case_is_visible(user=outsider, case_id=case.pk)
    assert not AccessLog.objects.exists()


def test_case_list_log_writes_one_row_per_case_shown(handler):
    cases = [CaseFactory(handler=handler) for _index in range(3)]

    case_list_log(user=handler, cases=cases, request=None, what="my_cases")

    assert AccessLog.objects.filter(action=AccessAction.LIST, what="my_cases").count() == 3


def test_superuser_sees_everything_but_still_masked_in_lists(protected_case):
    root = UserFactory(is_superuser=True, unit=None)
    assert protected_case in case_queryset_for_user(root)
    person = Person.objects.get(pk=protected_case.person_id)
    assert person.display_name == MASKED_NAME  # until a selector marks it
