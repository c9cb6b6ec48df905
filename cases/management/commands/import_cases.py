"""python manage.py import_cases FIL.xlsx --user USERNAME [--dry-run]: the spreadsheet import from a terminal."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.importer import ImportFileError, cases_import
from core.models import User


class Command(BaseCommand):
    help = "Importera personer och pågående ärenden från CSV eller Excel (.xlsx): alla rader eller ingen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV- eller xlsx-fil")
        parser.add_argument("--user", required=True, help="användarnamn; ärendena läggs på användarens enhet")
        parser.add_argument("--dry-run", action="store_true", help="kontrollera bara, spara ingenting")

    def handle(self, *args: Any, path: str, user: str, dry_run: bool, **options: Any) -> None:
        actor = User.objects.select_related("unit__provider").filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"Ingen aktiv användare med användarnamnet {user}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        try:
            result = cases_import(actor=actor, content=file.read_bytes(), filename=file.name, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(" ".join(error.messages)) from None
        for row_error in result.errors:
            self.stderr.write(str(row_error))
        if result.errors:
            raise CommandError(f"{len(result.errors)} fel; ingenting har sparats.")
        verb = "Kontrollerat (inget sparat)" if dry_run else "Importerat"
        self.stdout.write(
            f"{verb}: {result.rows} rader, {result.people_created} nya personer "
            f"({result.people_existing} fanns redan), {result.cases_created} nya ärenden "
            f"({result.cases_existing} fanns redan)."
        )
