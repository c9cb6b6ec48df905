"""Migrations follow the layers too: a migration depends only on its own app and the apps below it."""

from django.db.migrations.loader import MigrationLoader

# Bottom to top, as the import contract in pyproject.toml; apps on one level may not depend on each other.
# documents (the akt) sits on cases' level in the import contract so that cases may keep its outputs there; in
# migrations it is just above cases (it has foreign keys to Case and Person; cases has none to it).
LAYERS = [
    {"jobs"},
    {"core"},
    {"cases"},
    {"documents"},
    {"consent", "decisions"},
    {"interventions"},
    {"reporting"},
    {"api", "records"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
# Written before gallring's models left core (they had a many-to-many to cases.InsatsType); databases have
# applied it, so it stays as it is. Nothing else may be added here.
HISTORIC = {("core", "0003_access_history_retention"): {("cases", "0003_insats_catalogue_and_guards")}}


def upward_dependencies() -> dict[tuple[str, str], set[tuple[str, str]]]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    upward = {}
    for key in graph.nodes:
        app = key[0]
        if app not in LEVEL:
            continue  # Django's and third-party apps
        wrong = {parent for parent in graph.node_map[key].parents if parent[0] in LEVEL and parent[0] != app}
        wrong = {parent for parent in wrong if LEVEL[parent[0]] >= LEVEL[app]}
        if wrong:
            upward[key] = wrong
    return upward


def test_no_migration_depends_on_an_app_above_or_beside_it():
    assert upward_dependencies() == HISTORIC


def test_records_migrations_depend_downwards_only():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    records = [key for key in graph.nodes if key[0] == "records"]
    assert records
    for key in records:
        for parent in graph.node_map[key].parents:
            assert parent[0] == "records" or parent[0] not in LEVEL or LEVEL[parent[0]] < LEVEL["records"], parent
