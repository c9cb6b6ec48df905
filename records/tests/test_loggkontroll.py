"""Loggkontroll: the enhetschef's page with filters, flags, stickprov, CSV export and
the extract for the person concerned; the log is append-only and written in the read's transaction."""

import csv
import datetime
import io
import subprocess

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import ProtectionLevel
from core.access_log import Seen, access_log_record
from core.models import AccessAction, AccessLog
from records.services import case_share_grant
from tests.environment import require
from tests.factories import CaseFactory, PersonFactory

pg_only = pytest.mark.requires("postgresql")  # database-level guard


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Lova", last_name="Läst"))


def _read(user, person, *, at=None, protected=False, case=None):
    access_log_record(
        user=user,
        seen=[Seen(person_id=person.pk, case_id=case.pk if case else None, protected_identity=protected)],
        action=AccessAction.VIEW,
        what="case_page",
    )
    row = AccessLog.objects.filter(user=user, person_id=person.pk).order_by("-id").first()
    if at is not None:
        _set_time(row, at)
    return row


def _set_time(row, at):
    # Test set-up only: the append-only guard allows it inside a purge transaction.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ungdomsinsats.purge = 'on'")
        AccessLog.objects.filter(pk=row.pk).update(at=at)


def _rows(response) -> list:
    """Rows shown, leaving out the manager's own rows (every loggkontroll page view is logged too)."""
    viewer = response.wsgi_request.user
    return [item.row for item in response.context["shown"] if item.row.user_id != viewer.pk]


@pytest.mark.django_db
def test_only_managers_reach_loggkontroll(client, handler, outsider, stats_client, manager):
    url = reverse("accesslog_review")
    for user in (handler, outsider, stats_client):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("accesslog_export")).status_code == 404
    client.force_login(manager)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_filter_by_user_person_and_period(client, manager, handler, colleague, case):
    other_person = PersonFactory(unit=handler.unit)
    early = _read(handler, case.person, at=timezone.now() - datetime.timedelta(days=40))
    late = _read(colleague, case.person)
    other = _read(handler, other_person)
    client.force_login(manager)
    url = reverse("accesslog_review")

    assert {r.pk for r in _rows(client.get(url, {"user": colleague.pk}))} == {late.pk}
    assert {r.pk for r in _rows(client.get(url, {"person": case.person.pk}))} == {early.pk, late.pk}
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert {r.pk for r in _rows(client.get(url, {"since": since, "user": handler.pk}))} == {other.pk}
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert {r.pk for r in _rows(client.get(url, {"until": until}))} == {early.pk}


@pytest.mark.django_db
def test_person_is_chosen_by_search_never_by_a_number_in_the_url(client, manager, handler, case):
    _read(handler, case.person)
    client.force_login(manager)
    url = reverse("accesslog_review")

    # a personnummer in the query string is not a filter (only an opaque UUID is)
    ignored = client.get(url, {"person": case.person.id_number})
    assert ignored.status_code == 200 and ignored.context["form"].errors

    # searching is a POST; the hits link with the UUID
    response = client.post(url, {"query": case.person.id_number})
    html = response.content.decode()
    assert f'href="?person={case.person.pk}"' in html
    assert f"person={case.person.id_number}" not in html
    # the search hit is itself access-logged
    assert AccessLog.objects.filter(user=manager, person_id=case.person.pk, action=AccessAction.SEARCH).exists()


@pytest.mark.django_db
def test_flags_outside_caseload_unit_protected_and_burst(client, settings, manager, handler, colleague, outsider, case):
    settings.LOGGKONTROLL_BURST_LIMIT = 2
    case_share_grant(actor=manager, case=case, grantee=outsider, reason="SIG-samordning")
    protected = PersonFactory(unit=handler.unit, protection=ProtectionLevel.CONFIDENTIALITY)
    own = _read(handler, case.person)
    by_colleague = _read(colleague, case.person)
    by_outsider = _read(outsider, case.person)
    flagged_protected = _read(handler, protected, protected=True)
    third = _read(handler, PersonFactory(unit=handler.unit))  # the third distinct person within the hour

    client.force_login(manager)
    rows = {row.pk: row for row in _rows(client.get(reverse("accesslog_review")))}
    assert (rows[own.pk].outside_caseload, rows[own.pk].outside_unit) == (False, False)
    assert (rows[by_colleague.pk].outside_caseload, rows[by_colleague.pk].outside_unit) == (True, False)
    assert rows[by_outsider.pk].outside_unit is True
    assert rows[flagged_protected.pk].protected_identity is True
    assert rows[third.pk].burst is True and rows[own.pk].burst is False

    only_flagged = {row.pk for row in _rows(client.get(reverse("accesslog_review"), {"flagged": "on"}))}
    assert own.pk not in only_flagged
    assert {by_colleague.pk, by_outsider.pk, flagged_protected.pk, third.pk} <= only_flagged


