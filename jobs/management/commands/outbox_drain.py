import datetime
from typing import Any

from django.core.management.base import BaseCommand

from jobs.outbox import outbox_drain


class Command(BaseCommand):
    help = "Skicka köade jobb som väntar på Redis (outbox) och skriv ut hur många som skickades."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(outbox_drain(grace=datetime.timedelta(0))))
