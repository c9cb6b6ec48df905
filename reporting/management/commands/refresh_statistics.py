"""`python manage.py refresh_statistics [--all]`: bring the statistics API's summary up to date."""

from django.core.management.base import BaseCommand

from reporting.statistics_summary import refresh_all, refresh_dirty


class Command(BaseCommand):
    help = "Uppdaterar statistiksammanställningen för statistik-API:t (det som ändrats, eller allt med --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="bygg om hela sammanställningen")

    def handle(self, *args, all, **options):
        result = refresh_all() if all else refresh_dirty()
        what = "allt" if result.full else f"kommuner {result.municipalities or '–'}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Statistiken uppdaterad ({what}; {result.marks} markeringar, {result.rows} rader) "
                f"på {result.seconds:.1f} s."
            )
        )
