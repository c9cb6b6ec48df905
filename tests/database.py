"""On PostgreSQL every test process gets its test database as a copy of one migrated template.

Migrating takes far longer than copying (CREATE DATABASE ... TEMPLATE copies files), and `make test` needs three
test databases (two xdist workers, then the serial run). The template is named after a fingerprint of the
migrations and the Django version, so it is built again whenever a migration changes and reused otherwise;
`--create-db` rebuilds it. Each process still runs `migrate` on its copy (nothing to apply) so that the
post_migrate handlers (roles and permissions, reference data) run with the code under test.
"""

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import django
import psycopg
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
LOCK_KEY = 24_0007  # pg_advisory_lock key: one process builds the template, the others wait for it


def migrations_fingerprint() -> str:
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def name_for_tests(settings_dict: dict[str, Any]) -> str:
    """Django's rule: TEST NAME (pytest-django puts the xdist suffix there), else the prefix and NAME."""
    return settings_dict.get("TEST", {}).get("NAME") or f"{TEST_DATABASE_PREFIX}{settings_dict['NAME']}"


def _url(settings_dict: dict[str, Any], name: str) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@contextmanager
def _admin(settings_dict: dict[str, Any]) -> Iterator[psycopg.Connection]:
    with psycopg.connect(_url(settings_dict, "postgres"), autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            yield connection
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _drop(connection: psycopg.Connection, name: str) -> None:
    connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _build_template(connection: psycopg.Connection, settings_dict: dict[str, Any], template: str) -> None:
    building = f"{template}_new"
    _drop(connection, building)
    connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    url = _url(settings_dict, building)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    # renamed only once complete, so a run stopped half-way never leaves a template that looks usable
    rename = sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(template))
    connection.execute(rename)


def copy_from_template(settings_dict: dict[str, Any], *, rebuild: bool) -> str:
    """Create this process's test database as a copy of the template (built first when missing) and return its
    name."""
    base = f"{TEST_DATABASE_PREFIX}{settings_dict['NAME']}_template_"
    template = f"{base}{migrations_fingerprint()}"
    name = name_for_tests(settings_dict)
    with _admin(settings_dict) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if rebuild or not exists:
            _drop(connection, template)
            _build_template(connection, settings_dict, template)
            stale = connection.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s", [base, template]
            ).fetchall()
            for (old,) in stale:
                _drop(connection, old)
        _drop(connection, name)  # left behind by a run that was killed
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )
    return name


def copy_drop(settings_dict: dict[str, Any], name: str) -> None:
    with psycopg.connect(_url(settings_dict, "postgres"), autocommit=True) as connection:
        _drop(connection, name)
