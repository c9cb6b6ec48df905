import django.db.models.deletion
from django.db import migrations, models

from core.db_guards import append_only_sql, postgres_only

# Revocations made before they named actors withdrew the whole consent: they name every actor of it.
FILL = """
INSERT INTO consent_consentrevocation_actors (consentrevocation_id, actor_id)
SELECT revocation.id, link.actor_id
FROM consent_consentrevocation revocation
JOIN consent_consent_actors link ON link.consent_id = revocation.consent_id
"""


class Migration(migrations.Migration):
    dependencies = [("consent", "0005_legal_basis_catalogue_and_guard")]

    operations = [
        migrations.AddField(
            model_name="consentrevocation",
            name="actors",
            field=models.ManyToManyField(related_name="+", to="consent.actor", verbose_name="aktörer som återkallas"),
        ),
        migrations.AlterField(
            model_name="consentrevocation",
            name="consent",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revocations",
                to="consent.consent",
                verbose_name="samtycke",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        postgres_only(
            *append_only_sql("consent_consentrevocation_actors", message="Samtyckeshistorik kan inte skrivas om.")
        ),
    ]
