"""python manage.py backup_database --output-dir backups: pg_dump plus a manifest from the same snapshot.

The manifest (row counts, access-log digest) is computed in a REPEATABLE READ transaction whose
snapshot pg_dump is told to use (--snapshot), so dump and manifest describe exactly the same data even
while the application keeps writing. Both files are written under a temporary name and renamed when
complete: a backup that was interrupted never looks finished.
"""

import json
import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from records.integrity import manifest_build


def libpq_environment() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, value in {
        "PGHOST": db.get("HOST"),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
    }.items():
        if value:
            env[key] = value
    return env


class Command(BaseCommand):
    help = "Säkerhetskopiera PostgreSQL-databasen (pg_dump, eget format) med ett manifest för kontroll vid återläsning."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default="backups")

    def handle(self, *args, output_dir, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Säkerhetskopiering kräver PostgreSQL (DATABASE_URL).")
        directory = Path(output_dir)
        directory.mkdir(parents=True, exist_ok=True)
        stem = directory / f"ungdomsinsats-{timezone.now():%Y%m%d-%H%M%S}"
        dump, manifest_path = stem.with_suffix(".dump"), stem.with_suffix(".json")
        partial_dump, partial_manifest = Path(f"{dump}.partial"), Path(f"{manifest_path}.partial")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            manifest = manifest_build()
            result = subprocess.run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(partial_dump)],
                env=libpq_environment(),
                capture_output=True,
                text=True,
            )
        if result.returncode != 0:
            partial_dump.unlink(missing_ok=True)
            raise CommandError(f"pg_dump misslyckades: {result.stderr.strip()}")
        manifest["created_at"] = timezone.now().isoformat()
        manifest["dump"] = dump.name
        partial_manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        os.replace(partial_dump, dump)
        os.replace(partial_manifest, manifest_path)
        self.stdout.write(str(dump))
