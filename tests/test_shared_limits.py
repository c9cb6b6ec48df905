"""Shared state for limits (issue 20, point 7): with REDIS_URL set Django's cache is Redis, so an API client's
throttle budget is one budget across gunicorn processes and hosts; and throttling believes X-Forwarded-For only
for the configured trusted proxies."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.request import Request

from api.models import ApiToken, TokenScope
from api.services import api_token_create
from api.throttling import ApiClientThrottle

STATS_URL = "/api/v1/statistics/cases/"

# Another process of the same deployment (a second gunicorn worker or host): counts one request of the client
# in the shared cache, the way a throttle there would, and reports how many it saw before its own.
OTHER_PROCESS = """
import sys, time
import django
django.setup()
from django.core.cache import cache
history = cache.get(sys.argv[1], [])
cache.set(sys.argv[1], [time.time(), *history], 60)
print(len(history))
"""


def other_process_counts_a_request(key: str) -> int:
    env: dict[str, str] = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "CACHE_KEY_PREFIX": str(settings.CACHES["default"]["KEY_PREFIX"]),
    }
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, key],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1])


def settings_backend(redis_url: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "REDIS_URL": redis_url}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    return result.stdout.split()[-1]


def test_with_redis_url_the_cache_is_redis_and_without_it_local():
    assert settings_backend("redis://127.0.0.1:6379/6") == "django.core.cache.backends.redis.RedisCache"
    assert settings_backend("") == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.requires("redis")
@pytest.mark.django_db
def test_a_clients_budget_is_shared_with_the_other_processes(unit, stats_client):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    _, key = api_token_create(
        actor=None,
        name="BI",
        scope=TokenScope.STATISTICS,
        user=stats_client,
        provider=unit.provider,
        throttle_rate="3/min",
    )
    token = ApiToken.objects.get(user=stats_client)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    throttle_key = f"throttle_api_token-{token.pk}"
    cache.delete(throttle_key)

    assert client.get(STATS_URL).status_code == 200  # this process: 1 of 3
    assert other_process_counts_a_request(throttle_key) == 1  # the other process sees it and uses 2 of 3
    assert client.get(STATS_URL).status_code == 200  # 3 of 3
    assert client.get(STATS_URL).status_code == 429  # the budget is spent across both processes


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [(0, "10.0.0.2"), (1, "198.51.100.7"), (2, "203.0.113.66")],
)
def test_throttling_identifies_a_client_only_through_the_trusted_proxies(settings, trusted, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    django_request = RequestFactory().get(
        STATS_URL, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7"
    )
    assert ApiClientThrottle().get_ident(Request(django_request)) == expected
