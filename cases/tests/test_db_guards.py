"""The database itself refuses to change or delete a signed journal entry (PostgreSQL trigger), whatever
code path tries; unsigned drafts stay editable, and gallring's purge setting is the one sanctioned bypass."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from cases.models import JournalEntry
from core.db_guards import PURGE_SETTING
from tests.factories import CaseFactory, JournalEntryFactory

requires_postgres = pytest.mark.requires("postgresql")  # the guard is a PostgreSQL trigger
pytestmark = [pytest.mark.django_db, requires_postgres]

SIGNED = datetime.datetime(2025, 3, 5, 10, tzinfo=datetime.UTC)


@pytest.fixture
def signed_entry(handler):
    return JournalEntryFactory(case=CaseFactory(handler=handler), text="Signerad text.", signed_at=SIGNED)


def raw(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def test_raw_update_of_a_signed_entry_raises(signed_entry):
    with pytest.raises(IntegrityError, match="signerad journalanteckning"), transaction.atomic():
        raw("UPDATE cases_journalentry SET text = %s WHERE id = %s", ["Ändrad", signed_entry.pk])

    signed_entry.refresh_from_db()
    assert signed_entry.text == "Signerad text."


def test_raw_delete_of_a_signed_entry_raises(signed_entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        raw("DELETE FROM cases_journalentry WHERE id = %s", [signed_entry.pk])

    assert JournalEntry.objects.filter(pk=signed_entry.pk).exists()


def test_orm_update_and_unsigning_are_refused_too(signed_entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=signed_entry.pk).update(signed_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=signed_entry.pk).delete()


def test_unsigned_drafts_can_be_edited_signed_and_deleted(handler):
    draft = JournalEntryFactory(case=CaseFactory(handler=handler), text="Utkast")

    assert raw("UPDATE cases_journalentry SET text = %s WHERE id = %s", ["Utkast 2", draft.pk]) == 1
    other = JournalEntryFactory(case=draft.case, text="Ska bort")
    assert raw("DELETE FROM cases_journalentry WHERE id = %s", [other.pk]) == 1
    # signing is an update of an unsigned row: allowed, and from then on locked
    assert raw("UPDATE cases_journalentry SET signed_at = now() WHERE id = %s", [draft.pk]) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        raw("UPDATE cases_journalentry SET text = %s WHERE id = %s", ["igen", draft.pk])


@pytest.mark.django_db(transaction=True)  # SET LOCAL lasts until the outermost transaction ends
def test_the_purge_setting_lets_gallring_remove_signed_entries(signed_entry):
    with transaction.atomic():
        raw(f"SET LOCAL {PURGE_SETTING} = 'on'", [])
        assert raw("DELETE FROM cases_journalentry WHERE id = %s", [signed_entry.pk]) == 1
    # SET LOCAL ended with the transaction: the guard is back
    again = JournalEntryFactory(case=signed_entry.case, signed_at=SIGNED)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw("DELETE FROM cases_journalentry WHERE id = %s", [again.pk])
