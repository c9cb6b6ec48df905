"""Loggkontroll that finds something (issue 19.8), exports that Excel does not run (25.6), odd input (25.7)
and an export that streams (25.10)."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import ProtectionLevel
from core.access_log import Seen, access_log_record
from core.models import AccessAction, AccessLog
from records.tests.test_loggkontroll import log_insert_fails  # noqa: F401 (a fixture)
from tests.factories import CaseFactory, PersonFactory, UnitFactory, UserFactory


def _log(user, person, *, action=AccessAction.VIEW, what="case_page", protected=False):
    access_log_record(
        user=user, seen=[Seen(person_id=person.pk, protected_identity=protected)], action=action, what=what
    )
    return AccessLog.objects.filter(user=user, person_id=person.pk).order_by("-id").first()


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _shown(response) -> dict:
    viewer = response.wsgi_request.user
    return {item.row.pk: item.row for item in response.context["shown"] if item.row.user_id != viewer.pk}


@pytest.mark.django_db
def test_lists_searches_and_the_managers_own_review_are_not_flagged(client, settings, manager, handler, colleague):
    settings.LOGGKONTROLL_BURST_LIMIT = 2
    people = [PersonFactory(unit=handler.unit) for _ in range(4)]
    protected = PersonFactory(unit=handler.unit, protection=ProtectionLevel.CONFIDENTIALITY)
    # a colleague's list page shows four people she does not handle, and a protected one unmasked
    listed = [_log(colleague, person, action=AccessAction.LIST, what="my_cases") for person in people]
    listed_protected = _log(colleague, protected, action=AccessAction.LIST, what="my_cases", protected=True)
    searched = _log(colleague, people[0], action=AccessAction.SEARCH, what="search")
    # the manager's earlier loggkontroll review and a loggutdrag
    review = _log(manager, protected, action=AccessAction.LIST, what="loggkontroll", protected=True)
    extract = _log(manager, people[1], action=AccessAction.EXPORT, what="loggutdrag_csv")
    # one record the colleague opened: outside her caseload, flagged
    opened = _log(colleague, people[2])

    client.force_login(manager)
    url = reverse("accesslog_review")
    rows = _shown(client.get(url))
    for row in [*listed, listed_protected, searched]:
        shown = rows[row.pk]
        assert not (shown.outside_caseload or shown.outside_unit or shown.burst or shown.protected_flag), row.what
    assert rows[opened.pk].outside_caseload is True
    # only the opened record counts towards a burst (one person, not five)
    assert rows[opened.pk].burst is False

    flagged = client.get(url, {"flagged": "on"})
    flagged_ids = {item.row.pk for item in flagged.context["shown"]}
    assert opened.pk in flagged_ids
    assert not flagged_ids & {row.pk for row in [*listed, listed_protected, searched, review, extract]}


@pytest.mark.django_db
def test_what_is_said_in_words_in_loggkontroll_and_the_loggutdrag(client, manager, handler):
    person = PersonFactory(unit=handler.unit)
    CaseFactory(handler=handler, person=person)
    _log(handler, person, what="insats_page")
    _log(handler, person, action=AccessAction.EXPORT, what="utlamnande:2")
    client.force_login(manager)

    page = client.get(reverse("accesslog_review")).content.decode()
    assert "Insatsens sida" in page and "Utlämnande av uppgifter till annan" in page
    assert "insats_page" not in page and "utlamnande:2" not in page

    exported = _csv(client.get(reverse("accesslog_export")))
    whats = {line[8] for line in exported[1:]}
    assert {"Insatsens sida", "Utlämnande av uppgifter till annan"} <= whats
    assert not {"insats_page", "utlamnande:2"} & whats

    url = reverse("accesslog_person_extract", kwargs={"person_id": person.pk})
    html = client.get(url).content.decode()
    assert "Insatsens sida" in html and "insats_page" not in html and "utlamnande:2" not in html
    lines = _csv(client.get(url, {"format": "csv"}))
    assert {"Insatsens sida", "Utlämnande av uppgifter till annan"} <= {line[5] for line in lines[1:]}


@pytest.mark.django_db
def test_saving_a_form_is_logged_as_a_change_not_as_a_view(client, handler):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit))
    client.force_login(handler)
    client.post(
        reverse("entry_create", kwargs={"case_id": case.pk}),
        {"kind": "anteckning", "occurred_on": "2025-03-02", "text": "Samtal"},
    )
    entry = case.entries.get()
    before = set(AccessLog.objects.filter(user=handler).values_list("pk", flat=True))
    url = reverse("entry_edit", kwargs={"case_id": case.pk, "entry_id": entry.pk})
    response = client.post(url, {"occurred_on": "2025-03-02", "text": "Samtal med mamma", "version": 1})
    assert response.status_code == 302
    new = AccessLog.objects.filter(user=handler).exclude(pk__in=before)
    assert {row.action for row in new} == {AccessAction.CHANGE}
    client.get(url)
    assert AccessLog.objects.filter(user=handler, what="entry_edit", action=AccessAction.VIEW).count() == 1


# --- formula-safe exports (25.6) -----------------------------------------------------------------------


@pytest.mark.django_db
def test_loggkontroll_and_loggutdrag_csv_escape_formulas(client, manager, handler):
    unit = handler.unit
    unit.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    unit.save(update_fields=["name"])
    reader = UserFactory(first_name='=HYPERLINK("http://x.test")', last_name="", unit=unit)
    person = PersonFactory(unit=unit, first_name="+1+cmd", last_name="-2")
    CaseFactory(handler=handler, person=person)
    _log(reader, person)
    client.force_login(manager)

    lines = _csv(client.get(reverse("accesslog_export")))
    row = next(line for line in lines[1:] if line[4] == str(person.pk) and line[7] == "Visade")
    assert row[1] == '\'=HYPERLINK("http://x.test")'
    assert row[3] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row[5] == "'+1+cmd -2"
    for line in lines:
        for cell in line:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell

    extract = _csv(client.get(reverse("accesslog_person_extract", kwargs={"person_id": person.pk}), {"format": "csv"}))
    for line in extract:
        for cell in line:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert '\'=HYPERLINK("http://x.test")' in {line[1] for line in extract}


# --- odd input (25.7) ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "1e9", "0", "２"])
def test_an_odd_page_number_shows_the_first_page(client, manager, page):
    client.force_login(manager)
    response = client.get(reverse("accesslog_review"), {"sida": page})
    assert response.status_code == 200
    assert response.context["page"]["number"] == 1


# --- streaming export (25.10) ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_streams_with_a_query_count_that_does_not_grow_with_rows(
    client, settings, manager, handler, django_assert_max_num_queries
):
    settings.LOGGKONTROLL_BURST_LIMIT = 1000
    client.force_login(manager)
    for _ in range(3):
        _log(handler, PersonFactory(unit=handler.unit))

    def export() -> int:
        response = client.get(reverse("accesslog_export"))
        assert response.streaming
        return len(_csv(response)) - 1

    with django_assert_max_num_queries(20) as few:
        small = export()
    other_unit_reader = UserFactory(unit=UnitFactory())
    for _ in range(40):
        person = PersonFactory(unit=handler.unit)
        _log(handler, person)
        _log(other_unit_reader, person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = export()
    assert large >= small + 80
    # the export named every person once in the log, as an export
    assert AccessLog.objects.filter(user=manager, what="loggkontroll_csv", action=AccessAction.EXPORT).count() == (
        3 + 3 + 40
    )


@pytest.mark.requires("postgresql")
@pytest.mark.django_db
def test_the_streamed_export_sends_nothing_when_the_log_cannot_be_written(request, manager, handler):
    person = PersonFactory(unit=handler.unit, first_name="Lova", last_name="Läst")
    CaseFactory(handler=handler, person=person)
    _log(handler, person)
    request.getfixturevalue("log_insert_fails")  # from now on every access-log insert fails
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.get(reverse("accesslog_export"))
    assert response.status_code == 500
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Lova" not in body
