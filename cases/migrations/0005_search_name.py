"""The name search index (cases.models.SearchName) and the triggers that keep it current.

A row (person, unit) exists exactly when the person was registered by that unit or has a case there: the
two ways cases.selectors.person_queryset_for_user makes a person visible to a unit's staff. Triggers on
people and cases add, rename and remove rows on every write path (services, import, admin, gallring, raw
SQL): statement-level with transition tables on PostgreSQL, so a COPY of many rows costs one statement,
and row-level on SQLite. PostgreSQL also gets one GIN index on (unit, trigrams of the upper-cased name)
(btree_gin lets a GIN index hold the unit), so "ohan" inside one unit is found without visiting the tens
of thousands of Johansson elsewhere in the country.
"""

from django.db import migrations, models

from core.db_guards import per_vendor

NAME = "{side}.first_name || ' ' || {side}.last_name"
# The fill as it stood here; migration 0006 folds the names (cases.search_names.fill_sql is today's).
FILL_SQL = """
INSERT INTO cases_searchname (person_id, unit_id, first_name, last_name, name)
SELECT p.id, seen.unit_id, p.first_name, p.last_name, p.first_name || ' ' || p.last_name
FROM (SELECT id AS person_id, unit_id FROM cases_person UNION SELECT person_id, unit_id FROM cases_case) seen
JOIN cases_person p ON p.id = seen.person_id
"""
COLUMNS = "(person_id, unit_id, first_name, last_name, name)"


def _add(pairs: str) -> str:
    """Add a row for each (person_id, unit_id) in `pairs`, with the person's current name.

    The people are locked FOR KEY SHARE first (until commit), as the foreign-key check would only at commit
    (Django's foreign keys are deferred): a concurrent _drop_unseen for them then waits for this transaction."""
    return (
        f"PERFORM 1 FROM cases_person p WHERE p.id IN (SELECT person_id FROM ({pairs}) locked) "
        "ORDER BY p.id FOR KEY SHARE;"
        f"INSERT INTO cases_searchname {COLUMNS} "
        f"SELECT p.id, pairs.unit_id, p.first_name, p.last_name, {NAME.format(side='p')} "
        f"FROM ({pairs}) pairs JOIN cases_person p ON p.id = pairs.person_id "
        "ON CONFLICT (person_id, unit_id) DO NOTHING;"
    )


def _drop_unseen(pairs: str) -> str:
    """Remove the rows for `pairs` that neither the person's registering unit nor any case still justifies.

    The people are locked FOR UPDATE first: that waits for any transaction that is adding a case for them
    (_add holds KEY SHARE on the person) and holds off any that starts, so the check below, a new snapshot in
    a plpgsql statement, never misses a case committed meanwhile, and a case added after sees the deletion."""
    return (
        f"PERFORM 1 FROM cases_person p WHERE p.id IN (SELECT person_id FROM ({pairs}) locked) "
        "ORDER BY p.id FOR UPDATE;"
        f"DELETE FROM cases_searchname s USING ({pairs}) pairs "
        "WHERE s.person_id = pairs.person_id AND s.unit_id = pairs.unit_id "
        "AND NOT EXISTS (SELECT 1 FROM cases_person p WHERE p.id = s.person_id AND p.unit_id = s.unit_id) "
        "AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.person_id = s.person_id AND c.unit_id = s.unit_id);"
    )


CASE_MOVED = "SELECT DISTINCT {side}.person_id, {side}.unit_id FROM old_rows o JOIN new_rows n ON n.id = o.id " + (
    "WHERE (o.person_id, o.unit_id) IS DISTINCT FROM (n.person_id, n.unit_id)"
)
PERSON_CHANGED = "FROM old_rows o JOIN new_rows n ON n.id = o.id"

