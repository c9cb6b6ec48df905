"""The name search index (cases.models.SearchName): rebuilt from people and cases in one statement.

Database triggers keep the table current on every write (migration 0005); a bulk load that switches
triggers off (generate_data) calls rebuild() afterwards, as does the migration for existing data.
"""

from django.db import connection

# One row per person and unit that sees them: the unit that registered the person, and each unit with
# one of their cases. Plain SQL that PostgreSQL and SQLite both run.
FILL_SQL = """
INSERT INTO cases_searchname (person_id, unit_id, first_name, last_name, name)
SELECT p.id, seen.unit_id, p.first_name, p.last_name, p.first_name || ' ' || p.last_name
FROM (SELECT id AS person_id, unit_id FROM cases_person UNION SELECT person_id, unit_id FROM cases_case) seen
JOIN cases_person p ON p.id = seen.person_id
"""


def rebuild(cursor=None) -> None:
    """Empty the index and fill it again from people and cases (one transaction when the caller has one)."""
    if cursor is None:
        with connection.cursor() as own:
            rebuild(own)
        return
    cursor.execute("DELETE FROM cases_searchname")
    cursor.execute(FILL_SQL)
