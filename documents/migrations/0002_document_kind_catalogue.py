from django.db import migrations

from core.db_guards import append_only_sql, postgres_only

KINDS = [
    # code, name
    ("dom", "Dom"),
    ("strafforelaggande", "Strafföreläggande"),
    ("polisanmalan", "Polisanmälan"),
    ("samtycke", "Undertecknat samtycke"),
    ("intyg", "Intyg"),
    ("brev", "Inkommet brev"),
    ("ovrigt", "Övrig handling"),
]


def load(apps, schema_editor):
    DocumentKind = apps.get_model("documents", "DocumentKind")
    for order, (code, name) in enumerate(KINDS, start=1):
        DocumentKind.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


def unload(apps, schema_editor):
    apps.get_model("documents", "DocumentKind").objects.filter(code__in=[row[0] for row in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RunPython(load, unload),
        # what was given out is kept as given: no update, no delete (gallring alone, core.db_guards)
        postgres_only(*append_only_sql("documents_aktbilaga", message="En aktbilaga kan inte ändras.")),
        postgres_only(
            *append_only_sql(
                "documents_document", message="Ett registrerat dokument kan inte ändras eller tas bort."
            )
        ),
    ]