PG_FUNCTIONS = {
    "cases_search_name_person_insert": _add("SELECT id AS person_id, unit_id FROM new_rows"),
    "cases_search_name_person_update": (
        "UPDATE cases_searchname s SET first_name = n.first_name, last_name = n.last_name, "
        f"name = {NAME.format(side='n')} {PERSON_CHANGED} "
        "WHERE s.person_id = n.id AND (o.first_name, o.last_name) IS DISTINCT FROM (n.first_name, n.last_name);"
        # dropping first takes the stronger lock first: two such moves wait for each other, never deadlock
        + _drop_unseen(f"SELECT o.id AS person_id, o.unit_id {PERSON_CHANGED} WHERE o.unit_id <> n.unit_id")
        + _add(f"SELECT n.id AS person_id, n.unit_id {PERSON_CHANGED} WHERE o.unit_id <> n.unit_id")
    ),
    "cases_search_name_person_delete": ("DELETE FROM cases_searchname s USING old_rows o WHERE s.person_id = o.id;"),
    "cases_search_name_case_insert": _add("SELECT DISTINCT person_id, unit_id FROM new_rows"),
    "cases_search_name_case_update": _drop_unseen(CASE_MOVED.format(side="o")) + _add(CASE_MOVED.format(side="n")),
    "cases_search_name_case_delete": _drop_unseen("SELECT DISTINCT person_id, unit_id FROM old_rows"),
}
PG_TRIGGERS = [
    ("cases_person", "INSERT", "REFERENCING NEW TABLE AS new_rows", "cases_search_name_person_insert"),
    (
        "cases_person",
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "cases_search_name_person_update",
    ),
    ("cases_person", "DELETE", "REFERENCING OLD TABLE AS old_rows", "cases_search_name_person_delete"),
    ("cases_case", "INSERT", "REFERENCING NEW TABLE AS new_rows", "cases_search_name_case_insert"),
    (
        "cases_case",
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "cases_search_name_case_update",
    ),
    ("cases_case", "DELETE", "REFERENCING OLD TABLE AS old_rows", "cases_search_name_case_delete"),
]
PG_FORWARD = [
    # both are trusted extensions (PostgreSQL 13+): the database owner may create them
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    *(
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END; $$ LANGUAGE plpgsql"
        for name, body in PG_FUNCTIONS.items()
    ),
    *(
        f"CREATE TRIGGER {function} AFTER {event} ON {table} {transition} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {function}()"
        for table, event, transition, function in PG_TRIGGERS
    ),
    FILL_SQL,
    "CREATE INDEX search_name_unit_trgm ON cases_searchname USING gin (unit_id, (UPPER(name::text)) gin_trgm_ops)",
]
PG_REVERSE = [
    "DROP INDEX IF EXISTS search_name_unit_trgm",
    *(f"DROP TRIGGER IF EXISTS {function} ON {table}" for table, _e, _t, function in PG_TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name in PG_FUNCTIONS),
]


def _sqlite_add(person: str, unit: str) -> str:
    return (
        f"INSERT OR IGNORE INTO cases_searchname {COLUMNS} "
        f"SELECT p.id, {unit}, p.first_name, p.last_name, {NAME.format(side='p')} FROM cases_person p "
        f"WHERE p.id = {person};"
    )


def _sqlite_drop_unseen(person: str, unit: str) -> str:
    return (
        f"DELETE FROM cases_searchname WHERE person_id = {person} AND unit_id = {unit} "
        f"AND NOT EXISTS (SELECT 1 FROM cases_person p WHERE p.id = {person} AND p.unit_id = {unit}) "
        f"AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.person_id = {person} AND c.unit_id = {unit});"
    )


SQLITE_FORWARD = [
    "CREATE TRIGGER cases_search_name_person_insert AFTER INSERT ON cases_person BEGIN "
    + _sqlite_add("NEW.id", "NEW.unit_id")
    + " END",
    "CREATE TRIGGER cases_search_name_person_rename AFTER UPDATE OF first_name, last_name ON cases_person BEGIN "
    "UPDATE cases_searchname SET first_name = NEW.first_name, last_name = NEW.last_name, "
    f"name = {NAME.format(side='NEW')} WHERE person_id = NEW.id; END",
    "CREATE TRIGGER cases_search_name_person_move AFTER UPDATE OF unit_id ON cases_person "
    "WHEN OLD.unit_id IS NOT NEW.unit_id BEGIN "
    + _sqlite_add("NEW.id", "NEW.unit_id")
    + _sqlite_drop_unseen("OLD.id", "OLD.unit_id")
    + " END",
    "CREATE TRIGGER cases_search_name_person_delete AFTER DELETE ON cases_person BEGIN "
    "DELETE FROM cases_searchname WHERE person_id = OLD.id; END",
    "CREATE TRIGGER cases_search_name_case_insert AFTER INSERT ON cases_case BEGIN "
    + _sqlite_add("NEW.person_id", "NEW.unit_id")
    + " END",
    "CREATE TRIGGER cases_search_name_case_update AFTER UPDATE OF person_id, unit_id ON cases_case "
    "WHEN OLD.person_id IS NOT NEW.person_id OR OLD.unit_id IS NOT NEW.unit_id BEGIN "
    + _sqlite_add("NEW.person_id", "NEW.unit_id")
    + _sqlite_drop_unseen("OLD.person_id", "OLD.unit_id")
    + " END",
    "CREATE TRIGGER cases_search_name_case_delete AFTER DELETE ON cases_case BEGIN "
    + _sqlite_drop_unseen("OLD.person_id", "OLD.unit_id")
    + " END",
    FILL_SQL,
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS cases_search_name_{name}"
    for name in (
        "person_insert",
        "person_rename",
        "person_move",
        "person_delete",
        "case_insert",
        "case_update",
        "case_delete",
    )
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_person_name_trigram"),
        ("core", "0004_guards_and_default_rules"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("first_name", models.CharField(max_length=100)),
                ("last_name", models.CharField(max_length=100)),
                ("name", models.TextField()),
                ("person_id", models.UUIDField()),
                ("unit_id", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "sökindex för namn",
                "verbose_name_plural": "sökindex för namn",
                "constraints": [
                    models.UniqueConstraint(fields=("person_id", "unit_id"), name="search_name_person_unit")
                ],
                "indexes": [
                    models.Index(
                        fields=["unit_id", "last_name", "first_name", "person_id"], name="search_name_unit_order"
                    )
                ],
            },
        ),
        per_vendor(postgresql=(PG_FORWARD, PG_REVERSE), sqlite=(SQLITE_FORWARD, SQLITE_REVERSE)),
    ]
