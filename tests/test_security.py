"""Security settings: login throttling, password validators, secure cookies and headers, and
`manage.py check --deploy` clean with production settings. (Session idle expiry: cases/tests/test_views.py.)"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)


def production_env(**overrides) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # the test run's own switches (pytest settings, Playwright's async flag) are not production
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SECURE_HSTS_SECONDS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "ungdomsinsats.example.se",
            "CSRF_TRUSTED_ORIGINS": "https://ungdomsinsats.example.se",
        }
    )
    env.update(overrides)
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout


def test_check_deploy_would_catch_a_weakened_setting():
    # the same check fails when production turns HSTS off: the test above would notice a regression
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(SECURE_HSTS_SECONDS="0"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_cookie_and_session_settings():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_AGE, s.X_FRAME_OPTIONS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "1800", "DENY"], result.stderr


@pytest.mark.django_db
def test_security_headers_on_pages(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_is_throttled_after_the_configured_failures(client, handler):
    url = reverse("login")
    statuses = [
        client.post(url, {"username": "handler", "password": f"fel-losenord-{attempt}"}).status_code
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again, with an error
    assert statuses[-1] == 429
    # locked out: even the right password is refused now
    assert client.post(url, {"username": "handler", "password": "demo-losen-123"}).status_code == 429


@pytest.mark.django_db
def test_a_successful_login_before_the_limit_resets_the_count(client, handler):
    url = reverse("login")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "handler", "password": f"fel-{attempt}"})
    assert client.post(url, {"username": "handler", "password": "demo-losen-123"}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    ["kort1", "1234567890123", "password123", "Handläggare1"],
)
def test_weak_passwords_are_refused(handler, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=handler)


@pytest.mark.django_db
def test_a_long_unusual_password_is_accepted(handler):
    validate_password("Tallbarr-Ekorre-1987-Vinter", user=handler)


@pytest.mark.django_db
def test_stored_files_are_not_served_by_a_guessed_name(client, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "rapport.pdf").write_bytes(b"%PDF-1.7")
    client.force_login(manager)
    for url in ("/media/rapport.pdf", "/rapport.pdf", "/static/../media/rapport.pdf"):
        assert client.get(url).status_code == 404, url
