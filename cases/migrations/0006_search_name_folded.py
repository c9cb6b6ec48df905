"""The name search index holds names with diacritics folded ("Kovač" is stored "Kovac"), so a name typed
without them is found; cases.selectors folds the typed terms with the same map (cases.search_names.fold).

One row trigger on the index itself folds every row written, whichever trigger of migration 0005 (or
anything else) wrote it: those stay as they are. PostgreSQL folds before the row is stored; SQLite cannot
change NEW, so it updates the row just written. The trigram index on UPPER(name) serves the folded name.
"""

from django.db import migrations

from cases.search_names import fold_sql, sqlite_fold_statements
from core.db_guards import per_vendor

PG_FORWARD = [
    "CREATE OR REPLACE FUNCTION cases_search_name_fold() RETURNS trigger AS $$ BEGIN "
    f"NEW.name := {fold_sql('NEW.name')}; RETURN NEW; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER cases_search_name_fold BEFORE INSERT OR UPDATE OF name ON cases_searchname "
    "FOR EACH ROW EXECUTE FUNCTION cases_search_name_fold()",
    f"UPDATE cases_searchname SET name = {fold_sql('name')}",
]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_search_name_fold ON cases_searchname",
    "DROP FUNCTION IF EXISTS cases_search_name_fold()",
    "UPDATE cases_searchname SET name = first_name || ' ' || last_name",
]

# SQLite's recursive triggers are off (its default): the updates inside do not fire the update trigger again
SQLITE_FOLD_NEW_ROW = "".join(f"{statement}; " for statement in sqlite_fold_statements("id = NEW.id"))
SQLITE_FORWARD = [
    f"CREATE TRIGGER cases_search_name_fold_insert AFTER INSERT ON cases_searchname BEGIN {SQLITE_FOLD_NEW_ROW}END",
    "CREATE TRIGGER cases_search_name_fold_update AFTER UPDATE OF name ON cases_searchname "
    f"BEGIN {SQLITE_FOLD_NEW_ROW}END",
    *sqlite_fold_statements("1 = 1"),
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_search_name_fold_insert",
    "DROP TRIGGER IF EXISTS cases_search_name_fold_update",
    "UPDATE cases_searchname SET name = first_name || ' ' || last_name",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_search_name")]

    operations = [per_vendor(postgresql=(PG_FORWARD, PG_REVERSE), sqlite=(SQLITE_FORWARD, SQLITE_REVERSE))]
