"""Shared fixtures, loaded for every test by the root conftest.py: personas (STYLE.md rule 3) and the
Chromium set-up for browser tests (RECIPES.md)."""

import os

import pytest
from django.db import connections

from core.models import Role
from tests import database
from tests.environment import chromium_path, require
from tests.factories import ProviderFactory, UnitFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
CHROMIUM = chromium_path()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """On PostgreSQL the test database is a copy of the migrated template (tests/database.py), made here and
    dropped after the session; pytest-django then finds it (keepdb below) and only runs the post_migrate
    handlers."""
    if connections["default"].vendor != "postgresql":
        yield
        return
    settings_dict = connections["default"].settings_dict
    original = dict(settings_dict)
    name = database.copy_from_template(settings_dict, rebuild=request.config.getvalue("create_db"))
    yield
    connections.close_all()
    database.copy_drop(original, name)


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    # the copy is dropped by django_db_modify_db_settings above; pytest-django must not create it afresh
    return connections["default"].vendor == "postgresql" or request.config.getvalue("reuse_db")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


# A test that holds a product deadline measured beside a busy queue runs alone, after the parallel run (Makefile):
# beside another test process on two cores its deadline would measure the neighbour, not the product. The fault
# tests kill and restart servers and workers of their own (tests/faultkit.py) with deadlines far above what they
# measure, so they run in parallel, first: most of their time is waiting, which the other process fills.
SERIAL_FILES = ("tests/test_prod_queues.py",)

# The slowest files of the parallel run (--durations, longest first). They are scheduled first, so that with
# --dist worksteal (Makefile) the two workers end together on short tests instead of one idling while the other
# works through a long test it started last.
SLOW_FIRST = (
    "tests/test_fault_worker.py",
    "tests/test_fault_postgres.py",
    "tests/test_fault_redis.py",
    "records/tests/test_retention_figures.py",
    "tests/test_bench_smoke.py",
    "tests/test_loadtest_smoke.py",
    "reporting/tests/test_statistics_summary.py",
    "tests/test_no_leaks.py",
    "reporting/tests/test_statistics_connections.py",
    "devdata/tests/test_datagen_details.py",
    "interventions/tests/test_mediation.py",
    "tests/test_query_counts_scale.py",
    "tests/test_admin.py",
    "cases/tests/test_importer_usable.py",
    "tests/test_demo_server.py",
    "reporting/tests/test_browser.py",
    "tests/browser/",
    "api/tests/test_schemathesis.py",
    "reporting/tests/test_tasks.py",
    "reporting/tests/test_services.py",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(SERIAL_FILES):
            item.add_marker(pytest.mark.serial)
    items.sort(key=_slow_rank)  # stable: within a file and among the rest, collection order


def _slow_rank(item) -> int:
    return next((rank for rank, path in enumerate(SLOW_FIRST) if item.nodeid.startswith(path)), len(SLOW_FIRST))


def pytest_runtest_setup(item):
    """What a test needs from the machine (``requires`` marker; browser tests need Chromium): outside CI a
    missing piece skips with its reason, in CI it fails (tests/environment.py)."""
    needs = [need for marker in item.iter_markers("requires") for need in marker.args]
    if item.get_closest_marker("browser"):
        needs.append("chromium")
    require(*needs)


_skipped_in_ci: list[str] = []


def pytest_runtest_logreport(report):
    # A skip outside CI is a reason shown to the developer (no PostgreSQL, no chromium...); in CI it is a hole.
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        _skipped_in_ci.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped_in_ci and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _skipped_in_ci:
        terminalreporter.section("skipped in CI (not allowed)", red=True)
        for nodeid in _skipped_in_ci:
            terminalreporter.line(nodeid)


@pytest.fixture
def unit(db):
    return UnitFactory(name="Brottsförebyggande gruppen", provider=ProviderFactory())


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="Fältverksamheten", provider=ProviderFactory())


@pytest.fixture
def handler(unit):
    """socialsekreterare of `unit`: owns the cases under test."""
    return UserFactory(username="handler", first_name="Hanna", last_name="Handläggare", unit=unit)


@pytest.fixture
def colleague(unit):
    """socialsekreterare of the same unit."""
    return UserFactory(username="colleague", first_name="Kalle", last_name="Kollega", unit=unit)


@pytest.fixture
def outsider(other_unit):
    """socialsekreterare of another unit: sees none of `unit`'s cases (404)."""
    return UserFactory(username="outsider", first_name="Olle", last_name="Utomstående", unit=other_unit)


@pytest.fixture
def manager(unit):
    """enhetschef of `unit`."""
    return UserFactory(username="manager", first_name="Maria", last_name="Chef", unit=unit, role=Role.MANAGER)


@pytest.fixture
def coordinator(unit):
    return UserFactory(
        username="coordinator", first_name="Sara", last_name="Samordnare", unit=unit, role=Role.COORDINATOR
    )


@pytest.fixture
def stats_client(db):
    """statistik role: aggregated figures only, no personal data."""
    return UserFactory(username="stats", first_name="Stina", last_name="Statistik", unit=None, role=Role.STATISTICS)
