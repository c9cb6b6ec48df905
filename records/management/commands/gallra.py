"""`python manage.py gallra [--dry-run] [--as-of YYYY-MM-DD] [--limit N] [--pause S]` (README "Gallring")."""

import datetime

from django.core.management.base import BaseCommand

from records.retention import retention_run, retention_run_people


class Command(BaseCommand):
    help = "Gallra personakter och åtkomstlogg enligt gallringsreglerna (provkörning med --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Visa vad som skulle gallras; ändra inget.")
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None, help="Gallringsdag.")
        parser.add_argument("--limit", type=int, default=None, help="Högst så många personakter i körningen.")
        parser.add_argument("--pause", type=float, default=0.0, help="Sekunder att vänta mellan personakter.")

    def handle(self, *args, dry_run, as_of, limit, pause, **options):
        run = retention_run(as_of=as_of, dry_run=dry_run, limit=limit, pause_seconds=pause)
        people = retention_run_people(run)
        verb = "skulle gallras" if dry_run else "gallrades"
        self.stdout.write(f"Körning {run.pk} ({run.as_of}): {len(people)} personakter {verb}.")