@pytest.mark.django_db
def test_random_sample_is_drawn_from_the_filtered_rows(client, settings, manager, handler, colleague, case):
    settings.LOGGKONTROLL_SAMPLE_SIZE = 3
    people = [PersonFactory(unit=handler.unit) for _ in range(6)]
    for person in people:
        _read(handler, person)
        _read(colleague, person)
    client.force_login(manager)
    response = client.get(reverse("accesslog_review"), {"stickprov": "1", "user": colleague.pk})
    sample = _rows(response)
    assert len(sample) == 3
    assert {row.user_id for row in sample} == {colleague.pk}
    assert "Stickprov" in response.content.decode()


@pytest.mark.django_db
def test_csv_export_lists_the_rows_and_is_logged(client, manager, handler, case):
    _read(handler, case.person)
    client.force_login(manager)
    response = client.get(reverse("accesslog_export"), {"person": case.person.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert lines[0][:3] == ["Tidpunkt", "Användare", "Roll"]
    assert len(lines) == 2 and lines[1][5] == "Lova Läst" and lines[1][4] == str(case.person.pk)
    assert AccessLog.objects.filter(user=manager, person_id=case.person.pk, action=AccessAction.EXPORT).count() == 1


@pytest.mark.django_db
def test_extract_for_the_person_concerned(client, manager, handler, colleague, case):
    _read(handler, case.person)
    _read(colleague, case.person)
    client.force_login(manager)
    url = reverse("accesslog_person_extract", kwargs={"person_id": case.person.pk})
    before = AccessLog.objects.filter(person_id=case.person.pk).count()

    html = client.get(url).content.decode()
    assert "Hanna Handläggare" in html and "Kalle Kollega" in html
    # exactly one log row for the view of the extract
    assert AccessLog.objects.filter(person_id=case.person.pk).count() == before + 1

    csv_text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Kalle Kollega" in csv_text
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    require("pdftotext")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
    assert "Kalle Kollega" in text.decode()
    assert AccessLog.objects.filter(user=manager, person_id=case.person.pk, what="loggutdrag_pdf").count() == 1


@pytest.mark.django_db
def test_extract_is_404_for_a_person_the_manager_cannot_see(client, other_unit, manager):
    foreign = PersonFactory(unit=other_unit)
    client.force_login(manager)
    assert client.get(reverse("accesslog_person_extract", kwargs={"person_id": foreign.pk})).status_code == 404


@pytest.mark.django_db
def test_page_query_count_does_not_grow_with_rows(client, manager, handler, django_assert_max_num_queries):
    client.force_login(manager)
    for _ in range(3):
        _read(handler, PersonFactory(unit=handler.unit))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("accesslog_review"))
    for _ in range(30):
        _read(handler, PersonFactory(unit=handler.unit))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("accesslog_review"))


# --- append-only and fail-closed (PostgreSQL) ----------------------------------------------------


@pg_only
@pytest.mark.django_db
def test_log_rows_cannot_be_changed_or_deleted(handler, case):
    row = _read(handler, case.person)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(what="ändrad")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.get(pk=row.pk).what == "case_page"


@pytest.fixture
def log_insert_fails(db):
    """Make every access-log insert fail in the database (a trigger, dropped with the test's transaction)."""
    require("postgresql")  # a trigger
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_refuse_accesslog() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'access log unavailable'; END; $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_refuse_accesslog BEFORE INSERT ON core_accesslog
                FOR EACH ROW EXECUTE FUNCTION test_refuse_accesslog();
            """
        )
    yield


@pg_only
@pytest.mark.django_db
def test_page_is_not_shown_when_the_log_cannot_be_written(log_insert_fails, manager, handler, case):
    client = Client(raise_request_exception=False)
    pages = [
        reverse("case_detail", kwargs={"case_id": case.pk}),
        reverse("person_history", kwargs={"person_id": case.person.pk}),
        reverse("person_extract_json", kwargs={"person_id": case.person.pk}),
        reverse("accesslog_person_extract", kwargs={"person_id": case.person.pk}),
    ]
    client.force_login(manager)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 500, url
        body = response.content.decode(errors="replace")
        assert "Lova" not in body and case.person.id_number not in body, url


@pytest.mark.django_db
def test_default_period_is_the_last_month_and_pages_need_no_count(client, manager, handler, case):
    old = _read(handler, case.person, at=timezone.now() - datetime.timedelta(days=45))
    recent = [_read(handler, PersonFactory(unit=handler.unit)) for _ in range(51)]
    client.force_login(manager)
    first = client.get(reverse("accesslog_review"), {"user": handler.pk})  # the manager's own rows grow as we go
    shown = {row.pk for row in _rows(first)}
    assert old.pk not in shown and len(shown) == 50
    assert 'rel="next"' in first.content.decode()
    second = {row.pk for row in _rows(client.get(reverse("accesslog_review"), {"user": handler.pk, "sida": 2}))}
    assert {row.pk for row in recent} <= shown | second
