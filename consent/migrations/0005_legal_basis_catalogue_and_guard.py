from django.db import migrations

from core.db_guards import append_only_sql, postgres_only

BASES = [
    # code, name, reference, is_consent
    ("samtycke", "Samtycke från den enskilde", "OSL 12 kap. 2 §", True),
    ("osl_10_18a", "Till polisen om person under 21 år för att förebygga brott", "OSL 10 kap. 18 a §", False),
    ("osl_10_19", "Misstanke om vissa begångna brott", "OSL 10 kap. 19 §", False),
    ("osl_10_21", "Misstanke om brott med minst ett års fängelse", "OSL 10 kap. 21 §", False),
    ("osl_10_2", "Nödvändigt för att fullgöra den egna verksamheten", "OSL 10 kap. 2 §", False),
    ("osl_10_28", "Uppgiftsskyldighet i lag eller förordning", "OSL 10 kap. 28 §", False),
]


def load(apps, schema_editor):
    LegalBasis = apps.get_model("consent", "LegalBasis")
    for order, (code, name, reference, is_consent) in enumerate(BASES, start=1):
        LegalBasis.objects.update_or_create(
            code=code,
            defaults={"name": name, "reference": reference, "is_consent": is_consent, "sort_order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("consent", "LegalBasis").objects.filter(code__in=[row[0] for row in BASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0004_legalbasis_disclosure")]

    operations = [
        migrations.RunPython(load, unload),
        postgres_only(*append_only_sql("consent_disclosure", message="Ett registrerat utlämnande kan inte ändras.")),
    ]
