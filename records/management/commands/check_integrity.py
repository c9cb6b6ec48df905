"""python manage.py check_integrity [--manifest backup.json]: exit status 1 on any problem.

Run after a restore (make restore does) and from time to time in production. See records/integrity.py.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records.integrity import integrity_problems


class Command(BaseCommand):
    help = (
        "Kontrollera databasens integritet: radantal mot säkerhetskopian, rättelsekedjor, åtkomstloggens kontinuitet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--manifest", help="manifest (.json) som skrevs med säkerhetskopian")

    def handle(self, *args, manifest=None, **options):
        expected = None
        if manifest:
            path = Path(manifest)
            if not path.is_file():
                raise CommandError(f"Manifestet {manifest} finns inte.")
            expected = json.loads(path.read_text())
        problems = integrity_problems(expected)
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} integritetsfel.")
        checked = "radantal, åtkomstlogg, " if expected else ""
        self.stdout.write(f"Integriteten är kontrollerad ({checked}rättelsekedjor, sekvenser): inga fel.")
