import pytest
from django.test import Client

from api.models import TokenScope
from api.services import api_token_create
from api.tests.conftest import token_client
from cases.models import MASKED_NAME, MASKED_NUMBER
from core.models import AccessAction, AccessLog, Municipality, Role
from tests.factories import CaseFactory, PersonFactory, ProviderFactory, UserFactory

PEOPLE, CASES, STATS = "/api/v1/people/", "/api/v1/cases/", "/api/v1/statistics/"
STATISTICS_URLS = ["/api/v1/statistics/cases/", "/api/v1/statistics/agreements/", "/api/v1/statistics/field-work/"]


def urls_for(case):
    return {
        "people": PEOPLE,
        "person": f"{PEOPLE}{case.person_id}/",
        "cases": CASES,
        "case": f"{CASES}{case.pk}/",
        **{"stat-" + url.split("/")[-2]: url for url in STATISTICS_URLS},
    }


# Expected status per caller and endpoint. Lists answer 200 with only what the caller may see.
CASE_LEVEL = {"people": 200, "person": 200, "cases": 200, "case": 200}
NO_CASE_LEVEL = {"people": 403, "person": 403, "cases": 403, "case": 403}
STATISTICS_OK = {"stat-cases": 200, "stat-agreements": 200, "stat-field-work": 200}
STATISTICS_DENIED = {"stat-cases": 403, "stat-agreements": 403, "stat-field-work": 403}
MATRIX = {
    # caller: (case-level, statistics); the case under test belongs to `handler`'s unit
    "anonymous": (dict.fromkeys(CASE_LEVEL, 401), dict.fromkeys(STATISTICS_OK, 401)),
    "handler": (CASE_LEVEL, STATISTICS_DENIED),
    "colleague": (CASE_LEVEL, STATISTICS_DENIED),
    "coordinator": (CASE_LEVEL, STATISTICS_DENIED),
    "outsider": ({"people": 200, "person": 404, "cases": 200, "case": 404}, STATISTICS_DENIED),
    "manager": (CASE_LEVEL, STATISTICS_OK),
    "stats_client": (NO_CASE_LEVEL, STATISTICS_OK),
    "admin_user": (NO_CASE_LEVEL, STATISTICS_DENIED),
    "stats_token": (NO_CASE_LEVEL, STATISTICS_OK),
    "case_token": (CASE_LEVEL, STATISTICS_DENIED),
    "foreign_case_token": ({"people": 200, "person": 404, "cases": 200, "case": 404}, STATISTICS_DENIED),
}


@pytest.fixture
def foreign_case_token(handler):
    """A case token for the same user, but limited to another municipality's provider."""
    other = ProviderFactory(municipality=Municipality.objects.create(name="Norrköpings kommun", code="0581"))
    _, key = api_token_create(actor=None, name="Annan", scope=TokenScope.CASES, user=handler, provider=other)
    return key


@pytest.mark.django_db
@pytest.mark.parametrize("caller", list(MATRIX))
def test_permission_matrix(request, caller, case):
    if caller == "anonymous":
        client = Client()
    elif caller.endswith("token"):
        client = token_client(request.getfixturevalue(caller))
    else:
        client = Client()
        client.force_login(request.getfixturevalue(caller))
    case_level, statistics = MATRIX[caller]
    urls = urls_for(case)
    got = {name: client.get(urls[name]).status_code for name in case_level}
    got_stats = {name: client.get(urls[name]).status_code for name in statistics}
    assert (got, got_stats) == (case_level, statistics)
    if caller in {"outsider", "foreign_case_token"}:
        assert client.get(PEOPLE).json()["count"] == 0
        assert client.get(CASES).json()["count"] == 0


@pytest.mark.django_db
def test_statistics_client_reads_nothing_personal(stats_token, case):
    client = token_client(stats_token)
    for url in STATISTICS_URLS:
        body = client.get(url).content.decode()
        assert case.person.last_name not in body and case.person.id_number not in body
        assert str(case.person_id) not in body and case.number not in body
    assert AccessLog.objects.count() == 0


@pytest.mark.django_db
def test_protected_identity_is_masked_and_reads_are_logged(client, colleague, protected_case):
    client.force_login(colleague)
    listing = client.get(CASES).json()
    row = listing["results"][0]
    assert row["person"]["name"] == str(MASKED_NAME)
    detail = client.get(f"{PEOPLE}{protected_case.person_id}/").json()
    assert detail["name"] == str(MASKED_NAME) and detail["id_number"] == MASKED_NUMBER
    assert detail["birth_date"] is None and detail["district"] is None
    assert detail["identity_visible"] is False and detail["protected_identity"] is True
    assert [c["number"] for c in detail["cases"]] == [protected_case.number]
    body = client.get(f"{CASES}{protected_case.pk}/").content.decode()
    assert "Hemlig" not in body and protected_case.person.id_number not in body
    rows = AccessLog.objects.filter(user=colleague)
    assert rows.count() == 3
    assert set(rows.values_list("action", flat=True)) == {AccessAction.API}
    assert set(rows.values_list("person_id", flat=True)) == {protected_case.person_id}
    assert not rows.filter(protected_identity=True).exists()


@pytest.mark.django_db
def test_filters_and_validation(client, handler, case):
    other = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit), basis="service")
    client.force_login(handler)
    numbers = {row["number"] for row in client.get(CASES, {"basis": "service"}).json()["results"]}
    assert numbers == {other.number}
    assert client.get(CASES, {"status": "closed"}).json()["count"] == 0
    assert client.get(CASES, {"insats": "ungdomstjanst", "opened_from": "2025-01-01"}).json()["count"] == 2
    bad = client.get(CASES, {"opened_from": "igår", "unit": "x"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"opened_from", "unit"}
    blank = client.get(CASES, {"basis": "", "page": ""})
    assert blank.status_code == 400
    assert set(blank.json()["error"]["fields"]) == {"basis", "page"}


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", [5, 50])
def test_query_counts_do_not_grow_with_page_size(django_assert_max_num_queries, unit, handler, page_size):
    for index in range(60):
        protection = "sekretessmarkering" if index % 7 == 0 else ""
        CaseFactory(handler=handler, person=PersonFactory(unit=unit, protection=protection))
    client = Client()
    client.force_login(handler)
    for url in (CASES, PEOPLE):
        with django_assert_max_num_queries(16):
            response = client.get(url, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size


@pytest.mark.django_db
def test_token_query_counts_do_not_grow_with_page_size(django_assert_max_num_queries, unit, handler, case_token):
    for _ in range(55):
        CaseFactory(handler=handler, person=PersonFactory(unit=unit))
    client = token_client(case_token)
    for page_size in (5, 50):
        with django_assert_max_num_queries(16):
            assert len(client.get(CASES, {"page_size": page_size}).json()["results"]) == page_size


@pytest.mark.django_db
def test_case_token_needs_a_user_who_may_see_cases(unit):
    statistician = UserFactory(username="stat2", unit=None, role=Role.STATISTICS)
    _, key = api_token_create(actor=None, name="X", scope=TokenScope.CASES, user=statistician, provider=unit.provider)
    assert token_client(key).get(CASES).status_code == 403


@pytest.mark.django_db
def test_insats_filter_choices_match_the_catalogue():
    from api.filters import INSATS_CODES
    from cases.models import InsatsType

    assert set(INSATS_CODES) == set(InsatsType.objects.values_list("code", flat=True))
