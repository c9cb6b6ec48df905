from decimal import Decimal

from django.db import migrations

# Starting fee table (kr per kväll); the administrator edits it. Age bands × years of service.
RATES = [
    (13, 15, 0, Decimal("250")),
    (13, 15, 1, Decimal("300")),
    (16, 17, 0, Decimal("350")),
    (16, 17, 1, Decimal("400")),
    (18, 25, 0, Decimal("450")),
    (18, 25, 1, Decimal("500")),
]


def load(apps, schema_editor):
    Rate = apps.get_model("interventions", "PolareFeeRate")
    for min_age, max_age, years, fee in RATES:
        Rate.objects.update_or_create(
            min_age=min_age, min_years_of_service=years, defaults={"max_age": max_age, "fee_per_night": fee}
        )


def unload(apps, schema_editor):
    apps.get_model("interventions", "PolareFeeRate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
