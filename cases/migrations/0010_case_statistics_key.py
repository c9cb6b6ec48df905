"""Case.statistics_key: a random key per case for the statistics API's cell-key perturbation (api.disclosure).

Existing cases get a random key each (not one shared value), and the column gets a random database default, so
bulk loads that name only the columns they fill (COPY in devdata.datagen and cases.importer) get keys too. Written
as SQL per database: SQLite cannot add a NOT NULL column without rebuilding the table, and rebuilding cases_case
there trips the name-search triggers (0005), so it adds the column with a constant default and then draws the
keys. The model's Python default draws a key for every case the ORM creates.
"""

import cases.models
from django.db import migrations, models

POSTGRES = (
    "ALTER TABLE cases_case ADD COLUMN statistics_key integer NOT NULL "
    "DEFAULT (floor(random() * 65536))::integer CHECK (statistics_key >= 0)"
)
SQLITE = [
    "ALTER TABLE cases_case ADD COLUMN statistics_key integer unsigned NOT NULL DEFAULT 0 CHECK (statistics_key >= 0)",
    "UPDATE cases_case SET statistics_key = random() & 65535",
]


def add_column(apps, schema_editor):
    statements = [POSTGRES] if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE cases_case DROP COLUMN statistics_key")


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_identity_access_request")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="case",
                    name="statistics_key",
                    field=models.PositiveIntegerField(
                        default=cases.models.new_statistics_key, editable=False, verbose_name="statistiknyckel"
                    ),
                )
            ],
        )
    ]
