"""View tests for case work: personas, permissions (404 for outsiders), access log, query counts."""

import pytest
from django.urls import reverse

from core.models import AccessLog
from tests.conftest import *  # noqa: F403  (personas live in tests/conftest.py, outside this package's path)
from tests.factories import CaseFactory, PersonFactory


@pytest.mark.django_db
def test_home_lists_my_open_cases_and_logs_each_shown_person(client, handler):
    mine = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Elin"))
    client.force_login(handler)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert mine.number in response.content.decode()
    assert AccessLog.objects.filter(user=handler, person_id=mine.person_id, what="home").count() == 1


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/")
