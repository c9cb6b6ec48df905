"""make backup -> make restore into a fresh database -> check_integrity passes; a damaged copy does not."""

import datetime
import json
import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from cases import selectors, services
from core.models import AccessLog
from records.integrity import integrity_problems, journal_chain_problems
from tests.factories import CaseFactory

ROOT = Path(settings.BASE_DIR)

pytestmark = pytest.mark.requires("postgresql", "pg_dump", "pg_restore", "make")  # pg_dump of PostgreSQL


def url_for(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def admin_sql(statement: str):
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        admin.execute(statement)


def make(target: str, **env) -> subprocess.CompletedProcess:
    # -o: never reinstall the venv from inside a test
    return subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", target, *[f"{k}={v}" for k, v in env.items() if k != "DATABASE_URL"]],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": env["DATABASE_URL"]},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def fresh_database():
    name = f"ui_prod_restore_{uuid.uuid4().hex[:8]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    yield name
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def data(handler, colleague):
    """Cases, a signed entry with a correction, and access-log rows from real page reads."""
    case = CaseFactory(handler=handler, opened_on=datetime.date(2025, 3, 1))
    entry = services.journal_entry_create(
        actor=handler, case=case, kind="samtal", occurred_on=datetime.date(2025, 3, 5), text="Första", sign=True
    )
    services.journal_entry_correct(actor=handler, entry=entry, text="Rättat datum i texten")
    for user in (handler, colleague, handler):
        selectors.case_get_for_user(user=user, case_id=case.pk)
    assert AccessLog.objects.count() == 3
    return case


# pg_dump is another process: the data must be committed (flushed after the test)
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_and_passes_check_integrity(data, fresh_database, tmp_path):
    source = url_for(connection.settings_dict["NAME"])

    backup = make("backup", DATABASE_URL=source, BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    manifest = json.loads(dump.with_suffix(".json").read_text())
    assert dump.is_file() and not list(tmp_path.glob("*.partial"))
    assert manifest["row_counts"]["cases_case"] == 1 and manifest["access_log"]["count"] == 3

    restore = make("restore", DATABASE_URL=url_for(fresh_database), FILE=str(dump))
    assert restore.returncode == 0, restore.stderr
    assert "inga fel" in restore.stdout

    # the check really looks: a restored copy missing an access-log row fails
    with psycopg.connect(url_for(fresh_database), autocommit=True) as restored, restored.transaction():
        restored.execute("SET LOCAL ungdomsinsats.purge = 'on'")
        restored.execute("DELETE FROM core_accesslog WHERE id = (SELECT min(id) FROM core_accesslog)")
    check = subprocess.run(
        [".venv/bin/python", "manage.py", "check_integrity", "--manifest", str(dump.with_suffix(".json"))],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url_for(fresh_database)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode != 0
    assert "core_accesslog: 2 rader, säkerhetskopian hade 3" in check.stderr
    assert "åtkomstlogg" in check.stderr


def test_restore_refuses_without_a_file(tmp_path):  # make stops before any database is touched
    result = make("restore", DATABASE_URL=url_for("postgres"))
    assert result.returncode != 0 and "Ange FILE" in result.stdout


@pytest.mark.django_db  # the check reads this connection's rows: rolled back, no flush
def test_check_integrity_finds_a_broken_correction_chain(data):
    assert integrity_problems() == []
    entry = data.entries.get(corrects__isnull=True)
    # a correction pointing at an unsigned entry cannot be made through the services; simulate damage
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the entries' deferred checks run now, as at a commit
        cursor.execute("ALTER TABLE cases_journalentry DISABLE TRIGGER USER")
        cursor.execute("UPDATE cases_journalentry SET signed_at = NULL WHERE id = %s", [entry.pk])
        cursor.execute("ALTER TABLE cases_journalentry ENABLE TRIGGER USER")
    problems = [str(problem) for problem in journal_chain_problems()]
    assert problems == [f"journal: anteckning {entry.pk} är rättad men inte signerad"]
