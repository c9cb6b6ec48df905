"""Database-level guards (PostgreSQL only): append-only tables and locked rows.

The application never updates or deletes these rows; the triggers make sure nothing else does either.
Gallring (retention) is the one sanctioned exception: it runs `SET LOCAL ungdomsinsats.purge = 'on'`
inside its own transaction.
"""

from collections.abc import Callable

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PURGE_SETTING = "ungdomsinsats.purge"


def append_only_sql(table: str, *, condition: str = "TRUE", message: str) -> tuple[str, str]:
    """(forward, reverse) SQL for a trigger refusing UPDATE/DELETE on rows where `condition` (on OLD) holds."""
    function = f"{table}_guard"
    forward = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF current_setting('{PURGE_SETTING}', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF {condition.replace("ROW.", "OLD.")} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    reverse = f"DROP TRIGGER IF EXISTS {function} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return forward, reverse


_Apply = Callable[[StateApps, BaseDatabaseSchemaEditor], None]


def postgres_only(forward: str, reverse: str) -> migrations.RunPython:
    """A RunPython that executes SQL only on PostgreSQL (SQLite relies on the service rules)."""

    def run(sql: str) -> _Apply:
        def apply(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(reverse))


def per_vendor(*, postgresql: tuple[list[str], list[str]], sqlite: tuple[list[str], list[str]]) -> migrations.RunPython:
    """A RunPython that executes (forward, reverse) statement lists written for PostgreSQL or for SQLite (triggers
    kept in each dialect); any other database gets nothing."""
    statements = {"postgresql": postgresql, "sqlite": sqlite}

    def run(direction: int) -> _Apply:
        def apply(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
            for statement in statements.get(schema_editor.connection.vendor, ([], []))[direction]:
                schema_editor.execute(statement, params=None)

        return apply

    return migrations.RunPython(run(0), run(1))
