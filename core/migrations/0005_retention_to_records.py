"""Gallring's models moved to records (records 0001): dropped from core's migration state only; the tables
core_retentionrule, core_retentionrun, core_retentionitem and core_retentionrule_exempt_insats_types stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0004_guards_and_default_rules")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="retentionrule", name="exempt_insats_types"),
                migrations.RemoveField(model_name="retentionrun", name="started_by"),
                migrations.DeleteModel(name="RetentionItem"),
                migrations.DeleteModel(name="RetentionRule"),
                migrations.DeleteModel(name="RetentionRun"),
            ],
            database_operations=[],
        ),
    ]
