"""Beslut pages: record (with the delegationsordning's refusal), verkställighet, the letter, the case page; the
enhetschef's list of beslut not verkställda in three months, and the quarterly reports to IVO and the nämnd."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import InsatsType
from core.models import AccessAction, AccessLog
from decisions.models import Decision
from records.models import RetentionAction
from records.retention import person_file_remove
from tests.environment import require
from tests.factories import CaseFactory, PersonFactory

D = datetime.date


def _post_decision(client, case, lagrum, **overrides):
    data = {
        "outcome": "bifall",
        "lagrum": lagrum.pk,
        "applied_for": "Kontaktperson",
        "granted": "SKK 10 timmar i månaden",
        "period_from": "2025-09-15",
        "period_to": "2026-03-15",
        "reasoning": "Behov finns.",
        "decided_on": "2025-09-10",
    }
    data.update(overrides)
    return client.post(reverse("decision_create", kwargs={"case_id": case.pk}), data)


def _decision(case, delegate, lagrum, decided_on, **fields):
    values = {"outcome": "bifall", "applied_for": "SKK", "granted": "SKK", "reasoning": "Behov finns."}
    values.update(fields)
    return Decision.objects.create(case=case, lagrum=lagrum, delegate=delegate, decided_on=decided_on, **values)


@pytest.mark.django_db
def test_recording_a_beslut_shows_it_on_the_case_page_and_in_the_timeline(client, handler, case, new_law):
    client.force_login(handler)
    assert client.get(reverse("decision_create", kwargs={"case_id": case.pk})).status_code == 200
    response = _post_decision(client, case, new_law)
    assert response.status_code == 302 and response["Location"].endswith("#beslut")
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "SKK 10 timmar i månaden" in page
    assert "Beslut: bifall enligt 11 kap. 1 § SoL (2025:400), fattat av Hanna Handläggare." in page
    assert "Registrera verkställighet" in page


@pytest.mark.django_db
def test_a_refusal_by_someone_without_delegation_saves_nothing_and_says_why(client, handler, case, new_law):
    client.force_login(handler)
    response = _post_decision(client, case, new_law, outcome="avslag")
    assert response.status_code == 400
    assert "Enligt delegationsordningen får du inte fatta beslut om avslag" in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_verkstallighet_through_its_page_with_the_version(client, handler, case, new_law):
    decision = _decision(case, handler, new_law, D(2025, 9, 10), period_from=D(2025, 9, 15))
    client.force_login(handler)
    url = reverse("decision_execute", kwargs={"case_id": case.pk, "decision_id": decision.pk})
    assert client.get(url).status_code == 200
    early = client.post(url, {"version": 1, "executed_on": "2025-09-01"})
    assert early.status_code == 400 and "före beslutet" in early.content.decode()
    assert client.post(url, {"version": 1, "executed_on": "2025-09-16"}).status_code == 302
    decision.refresh_from_db()
    assert decision.executed_on == D(2025, 9, 16)
    assert "Beslutet verkställdes" in client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()


@pytest.mark.django_db
def test_the_avslag_letter_is_printed_and_logged_and_hidden_from_other_units(client, manager, outsider, case, new_law):
    decision = _decision(case, manager, new_law, D(2025, 9, 10), outcome="avslag", granted="")
    url = reverse("decision_letter", kwargs={"case_id": case.pk, "decision_id": decision.pk})
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(manager)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(user=manager, action=AccessAction.PRINT, what="decision_letter").count() == 1


@pytest.mark.django_db
def test_case_page_query_count_does_not_grow_with_beslut(client, handler, case, new_law, django_assert_max_num_queries):
    client.force_login(handler)
    url = reverse("case_detail", kwargs={"case_id": case.pk})
    client.get(url)  # the first request after login renews the session
    _decision(case, handler, new_law, D(2025, 9, 10))
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for day in range(11, 20):
        _decision(case, handler, new_law, D(2025, 9, day), executed_on=D(2025, 9, 25))
    with django_assert_max_num_queries(40) as many:
        client.get(url)
    assert len(few) == len(many)


# ------------------------------------------------------------------- ej verkställda beslut


@pytest.fixture
def waiting(handler, case, new_law):
    """Two beslut of the unit waiting more than three months (one of a protected person), one within them."""
    today = timezone.localdate()
    protected = CaseFactory(
        handler=handler,
        person=PersonFactory(unit=handler.unit, first_name="Dold", last_name="Hemligsson", protection="fingerade"),
        insats_type=InsatsType.objects.get(code="skk"),
        opened_on=today - datetime.timedelta(days=400),
    )
    old = _decision(case, handler, new_law, today - datetime.timedelta(days=120), delay_reason="=HYPERLINK(1)")
    _decision(protected, handler, new_law, today - datetime.timedelta(days=200))
    _decision(case, handler, new_law, today - datetime.timedelta(days=30))
    return old


@pytest.mark.django_db
def test_the_enhetschef_sees_beslut_waiting_more_than_three_months_with_days(client, manager, waiting, handler):
    client.force_login(manager)
    response = client.get(reverse("unexecuted_decisions"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page">Ej verkställda beslut</a>' in page  # in the menu, for the enhetschef
    assert "<td>120</td>" in page and "<td>200</td>" in page and "<td>30</td>" not in page
    assert "Beslutus Biståndsson" in page
    assert "Hemligsson" not in page and "Skyddad identitet" in page
    assert AccessLog.objects.filter(user=manager, what="unexecuted_decisions", action=AccessAction.LIST).count() == 2
    client.force_login(handler)  # a socialsekreterare has no such page
    assert client.get(reverse("unexecuted_decisions")).status_code == 404


@pytest.mark.django_db
def test_unexecuted_list_query_count_does_not_grow(client, manager, handler, new_law, django_assert_max_num_queries):
    today = timezone.localdate()
    client.force_login(manager)
    client.get(reverse("home"))

    def add(n):
        for _ in range(n):
            case = CaseFactory(handler=handler, opened_on=today - datetime.timedelta(days=300))
            _decision(case, handler, new_law, today - datetime.timedelta(days=150))

    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("unexecuted_decisions"))
    add(20)
    with django_assert_max_num_queries(20) as many:
        client.get(reverse("unexecuted_decisions"))
    assert len(few) == len(many)


def _current_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}-{(today.month - 1) // 3 + 1}"


@pytest.mark.django_db
def test_ivo_csv_has_what_ivo_asks_for_without_names_and_escapes_formulas(client, manager, waiting):
    client.force_login(manager)
    response = client.get(reverse("unexecuted_decisions_ivo"), {"kvartal": _current_quarter()})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0] == "Beslutsdatum;Typ av insats;Lagrum;Kön;Orsak till dröjsmål;Datum verkställt;Datum avslutat"
    assert len(lines) == 3  # the two waiting beyond three months
    assert "'=HYPERLINK(1)" in text and ";=HYPERLINK" not in text
    assert "Pojke" in text
    for secret in ("Beslutus", "Biståndsson", "Hemligsson", waiting.case.number, waiting.case.person.id_number):
        assert secret not in text
    assert AccessLog.objects.filter(user=manager, action=AccessAction.EXPORT, what="ivo_unexecuted_report").count() == 2


@pytest.mark.django_db
def test_a_quarter_not_offered_gets_a_swedish_400(client, manager):
    client.force_login(manager)
    response = client.get(reverse("unexecuted_decisions_ivo"), {"kvartal": "1999-1"})
    assert response.status_code == 400 and "Välj ett av de kvartal" in response.content.decode()


@pytest.mark.django_db
def test_namnd_pdf_shows_counts_under_five_as_less_than_five_and_no_personal_data(client, manager, waiting):
    require("pdftotext")
    client.force_login(manager)
    response = client.get(reverse("unexecuted_decisions_namnd"), {"kvartal": _current_quarter()})
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True).stdout.decode()
    text = " ".join(text.split())
    assert "Särskilt kvalificerad kontaktperson <5 0 0" in text  # two waiting: shown as <5
    for secret in ("Beslutus", "Hemligsson", waiting.case.number, "HYPERLINK"):
        assert secret not in text
    assert not AccessLog.objects.filter(user=manager, what="ivo_unexecuted_report").exists()


@pytest.mark.django_db
def test_the_registerutdrag_reads_the_beslut_and_gallring_removes_it(client, manager, case, new_law):
    _decision(case, manager, new_law, D(2025, 9, 10), reasoning="Motivering som ska med i utdraget")
    client.force_login(manager)
    extract = client.get(reverse("person_extract_json", kwargs={"person_id": case.person_id}))
    assert "Motivering som ska med i utdraget" in extract.content.decode()
    person_file_remove(person_id=case.person_id, action=RetentionAction.DELETE)
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_a_service_case_has_no_beslut_panel(client, handler):
    case = CaseFactory(handler=handler, basis="service")
    client.force_login(handler)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="beslut"' not in page


@pytest.mark.django_db
def test_ivo_csv_query_count_does_not_grow(client, manager, handler, new_law, django_assert_max_num_queries):
    today = timezone.localdate()
    client.force_login(manager)
    client.get(reverse("home"))

    def add(n):
        for _ in range(n):
            case = CaseFactory(handler=handler, opened_on=today - datetime.timedelta(days=300))
            _decision(case, handler, new_law, today - datetime.timedelta(days=150))

    add(2)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("unexecuted_decisions_ivo"), {"kvartal": _current_quarter()})
    add(20)
    with django_assert_max_num_queries(15) as many:
        response = client.get(reverse("unexecuted_decisions_ivo"), {"kvartal": _current_quarter()})
    assert len(response.content.decode("utf-8-sig").strip().split("\r\n")) == 23
    assert len(few) == len(many)
