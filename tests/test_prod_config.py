"""Production configuration: compose file, image, health endpoints, JSON logs, Celery reliability settings."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import override_settings

from config.celery import app as celery_app
from config.logging import JsonFormatter
from tests.environment import require

ROOT = Path(settings.BASE_DIR)
COMPOSE_ENV = {"SECRET_KEY": "compose-test-secret", "POSTGRES_PASSWORD": "compose-test-password"}


def compose(*args, env=None):
    require("docker-compose")
    base = {k: v for k, v in os.environ.items() if k not in COMPOSE_ENV}
    return subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_v1_accepts_the_file():
    result = compose("config", "-q", env=COMPOSE_ENV)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_secrets():
    result = compose("config", "-q")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr or "POSTGRES_PASSWORD must be set" in result.stderr


def test_compose_has_every_service_with_healthchecks_and_volumes():
    result = compose("config", env=COMPOSE_ENV)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"web", "worker", "worker-reports", "beat", "postgres", "redis", "migrate"} <= set(services)
    for name in ["web", "worker", "worker-reports", "beat", "postgres", "redis"]:
        assert "healthcheck" in services[name], name
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][services["worker"]["command"].index("-Q") + 1] == "interactive"
    assert services["worker-reports"]["command"][services["worker-reports"]["command"].index("-Q") + 1] == "reports"
    assert "beat" in services["beat"]["command"]
    assert {"pgdata", "redisdata", "media"} <= set(config["volumes"])
    assert any("/var/lib/postgresql/data" in str(v) for v in services["postgres"]["volumes"])
    # web and workers share the generated files
    for name in ["web", "worker", "worker-reports"]:
        assert any("/app/media" in str(v) for v in services[name]["volumes"]), name
    # migrations run once, before web and workers
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_image_installs_weasyprint_libraries_and_fonts():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"]:
        assert package in dockerfile
    assert "collectstatic" in dockerfile and "gunicorn" in dockerfile


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ej konfigurerad"}


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readyz_is_503_when_redis_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "fel"


def test_health_endpoints_are_exempt_from_the_https_redirect():
    assert r"^healthz$" in settings.SECURE_REDIRECT_EXEMPT and r"^readyz$" in settings.SECURE_REDIRECT_EXEMPT


def log_line(message, *args, exc_info=None, **extra):
    record = logging.LogRecord("cases.services", logging.ERROR, __file__, 1, message, args, exc_info)
    for key, value in extra.items():
        setattr(record, key, value)
    return json.loads(JsonFormatter().format(record))


def test_json_log_lines_hold_no_personnummer_or_email():
    try:
        raise ValueError("duplicate key value violates unique constraint: Key (id_number)=(200904121234) exists")
    except ValueError:
        line = log_line(
            "Sparade %s för %s", "20090412-1234", "elin@example.se", exc_info=sys.exc_info(), case_id="abc", count=3
        )
    text = json.dumps(line)
    assert "200904121234" not in text and "20090412-1234" not in text and "elin@example.se" not in text
    assert line["message"] == "Sparade [personnummer] för [e-post]"
    assert line["level"] == "ERROR" and line["logger"] == "cases.services"
    assert line["case_id"] == "abc" and line["count"] == 3
    assert "[personnummer]" in line["exception"]


def test_production_logs_are_json():
    assert settings.LOGGING["formatters"]["json"]["()"] == "config.logging.JsonFormatter"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.LOG_FORMAT)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "LOG_FORMAT"},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.stdout.strip() == "json", result.stderr


def test_gunicorn_access_log_leaves_out_query_strings():
    config = (ROOT / "gunicorn.conf.py").read_text()
    assert "%(U)s" in config and "%(q)s" not in config and "%(r)s" not in config


def test_celery_is_set_up_so_that_jobs_survive_a_dead_worker():
    conf = celery_app.conf
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_reject_on_worker_lost is True
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.worker_max_memory_per_child > 0
    assert conf.task_serializer == "json"


def test_no_task_may_outlive_the_visibility_timeout():
    """Redis redelivers an unacknowledged task after visibility_timeout: a task still running then would run twice."""
    celery_app.loader.import_default_modules()
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    for name, task in celery_app.tasks.items():
        if not name.startswith("celery."):
            assert (task.time_limit or celery_app.conf.task_time_limit) < visibility, name


def test_reports_and_interactive_jobs_use_separate_queues():
    router = celery_app.amqp.router
    assert router.route({}, "reporting.tasks.report_generate")["queue"].name == "reports"
    assert router.route({}, "core.tasks.retention_run_task")["queue"].name == "reports"
    assert router.route({}, "jobs.outbox_drain")["queue"].name == "interactive"


def test_test_only_assets_are_not_served_in_production():
    # axe-core (the accessibility scans) lives with the tests; production's static files do not find it
    from django.conf import settings as active

    import config.settings as production

    assert not any("tests" in Path(folder).parts for folder in production.STATICFILES_DIRS)
    assert not (Path(active.BASE_DIR) / "static" / "vendor" / "axe-core").exists()
    assert (Path(active.BASE_DIR) / "tests" / "static" / "vendor" / "axe-core" / "axe.min.js").exists()
