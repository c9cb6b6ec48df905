"""Gallring"s models move from core to records. The tables stay as they are (db_table): only the migration
state moves (core 0005 drops the models from core"s state, this adds them to records"), and the content
types are renamed so the permissions given on them (records.run_retention, ...) stay with their groups."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["retentionrule", "retentionrun", "retentionitem"]

DEFAULT_RULES = [
    # SoL practice (docs/domain.md): five years after the last entry, done during the following calendar year,
    # people born on the 5th, 15th and 25th kept; anonymised so that past statistics stay right.
    {"record_type": "personakt", "years": 5, "by_end_of_following_year": True, "keep_birth_days": "5,15,25"},
    # The access log is kept at least five years; grant events follow it.
    {"record_type": "atkomstlogg", "years": 5, "by_end_of_following_year": True, "keep_birth_days": ""},
]


def load(apps, schema_editor):
    """The default rules (already there when core 0004 ran; core.reference_data restores them after a flush)."""
    RetentionRule = apps.get_model("records", "RetentionRule")
    for rule in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(record_type=rule["record_type"], defaults=rule)


def content_types_to(app_label: str, other: str):
    def rename(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        types = ContentType.objects.using(schema_editor.connection.alias)
        for model in MODELS:
            if types.filter(app_label=app_label, model=model).exists():
                # made afresh by post_migrate after this migration was unapplied: the old one is stale
                types.filter(app_label=other, model=model).delete()
            else:
                types.filter(app_label=other, model=model).update(app_label=app_label)

    return rename


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0003_insats_catalogue_and_guards"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_retention_to_records"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RetentionRule",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("record_type", models.CharField(choices=[("personakt", "Personakt (person, ärenden, journal, samtycken, planer)"), ("atkomstlogg", "Åtkomstlogg och behörighetsändringar")], max_length=20, unique=True, verbose_name="posttyp")),
                        ("active", models.BooleanField(default=True, verbose_name="aktiv")),
                        ("years", models.PositiveSmallIntegerField(default=5, verbose_name="år efter sista anteckning")),
                        ("by_end_of_following_year", models.BooleanField(default=True, help_text="Posten gallras under kalenderåret efter det år då tiden gått ut, i stället för exakt på dagen.", verbose_name="gallra under kalenderåret efter")),
                        ("keep_birth_days", models.CharField(blank=True, default="5,15,25", help_text="Dagar i månaden, kommaseparerade (forskningsurval).", max_length=50, verbose_name="behåll personer födda dessa dagar")),
                        ("action", models.CharField(choices=[("anonymise", "Avidentifiera (statistikuppgifter behålls)"), ("delete", "Radera helt")], default="anonymise", max_length=10, verbose_name="åtgärd")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="ändrad")),
                        ("exempt_insats_types", models.ManyToManyField(blank=True, help_text="Personakter med ett ärende av dessa insatser bevaras.", related_name="+", to="cases.insatstype", verbose_name="undantagna insatser")),
                    ],
                    options={
                        "verbose_name": "gallringsregel",
                        "verbose_name_plural": "gallringsregler",
                        "db_table": "core_retentionrule",
                        "ordering": ["record_type"],
                    },
                ),
                migrations.CreateModel(
                    name="RetentionRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("started_at", models.DateTimeField(auto_now_add=True, verbose_name="startad")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="klar")),
                        ("as_of", models.DateField(verbose_name="gallringsdag")),
                        ("dry_run", models.BooleanField(verbose_name="provkörning")),
                        ("status", models.CharField(choices=[("running", "Pågår"), ("done", "Klar"), ("failed", "Misslyckades")], default="running", max_length=10, verbose_name="status")),
                        ("error", models.TextField(blank=True, verbose_name="fel")),
                        ("started_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="startad av")),
                    ],
                    options={
                        "verbose_name": "gallringskörning",
                        "verbose_name_plural": "gallringskörningar",
                        "db_table": "core_retentionrun",
                        "ordering": ["-started_at", "-id"],
                        "permissions": [("run_retention", "Får provköra gallring")],
                    },
                ),
                migrations.CreateModel(
                    name="RetentionItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("record_type", models.CharField(choices=[("personakt", "Personakt (person, ärenden, journal, samtycken, planer)"), ("atkomstlogg", "Åtkomstlogg och behörighetsändringar")], max_length=20, verbose_name="posttyp")),
                        ("person_id", models.UUIDField(blank=True, null=True, verbose_name="person")),
                        ("case_numbers", models.JSONField(default=list, verbose_name="ärendenummer")),
                        ("last_entry_on", models.DateField(blank=True, null=True, verbose_name="sista anteckning")),
                        ("action", models.CharField(choices=[("anonymise", "Avidentifiera (statistikuppgifter behålls)"), ("delete", "Radera helt")], max_length=10, verbose_name="åtgärd")),
                        ("removed", models.JSONField(default=dict, verbose_name="borttaget")),
                        ("at", models.DateTimeField(auto_now_add=True, verbose_name="tidpunkt")),
                        ("run", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="items", to="records.retentionrun", verbose_name="körning")),
                    ],
                    options={
                        "verbose_name": "gallrad post",
                        "verbose_name_plural": "gallrade poster",
                        "db_table": "core_retentionitem",
                        "ordering": ["run", "id"],
                        "indexes": [models.Index(fields=["person_id"], name="retentionitem_person")],
                        "constraints": [models.UniqueConstraint(fields=("run", "person_id"), name="retentionitem_unique_person_per_run")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to("records", "core"), content_types_to("core", "records")),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
