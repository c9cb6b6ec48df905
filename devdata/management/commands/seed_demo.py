"""`python manage.py seed_demo`: deterministic demo data (devdata.demo_data), safe to run again."""

from django.core.management.base import BaseCommand

from devdata.demo_data import DEMO_PASSWORD, PROVIDER_NAME, demo_seed


class Command(BaseCommand):
    help = (
        "Skapar demodata för en kommun i Linköpings storlek (två hela år och i år fram till i dag). "
        "Kan köras flera gånger."
    )

    def handle(self, *args, **options):
        summary = demo_seed()
        first, last = summary.years
        if summary.created:
            self.stdout.write(self.style.SUCCESS(f"Demodata skapad för {first}–{last}."))
        else:
            self.stdout.write(f"Demodata fanns redan för {PROVIDER_NAME}; användare och överenskommelse uppdaterade.")
        counts = summary.counts
        self.stdout.write(
            f"{counts['people']} ungdomar, {counts['cases']} ärenden, {counts['entries']} journalanteckningar."
        )
        self.stdout.write("")
        self.stdout.write("Demoanvändare (bara för demo, byt lösenord i en riktig miljö):")
        width = max(len(username) for username, _role, _password in summary.users)
        for username, role, password in summary.users:
            self.stdout.write(f"  {username.ljust(width)}  {password}  {role}")
        self.stdout.write(f"Övriga demohandläggare (t.ex. erik.holm, ali.hassan) har lösenordet {DEMO_PASSWORD}.")
