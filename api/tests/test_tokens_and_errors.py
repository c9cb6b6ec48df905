import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, TokenScope, hash_key
from api.services import api_token_create, api_token_revoke
from api.tests.conftest import token_client

STATS_URL = "/api/v1/statistics/cases/"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


@pytest.mark.django_db
def test_token_is_stored_hashed_and_works(stats_token):
    token = ApiToken.objects.get()
    assert stats_token not in {token.key_hash, token.key_prefix}
    assert token.key_hash == hash_key(stats_token)
    assert token_client(stats_token).get(STATS_URL).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_revoked_expired_and_wrong_keys_are_401_with_the_same_message(unit, stats_client):
    token, key = api_token_create(
        actor=None, name="BI", scope=TokenScope.STATISTICS, user=stats_client, provider=unit.provider
    )
    wrong = token_client(key[:-2] + "xx").get(STATS_URL)
    api_token_revoke(actor=None, token=token)
    revoked = token_client(key).get(STATS_URL)
    _, key2 = api_token_create(
        actor=None, name="BI2", scope=TokenScope.STATISTICS, user=stats_client, provider=unit.provider
    )
    ApiToken.objects.filter(name="BI2").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = token_client(key2).get(STATS_URL)
    messages = set()
    for response in (wrong, revoked, expired):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        error = error_of(response)
        assert error["code"] == "authentication_failed"
        messages.add(error["message"])
    assert len(messages) == 1


@pytest.mark.django_db
def test_token_must_be_limited_to_municipality_or_provider(stats_client):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        api_token_create(actor=None, name="BI", scope=TokenScope.STATISTICS, user=stats_client)
    assert "provider" in caught.value.message_dict


@pytest.mark.django_db
def test_management_command_prints_the_key_once(unit, stats_client):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token_create",
        "--name=BI",
        "--scope=statistics",
        f"--user={stats_client.username}",
        f"--provider={unit.provider_id}",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    assert key.startswith("ui_")
    assert ApiToken.objects.get().key_hash == hash_key(key)
    assert token_client(key).get(STATS_URL).status_code == 200


@pytest.mark.django_db
def test_admin_creates_a_token_and_shows_the_key_once(client, unit, stats_client):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", unit=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        "/admin/api/apitoken/add/",
        {
            "name": "BI",
            "scope": "statistics",
            "user": stats_client.pk,
            "provider": unit.provider_id,
            "valid_days": 30,
            "throttle_rate": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(message) for message in response.context["messages"]]
    key = next(word for text in shown for word in text.split() if word.startswith("ui_"))
    assert token.key_hash == hash_key(key)
    assert token.created_by == admin
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert key not in page.content.decode()


@pytest.mark.django_db
def test_every_4xx_has_the_one_error_shape(client, handler, stats_token, case):
    anonymous = Client().get(STATS_URL)
    assert anonymous.status_code == 401
    assert error_of(anonymous)["code"] == "not_authenticated"

    unknown = Client().get("/api/v1/finns-inte/")
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "not_found"
    # a line break in the path (%0A) is still an API path: JSON, not the HTML 404 page
    broken = Client().get("/api/v1/finns%0Ainte/")
    assert broken.status_code == 404 and error_of(broken)["code"] == "not_found"

    client.force_login(handler)
    missing = client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"

    forbidden = client.get(STATS_URL)
    assert forbidden.status_code == 403 and error_of(forbidden)["code"] == "permission_denied"

    not_allowed = token_client(stats_token).post(STATS_URL)
    assert not_allowed.status_code == 405 and error_of(not_allowed)["code"] == "method_not_allowed"

    invalid = token_client(stats_token).get(STATS_URL, {"measure": "alla", "year": "1800"})
    assert invalid.status_code == 400
    error = error_of(invalid)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"measure", "year"}
    assert "alla" not in str(error)  # messages do not echo what was sent

    bad_page = client.get("/api/v1/cases/", {"page_size": "0"})
    assert bad_page.status_code == 400 and set(error_of(bad_page)["fields"]) == {"page_size"}


@pytest.mark.django_db
def test_throttling_is_per_client_with_retry_after(unit, stats_client, stats_token):
    _, slow_key = api_token_create(
        actor=None,
        name="Slow",
        scope=TokenScope.STATISTICS,
        user=stats_client,
        provider=unit.provider,
        throttle_rate="2/min",
    )
    slow = token_client(slow_key)
    assert [slow.get(STATS_URL).status_code for _ in range(2)] == [200, 200]
    throttled = slow.get(STATS_URL)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert error_of(throttled)["code"] == "throttled"
    # another client's budget is its own
    assert token_client(stats_token).get(STATS_URL).status_code == 200


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_cdn(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/people/",
        "/api/v1/people/{person_id}/",
        "/api/v1/cases/",
        "/api/v1/cases/{case_id}/",
        "/api/v1/statistics/cases/",
        "/api/v1/statistics/agreements/",
        "/api/v1/statistics/field-work/",
    } <= set(paths)
    for operations in paths.values():
        for operation in operations.values():
            assert {"401", "403", "429"} <= set(operation["responses"])
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.django_db
def test_missing_slash_redirects_and_csrf_and_406_are_in_the_error_shape(client, manager, stats_token):
    redirect = Client().get("/api/v1/statistics/cases", {"year": "2025"})
    assert redirect.status_code == 301 and redirect["Location"] == "/api/v1/statistics/cases/?year=2025"
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(manager)
    refused = csrf_client.post(STATS_URL)
    assert refused.status_code == 403
    assert "CSRF" in error_of(refused)["message"] and "Failed" not in error_of(refused)["message"]
    not_acceptable = token_client(stats_token).get(STATS_URL, HTTP_ACCEPT="text/html")
    assert not_acceptable.status_code == 406 and error_of(not_acceptable)["code"] == "not_acceptable"


@pytest.mark.django_db
def test_admin_revokes_tokens_at_once(client, unit, stats_client, stats_token):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root2", unit=None, is_superuser=True, is_staff=True))
    token = ApiToken.objects.get()
    response = client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client(stats_token).get(STATS_URL).status_code == 401
    assert client.get("/api/docs/").content.decode().count("drf_spectacular_sidecar") >= 1
