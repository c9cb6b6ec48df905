"""access_log_record: one row per person (and case) shown, with who, role, unit, action and address."""

import uuid

import pytest
from django.test import RequestFactory

from core.access_log import Seen, access_log_record
from core.models import AccessAction, AccessLog, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_one_row_per_person_and_case_with_who_and_from_where():
    user = UserFactory(role=Role.MANAGER)
    person, case = uuid.uuid4(), uuid.uuid4()
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")

    written = access_log_record(
        user=user,
        seen=[Seen(person_id=person, case_id=case), Seen(person_id=person, case_id=case), Seen(person_id=person)],
        action=AccessAction.PRINT,
        what="case_pdf" + "x" * 100,
        request=request,
    )

    assert written == 2
    rows = AccessLog.objects.filter(user=user)
    assert {(row.person_id, row.case_id) for row in rows} == {(person, case), (person, None)}
    row = rows.first()
    assert (row.role, row.unit_id, row.action, row.ip_address) == ("enhetschef", user.unit_id, "print", "10.1.2.3")
    assert len(row.what) == 60


def test_nothing_seen_writes_nothing():
    assert access_log_record(user=UserFactory(), seen=[], action=AccessAction.LIST, what="list") == 0
    assert not AccessLog.objects.exists()


def test_protected_identity_shown_is_marked():
    user = UserFactory()
    access_log_record(user=user, seen=[Seen(person_id=uuid.uuid4(), protected_identity=True)], action="view", what="p")
    assert AccessLog.objects.get().protected_identity is True
