"""The selectors behind the access pages: each one checks its permission before it loads or logs anything,
and keeps out what the user may not see."""

import pytest
from django.http import Http404

from cases.services import journal_entry_create
from core.models import AccessAction, AccessLog, Role
from records.selectors import (
    accesslog_person_for_user,
    case_sharing_get_for_user,
    grant_candidates,
    person_extract_for_user,
    protected_identity_person_for_user,
)
from records.services import case_share_grant
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Selma"))


def test_extract_needs_its_own_permission_and_logs_nothing_without_it(handler, manager, case):
    # handler sees the person but has no cases.export_person
    with pytest.raises(Http404):
        person_extract_for_user(user=handler, person_id=case.person_id, request=None, output="json")
    assert not AccessLog.objects.exists()

    extract = person_extract_for_user(user=manager, person_id=case.person_id, request=None, output="pdf")
    assert extract.person == case.person
    assert list(AccessLog.objects.values_list("user", "action", "what")) == [
        (manager.pk, AccessAction.PRINT, "registerutdrag_pdf")
    ]


def test_extract_history_leaves_out_cases_of_other_units(manager, case, other_unit):
    foreign = CaseFactory(person=case.person, handler=UserFactory(unit=other_unit))
    for each in (case, foreign):
        journal_entry_create(actor=each.handler, case=each, kind="samtal", occurred_on=each.opened_on, text="Samtal")
    extract = person_extract_for_user(user=manager, person_id=case.person_id, request=None, output="json")
    history_cases = {row["entry"].case_id for row in extract.history_rows}
    assert case.pk in history_cases and foreign.pk not in history_cases


def test_person_log_refuses_an_unknown_output_before_logging(manager, case):
    with pytest.raises(Http404):
        accesslog_person_for_user(user=manager, person_id=case.person_id, request=None, output="xml")
    assert not AccessLog.objects.exists()

    person, _rows = accesslog_person_for_user(user=manager, person_id=case.person_id, request=None, output="csv")
    assert person == case.person
    assert list(AccessLog.objects.values_list("action", "what")) == [(AccessAction.EXPORT, "loggutdrag_csv")]


def test_sharing_is_for_the_cases_unit_manager_even_when_another_manager_sees_the_case(manager, case, other_unit):
    other_manager = UserFactory(unit=other_unit, role=Role.MANAGER)
    case_share_grant(actor=manager, case=case, grantee=other_manager, reason="Samverkan kring ärendet")
    # the other unit's manager sees the case through the share, but may not manage its sharing
    with pytest.raises(Http404):
        case_sharing_get_for_user(user=other_manager, case_id=case.pk, request=None)
    with pytest.raises(Http404):
        protected_identity_person_for_user(user=other_manager, person_id=case.person_id, request=None)
    assert not AccessLog.objects.filter(user=other_manager).exists()

    assert case_sharing_get_for_user(user=manager, case_id=case.pk, request=None) == case
    assert AccessLog.objects.get(user=manager).what == "case_sharing"


def test_grant_candidates_leave_out_those_who_already_have_access(manager, handler, colleague):
    assert {handler, colleague} <= set(grant_candidates(manager=manager))
    remaining = set(grant_candidates(manager=manager, exclude=[handler]))
    assert colleague in remaining and handler not in remaining
