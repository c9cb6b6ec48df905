from django.db import migrations

from core.db_guards import append_only_sql, postgres_only


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        postgres_only(*append_only_sql("core_accesslog", message="Åtkomstloggen kan inte ändras eller raderas.")),
    ]
