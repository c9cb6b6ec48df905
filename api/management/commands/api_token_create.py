"""Create an API token and print the key once: the database keeps only its hash."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.models import TokenScope
from api.services import DEFAULT_VALID_DAYS, api_token_create
from core.models import Municipality, Provider, User


class Command(BaseCommand):
    help = "Skapa en API-nyckel. Nyckeln skrivs ut en gång och sparas bara som kontrollsumma."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Klientens namn, t.ex. BI-verktyget.")
        parser.add_argument("--scope", required=True, choices=TokenScope.values)
        parser.add_argument("--user", required=True, help="Användarnamn som nyckeln agerar som.")
        parser.add_argument("--provider", type=int, help="Begränsa till utförare (id).")
        parser.add_argument("--municipality", help="Begränsa till kommun (kommunkod, t.ex. 0580).")
        parser.add_argument("--days", type=int, default=DEFAULT_VALID_DAYS, help="Giltighetstid i dagar.")
        parser.add_argument("--rate", default="", help="Egen anropsgräns, t.ex. 120/min.")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["user"])
            provider = Provider.objects.get(pk=options["provider"]) if options["provider"] else None
            municipality = Municipality.objects.get(code=options["municipality"]) if options["municipality"] else None
        except (User.DoesNotExist, Provider.DoesNotExist, Municipality.DoesNotExist) as error:
            raise CommandError(f"Finns inte: {error}") from None
        try:
            token, key = api_token_create(
                actor=None,
                name=options["name"],
                scope=options["scope"],
                user=user,
                municipality=municipality,
                provider=provider,
                valid_days=options["days"],
                throttle_rate=options["rate"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stderr.write(f"Skapade {token} giltig till {token.expires_at:%Y-%m-%d}. Nyckeln visas bara nu:")
        self.stdout.write(key)
