"""The live schema against the running app (in-process WSGI, schemathesis' Python API): every operation
with generated parameters, valid (positive) and invalid (negative), gives no 5xx, accepts what the schema
allows, rejects what it does not with a 4xx, and answers as the schema describes."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from config.wsgi import application


@pytest.fixture
def wsgi_app(settings):
    # the raw WSGI app, as Django's test client calls it: keep the test's database connection open
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_api_matches_its_schema(wsgi_app, statistics_data, case, protected_case, stats_token, case_token):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    strategy = st.one_of(
        [operation.as_strategy(generation_mode=mode) for operation in operations for mode in GenerationMode]
    )

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=strategy)
    def check(case):
        key = stats_token if "/statistics/" in case.path else case_token
        case.call_and_validate(headers={"Authorization": f"Bearer {key}"})

    check()
