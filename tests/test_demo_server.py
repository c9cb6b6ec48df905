"""`make demo` end to end: a fresh SQLite file, migrate, seed_demo, runserver; "/" answers with the login
page, and the demo data is visible in the admin after logging in."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PYTHONUNBUFFERED="1")
    return env


def manage(env, *args, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def demo_server(demo_env, tmp_path):
    migrated = manage(demo_env, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    seeded = manage(demo_env, "seed_demo")
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    assert "admin-losen-123" in seeded.stdout

    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=demo_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            if server.poll() is not None:
                pytest.fail(f"runserver stopped: {(tmp_path / 'server.log').read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{base}/logga-in/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        else:
            pytest.fail("runserver answered nothing within 30 s")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_demo_server_answers_with_the_login_page_and_shows_demo_data_in_the_admin(demo_server):
    # when a visitor opens "/", they are sent to the login page
    with urllib.request.urlopen(f"{demo_server}/", timeout=10) as response:
        html = response.read().decode()
        assert response.status == 200
        assert urllib.parse.urlparse(response.url).path == "/logga-in/"
    assert "Logga in" in html
    assert 'lang="sv"' in html

    # and the printed admin account logs in to an admin that lists the demo cases
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login_page = opener.open(f"{demo_server}/admin/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "admin", "password": "admin-losen-123", "next": "/admin/"}
    ).encode()
    request = urllib.request.Request(f"{demo_server}/admin/login/", data=form, headers={"Referer": demo_server})
    opener.open(request, timeout=10).read()
    units = opener.open(f"{demo_server}/admin/core/unit/", timeout=30).read().decode()
    assert "Brottsförebyggande" in units or "Fält" in units, "no demo units in the admin list"
    # personal data is never in the admin (issue 25): cases are read in the app
    with pytest.raises(urllib.error.HTTPError) as missing:
        opener.open(f"{demo_server}/admin/cases/case/", timeout=30)
    assert missing.value.code == 404
