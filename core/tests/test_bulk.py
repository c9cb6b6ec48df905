"""core.bulk: the one COPY writer of the importer and the data generator."""

import datetime
import uuid

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from core.bulk import BulkTable, bulk_write
from core.models import ChangeLog
from tests.factories import UserFactory

COLUMNS = ["at", "actor_id", "object_type", "object_id", "person_id", "case_id", "action", "changes"]


def rows(actor_id: int, count: int, at: datetime.datetime) -> list[tuple]:
    case = uuid.uuid4()
    return [
        (at, actor_id, "cases.case", str(i), None, case, "create", {"status": [None, "oppet"], "n": [None, str(i)]})
        for i in range(count)
    ]


@pytest.mark.django_db
def test_rows_are_written_with_their_json_and_times():
    actor = UserFactory()
    at = timezone.now().replace(microsecond=0)

    written = bulk_write(ChangeLog, COLUMNS, rows(actor.pk, 2500, at))

    assert written == 2500
    stored = ChangeLog.objects.order_by("id")
    assert stored.count() == 2500
    last = stored.last()
    assert (last.actor_id, last.object_id, last.action, last.at) == (actor.pk, "2499", "create", at)
    assert last.changes == {"status": [None, "oppet"], "n": [None, "2499"]}  # a dict, not a JSON string in JSON


@pytest.mark.django_db
def test_json_given_as_text_is_stored_as_that_json():
    actor = UserFactory()
    row = (timezone.now(), actor.pk, "cases.case", "1", None, None, "update", '{"status": ["oppet", "avslutat"]}')

    BulkTable(ChangeLog, COLUMNS).write([row])

    assert ChangeLog.objects.get().changes == {"status": ["oppet", "avslutat"]}


@pytest.mark.django_db
def test_a_bad_row_writes_nothing():
    actor = UserFactory()
    good = rows(actor.pk, 3, timezone.now())
    bad = (timezone.now(), actor.pk, "cases.case", "x", None, None, "create", {}, "one too many")

    with pytest.raises((psycopg.Error, ValueError)), transaction.atomic():  # ValueError off PostgreSQL
        bulk_write(ChangeLog, COLUMNS, [*good, bad])

    assert not ChangeLog.objects.exists()


@pytest.mark.django_db
def test_copy_on_a_raw_connection_is_in_the_same_transaction():
    actor = UserFactory()
    connection.ensure_connection()

    written = BulkTable(ChangeLog, COLUMNS).copy_on(connection.connection, rows(actor.pk, 3, timezone.now()))

    assert written == 3 and ChangeLog.objects.count() == 3
