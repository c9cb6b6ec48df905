"""Multi-row changes are atomic: an error half-way leaves no trace, not even a log row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import Custodian, JournalEntry, Person
from records.integrity import row_counts
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

# bookkeeping of the login itself, not of the change under test
IGNORED_TABLES = {"django_session", "axes_accesslog", "axes_accessattempt", "axes_accessfailurelog"}


def counts() -> dict[str, int]:
    return {table: count for table, count in row_counts().items() if table not in IGNORED_TABLES}


def test_a_failing_custodian_undoes_the_person_registered_before_it(handler):
    before = counts()
    with pytest.raises(ValidationError):
        services.person_register(
            actor=handler,
            id_kind="personnummer",
            id_number="20090412-1236",
            first_name="Elin",
            last_name="Testsson",
            custodians=[
                services.CustodianData(name="Anna Testsson"),
                services.CustodianData(name="Bo Testsson", id_number="123"),  # invalid: fails after the first
            ],
        )
    assert not Person.objects.exists() and not Custodian.objects.exists()
    assert counts() == before


@pytest.mark.requires("postgresql")  # the database-side fault
def test_a_request_whose_write_fails_in_the_database_leaves_no_row_at_all(client, handler):
    # given a case page the handläggare has opened (its view is logged), then a database that refuses journal rows
    case = CaseFactory(handler=handler, opened_on=datetime.date(2025, 3, 1))
    client.force_login(handler)
    client.get(reverse("case_detail", kwargs={"case_id": case.pk}))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_entry() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END; $$"
            " LANGUAGE plpgsql;"
            "CREATE TRIGGER refuse_entry BEFORE INSERT ON cases_journalentry"
            " FOR EACH ROW EXECUTE FUNCTION refuse_entry()"
        )
    before = counts()

    # when writing an entry fails half-way through the request
    client.raise_request_exception = False
    response = client.post(
        reverse("entry_create", kwargs={"case_id": case.pk}),
        {"kind": "samtal", "occurred_on": "2025-03-05", "text": "Samtal", "signera": "1", "confirm_sign": "on"},
    )

    # then the user gets an error page and nothing of the request remains: no entry, no log row, no history
    assert response.status_code == 500
    assert not JournalEntry.objects.exists()
    assert counts() == before
