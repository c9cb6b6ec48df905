from django.db import migrations

from core.db_guards import append_only_sql, postgres_only

DEFAULT_RULES = [
    # SoL practice (docs/domain.md "Records law in short"): five years after the last entry, done during the following calendar year,
    # people born on the 5th, 15th and 25th kept; anonymised so that past statistics stay right.
    {"record_type": "personakt", "years": 5, "by_end_of_following_year": True, "keep_birth_days": "5,15,25"},
    # The access log is kept at least five years; grant events follow it.
    {"record_type": "atkomstlogg", "years": 5, "by_end_of_following_year": True, "keep_birth_days": ""},
]


def load(apps, schema_editor):
    RetentionRule = apps.get_model("core", "RetentionRule")
    for rule in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(record_type=rule["record_type"], defaults=rule)


def unload(apps, schema_editor):
    apps.get_model("core", "RetentionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_access_history_retention")]

    operations = [
        postgres_only(*append_only_sql("core_changelog", message="Ändringshistoriken kan inte ändras eller raderas.")),
        postgres_only(
            *append_only_sql("core_accessgrantevent", message="Behörighetsändringar kan inte ändras eller raderas.")
        ),
        migrations.RunPython(load, unload),
    ]
