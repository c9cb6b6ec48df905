"""A purchased insats gets a price and a price unit (for the period, per month, per day); every existing row was
entered as the cost of its period, so it becomes price = cost "för hela perioden"."""

import django.core.validators
from django.db import migrations, models


def existing_rows_are_priced_for_the_period(apps, schema_editor):
    PurchasedService = apps.get_model("interventions", "PurchasedService")
    PurchasedService.objects.update(price=models.F("cost"), price_unit="period")


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0008_field_log_events_and_idempotency_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="purchasedservice",
            name="price_unit",
            field=models.CharField(
                choices=[("period", "för hela perioden"), ("manad", "per månad"), ("dygn", "per dygn")],
                default="period",
                max_length=10,
                verbose_name="prisenhet",
            ),
        ),
        migrations.AddField(
            model_name="purchasedservice",
            name="price",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="pris (kr)",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(existing_rows_are_priced_for_the_period, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="purchasedservice",
            name="cost",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="kostnad för perioden (kr)",
            ),
        ),
        migrations.AddConstraint(
            model_name="purchasedservice",
            constraint=models.CheckConstraint(
                condition=models.Q(("price_unit", "period"), ("ends_on__isnull", False), _connector="OR"),
                name="purchase_unit_price_has_end",
            ),
        ),
    ]
