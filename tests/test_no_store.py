"""No caching of personal data (issue 25, point 8): every response of the application, pages, exports and API
answers alike, tells browsers and proxies to keep nothing (Cache-Control: no-store, Pragma: no-cache), so a
shared computer's browser cache and back button show nothing to the next person. Static files stay cacheable."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def assert_not_stored(response, what: str) -> None:
    assert response.status_code == 200, (what, response.status_code)
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert "no-store" in cache_control, (what, response.get("Cache-Control"))
    assert response.get("Pragma") == "no-cache", what


def test_the_responses_with_personal_data_are_not_stored(client, manager, handler, unit):
    person = PersonFactory(unit=unit, first_name="Cache", last_name="Testsson")
    case = CaseFactory(handler=handler, person=person)
    year = datetime.date.today().year
    figures = f"{reverse('reporting:figures')}?scope=provider-{unit.provider_id}&kind=year&year={year}"
    kinds = {
        "Mina ärenden": reverse("home"),
        "sök": f"{reverse('person_search')}?q=Testsson",
        "personsida": reverse("person_detail", args=[person.pk]),
        "ärendesida": reverse("case_detail", args=[case.pk]),
        "insatser på ärendet": reverse("interventions:case", args=[case.pk]),
        "personens historik": reverse("person_history", args=[person.pk]),
        "ärendets historik": reverse("case_history", args=[case.pk]),
        "registerutdrag PDF": reverse("person_extract_pdf", args=[person.pk]),
        "registerutdrag JSON": reverse("person_extract_json", args=[person.pk]),
        "loggkontroll": reverse("accesslog_review"),
        "loggkontroll CSV": reverse("accesslog_export"),
        "planering": reverse("interventions:planning"),
        "API personer": reverse("api_person_list"),
        "API en person": reverse("api_person_detail", args=[person.pk]),
        "API ärenden": reverse("api_case_list"),
        "Siffror XLSX": f"{figures}&format=xlsx",
    }
    client.force_login(manager)
    for what, url in kinds.items():
        assert_not_stored(client.get(url), what)


def test_the_login_page_and_errors_are_not_stored_either(client):
    assert_not_stored(client.get(reverse("login")), "inloggning")
    response = client.get("/finns-inte/")
    assert response.status_code == 404 and "no-store" in response["Cache-Control"]
