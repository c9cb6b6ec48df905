"""Consent history is append-only at the database too (PostgreSQL triggers on every consent table)."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from consent.models import Actor, Consent, ConsentRevocation, MaturityAssessment
from tests.factories import PersonFactory

requires_postgres = pytest.mark.requires("postgresql")  # the guard is a PostgreSQL trigger
pytestmark = [pytest.mark.django_db, requires_postgres]

D = datetime.date(2025, 6, 1)


@pytest.fixture
def history(handler):
    person = PersonFactory()
    consent = Consent.objects.create(person=person, given_on=D, form="skriftligt", recorded_by=handler)
    consent.actors.set([Actor.objects.get(code="polis")])
    revocation = ConsentRevocation.objects.create(consent=consent, revoked_on=D, recorded_by=handler)
    maturity = MaturityAssessment.objects.create(
        person=person, assessed_on=D, mature=True, reasoning="Mogen.", assessed_by=handler
    )
    return consent, revocation, maturity


def refused(sql: str, params: list) -> None:
    with (
        pytest.raises(IntegrityError, match="Samtyckeshistorik kan inte skrivas om"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("table", "column", "value", "which"),
    [
        ("consent_consent", "note", "ändrad", 0),
        ("consent_consentrevocation", "reason", "ändrad", 1),
        ("consent_maturityassessment", "reasoning", "ändrad", 2),
    ],
)
def test_update_and_delete_are_refused(history, table, column, value, which):
    row = history[which]
    refused(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, row.pk])
    refused(f"DELETE FROM {table} WHERE id = %s", [row.pk])
    assert type(row).objects.filter(pk=row.pk).exists()


def test_the_actors_of_a_consent_cannot_be_changed(history):
    consent = history[0]
    refused("DELETE FROM consent_consent_actors WHERE consent_id = %s", [consent.pk])
    refused(
        "UPDATE consent_consent_actors SET actor_id = %s WHERE consent_id = %s",
        [Actor.objects.get(code="skola").pk, consent.pk],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        consent.actors.clear()
    assert [a.code for a in consent.actors.all()] == ["polis"]


def test_the_actors_of_a_revocation_cannot_be_changed(history):
    revocation = history[1]
    revocation.actors.set([Actor.objects.get(code="polis")])
    refused("DELETE FROM consent_consentrevocation_actors WHERE consentrevocation_id = %s", [revocation.pk])
    refused(
        "UPDATE consent_consentrevocation_actors SET actor_id = %s WHERE consentrevocation_id = %s",
        [Actor.objects.get(code="skola").pk, revocation.pk],
    )
