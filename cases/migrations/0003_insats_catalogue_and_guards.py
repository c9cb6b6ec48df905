from django.db import migrations

from core.db_guards import append_only_sql, postgres_only

INSATSER = [
    # code, name, min_age, max_age, has_individual_cases
    ("ungdomstjanst", "Ungdomstjänst", 15, 21, True),
    ("medling", "Medling", 10, 21, True),
    ("stod_brottsutsatta", "Stöd till unga brottsutsatta", 10, 21, True),
    ("skk", "Särskilt kvalificerad kontaktperson", 12, 21, True),
    ("aslan", "ASLAN", 10, 14, True),
    ("sig", "Sociala insatsgrupper (SIG)", 13, 29, True),
    ("avhopp", "Avhopp", 15, 29, True),
    ("faltverksamhet", "Fältverksamhet", 10, 29, False),
]


def load(apps, schema_editor):
    InsatsType = apps.get_model("cases", "InsatsType")
    for order, (code, name, min_age, max_age, individual) in enumerate(INSATSER, start=1):
        InsatsType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "min_age": min_age,
                "max_age": max_age,
                "has_individual_cases": individual,
                "sort_order": order,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("cases", "InsatsType").objects.filter(code__in=[row[0] for row in INSATSER]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [
        migrations.RunPython(load, unload),
        postgres_only(
            *append_only_sql(
                "cases_journalentry",
                condition="ROW.signed_at IS NOT NULL",
                message="En signerad journalanteckning kan inte ändras eller raderas.",
            )
        ),
    ]
