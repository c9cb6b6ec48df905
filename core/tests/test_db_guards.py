"""The access log is append-only at the database (PostgreSQL trigger): no UPDATE, no DELETE."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from core.access_log import Seen, access_log_record
from core.models import AccessAction, AccessLog
from tests.factories import UserFactory

requires_postgres = pytest.mark.requires("postgresql")  # the guard is a PostgreSQL trigger
pytestmark = [pytest.mark.django_db, requires_postgres]


@pytest.fixture
def row():
    user = UserFactory()
    access_log_record(user=user, seen=[Seen(person_id=uuid.uuid4())], action=AccessAction.VIEW, what="person_page")
    return AccessLog.objects.get(user=user)


@pytest.mark.parametrize(
    "sql",
    ["UPDATE core_accesslog SET what = 'ändrad' WHERE id = %s", "DELETE FROM core_accesslog WHERE id = %s"],
)
def test_raw_update_and_delete_are_refused(row, sql):
    with (
        pytest.raises(IntegrityError, match="Åtkomstloggen kan inte ändras eller raderas"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])
    row.refresh_from_db()
    assert row.what == "person_page"


def test_orm_update_and_delete_are_refused(row):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(action=AccessAction.EXPORT)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.filter(pk=row.pk, action=AccessAction.VIEW).exists()
