"""`python manage.py generate_data --scale S|M|L`: deterministic synthetic data in bulk.

XS (two municipalities, 300 people) is for tests; S ≈ a small municipality, M ≈ Stockholm, L ≈ Sweden.
See devdata/datagen.py for what is generated and how it is loaded.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from devdata.datagen import DEFAULT_UNTIL, SCALES, generate, scale_mark, scale_mark_get
from reporting.statistics_summary import rebuild_after_load, refresh_dirty


class Command(BaseCommand):
    help = "Fyller databasen med påhittade, deterministiska data i vald skala (XS, S, M, L)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="S")
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument(
            "--until", type=datetime.date.fromisoformat, default=DEFAULT_UNTIL, help="sista dag i datat (ÅÅÅÅ-MM-DD)"
        )
        parser.add_argument("--reset", action="store_true", help="ersätt befintliga data")
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="gör ingenting om databasen redan har exakt denna skala (PostgreSQL), annars ersätt",
        )

    def handle(self, *args, scale, seed, until, reset, if_needed, verbosity, **options):
        if if_needed:
            if scale_mark_get() == scale_mark(scale, seed, until):
                self.stdout.write(f"Databasen har redan skala {scale}; inget att göra.")
                self._refresh_statistics(full=False)
                return
            reset = True
        sizes = SCALES[scale]
        self.stdout.write(
            f"Genererar skala {scale} ({sizes.description}): {sizes.people:,} personer, {sizes.cases:,} ärenden, "
            f"{sizes.entries:,} journalanteckningar, {sizes.access_log:,} loggrader …".replace(",", " ")
        )

        def progress(message: str) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {message}")

        try:
            result = generate(scale, seed=seed, until=until, reset=reset, progress=progress)
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        for table, count in sorted(result.counts.items()):
            self.stdout.write(f"  {table:<40} {count:>12,}".replace(",", " "))
        if verbosity >= 2:
            self.stdout.write("  " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in result.timings.items()))
        self.stdout.write(self.style.SUCCESS(f"Klart på {result.seconds:.1f} s."))
        self._refresh_statistics(full=True)

    def _refresh_statistics(self, *, full: bool) -> None:
        """The statistics API's summary (reporting.statistics_summary): rebuilt after a load (the COPY runs
        without triggers; the years on two connections), brought up to date otherwise."""
        result = rebuild_after_load() if full else refresh_dirty()
        if full or result.marks:
            self.stdout.write(
                f"Statistiksammanställningen uppdaterad på {result.seconds:.1f} s ({result.rows:,} rader)."
            )
