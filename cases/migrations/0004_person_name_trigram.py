"""Trigram indexes for name search, PostgreSQL only.

Serves cases.selectors.person_search: each typed term is matched with `icontains` against first and
last name, which Django writes as `UPPER(col::text) LIKE UPPER('%term%')`. A B-tree cannot serve an
infix LIKE; a GIN trigram index on exactly that expression can (a BitmapOr of the two indexes), so
search stays fast at 1.5 million people. SQLite (tests, demo) gets nothing and scans.
"""

from django.db import migrations

INDEXES = [
    ("person_first_name_trgm", "first_name"),
    ("person_last_name_trgm", "last_name"),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_person USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_insats_catalogue_and_guards")]

    operations = [migrations.RunPython(forward, backward)]
