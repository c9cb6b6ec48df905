"""The summary's rows now keep the cases' key sums ("k", for the API's cell-key perturbation): an 'all' mark
makes the next refresh rebuild every row with them."""

from django.db import migrations


def mark_all(apps, schema_editor):
    apps.get_model("reporting", "StatisticsDirty").objects.create(
        kind="all", municipality_id=None, from_year=0, to_year=0
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_report_version_edit_version"), ("cases", "0010_case_statistics_key")]

    operations = [migrations.RunPython(mark_all, migrations.RunPython.noop)]
