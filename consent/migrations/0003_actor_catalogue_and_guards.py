from django.db import migrations

from core.db_guards import append_only_sql, postgres_only

ACTORS = [
    # code, name, needs_consent
    ("socialtjanst", "Socialtjänst", False),
    ("polis", "Polis", True),
    ("skola", "Skola", True),
    ("bup", "BUP", True),
    ("kriminalvard", "Kriminalvård", True),
    ("fritid", "Fritidsverksamhet", True),
    ("personlig_tranare", "Personlig tränare", False),
    ("ungdomen", "Ungdomen", False),
    ("vardnadshavare", "Vårdnadshavare", False),
]

MESSAGE = "Samtyckeshistorik kan inte skrivas om."


def load(apps, schema_editor):
    Actor = apps.get_model("consent", "Actor")
    for order, (code, name, needs_consent) in enumerate(ACTORS, start=1):
        Actor.objects.update_or_create(
            code=code, defaults={"name": name, "needs_consent": needs_consent, "sort_order": order}
        )


def unload(apps, schema_editor):
    apps.get_model("consent", "Actor").objects.filter(code__in=[row[0] for row in ACTORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_initial")]

    operations = [
        migrations.RunPython(load, unload),
        postgres_only(*append_only_sql("consent_consent", message=MESSAGE)),
        postgres_only(*append_only_sql("consent_consent_actors", message=MESSAGE)),
        postgres_only(*append_only_sql("consent_consentrevocation", message=MESSAGE)),
        postgres_only(*append_only_sql("consent_maturityassessment", message=MESSAGE)),
    ]
