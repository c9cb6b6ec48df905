from django.db import migrations

# Recipients of the reports on ungdomstjänst and medling (utlämnanden). Sharing with them needs consent
# unless another legal basis applies (the reports go under a duty to report, OSL 10 kap. 28 §).
RECIPIENTS = [
    # code, name, sort_order (after the actors of 0003)
    ("aklagare", "Åklagare", 20),
    ("domstol", "Domstol", 21),
]


def load(apps, schema_editor):
    Actor = apps.get_model("consent", "Actor")
    for code, name, order in RECIPIENTS:
        Actor.objects.update_or_create(code=code, defaults={"name": name, "needs_consent": True, "sort_order": order})


def unload(apps, schema_editor):
    apps.get_model("consent", "Actor").objects.filter(code__in=[row[0] for row in RECIPIENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0006_revocation_per_actor")]

    operations = [migrations.RunPython(load, unload)]
