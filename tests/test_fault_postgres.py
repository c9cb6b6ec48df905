"""PostgreSQL restarted under a running gunicorn: the app serves again within 10 s, without a restart.

Runs against a throwaway PostgreSQL cluster of its own (initdb in a temp dir, another port): the shared
server on 5432 is never touched. One gunicorn worker with persistent connections (DB_CONN_MAX_AGE), so
the connection the worker holds really dies with the server and must be replaced (CONN_HEALTH_CHECKS).
"""

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.faultkit import PostgresCluster, free_port, postgres_bin, wait_until

ROOT = Path(settings.BASE_DIR)
PASSWORD = "fault-test-password-1"


pytestmark = [
    pytest.mark.requires("initdb"),
    pytest.mark.django_db,  # the migrated test database is copied into the throwaway cluster
]


class Browser:
    """A logged-in user as far as HTTP goes: cookies, CSRF, status codes (errors included)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def login(self, username: str, password: str):
        status, html = self.request("/logga-in/")
        assert status == 200
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match is not None, "the sign-in page carries a CSRF token"
        token = match[1]
        status, html = self.request(
            "/logga-in/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        assert status == 200 and "Mina ärenden" in html, html[:500]


@pytest.fixture(scope="module")
def cluster():
    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def copy_schema_from_test_database(cluster: PostgresCluster, target: str) -> bool:
    """Copy the migrated test database into the cluster (seconds, where migrate takes most of a minute)."""
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        return False
    db = connection.settings_dict
    name = db["NAME"]  # the test database pytest-django created and migrated
    source = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--dbname", source],
        capture_output=True,
        check=True,
        timeout=120,
        env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
    )
    subprocess.run(
        [postgres_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "--dbname", target],
        input=dump.stdout,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return True


@pytest.fixture(scope="module")
def app_server(cluster, django_db_setup, django_db_blocker, tmp_path_factory):
    database_url = cluster.create_database("ui_fault")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "DB_CONN_MAX_AGE": "600",
        "DB_CONNECT_TIMEOUT": "2",
        "LOG_FORMAT": "json",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    python = sys.executable
    with django_db_blocker.unblock():
        copied = copy_schema_from_test_database(cluster, database_url)
    if not copied:
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
        )
    subprocess.run(
        [python, "manage.py", "createsuperuser", "--noinput", "--username", "drift", "--email", "drift@example.se"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    env.update(
        {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_MAX_REQUESTS": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    log = open(tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi:application", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        started = wait_until(lambda: Browser(base).request("/healthz")[0] == 200, timeout=30)
        assert started, Path(log.name).read_text()[-2000:]
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_app_serves_again_within_10_seconds_after_a_postgres_restart(cluster, app_server):
    base, server = app_server
    browser = Browser(base)
    browser.login("drift", PASSWORD)
    orchestrator = Browser(base)  # health probes carry no session cookie

    for _cycle in range(3):
        # given a worker holding a live connection
        status, html = browser.request("/")
        assert status == 200 and "Mina ärenden" in html

        # when PostgreSQL goes away: the process stays alive and tells the orchestrator it is not ready
        cluster.stop()
        assert orchestrator.request("/healthz")[0] == 200
        assert orchestrator.request("/readyz")[0] == 503

        # and comes back
        cluster.start()
        back = time.monotonic()

        # then pages that need the database answer again within 10 s, logged in as before
        assert wait_until(lambda: browser.request("/")[0] == 200, timeout=10, interval=0.2)
        assert time.monotonic() - back < 10
        status, body = orchestrator.request("/readyz")
        assert status == 200 and '"database": "ok"' in body

    # the same gunicorn served throughout: nobody restarted it
    assert server.poll() is None
