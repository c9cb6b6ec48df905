"""The statistics summary with several connections at once (PostgreSQL; real threads, nothing mocked).

- A mark written while a refresh runs survives it: the refresh deletes only the marks it read. The test holds
  the summary table locked, so a refresh in another thread reads its marks and then waits; a case is written
  meanwhile (its trigger writes a new mark); the lock is released and the refresh finishes.
- The rebuild after a bulk load, its years shared among two connections, gives the same rows as the
  one-transaction rebuild.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from devdata.datagen import generate
from reporting import statistics_summary
from reporting.models import StatisticsDirty, StatisticsSummary
from tests.factories import CaseFactory, MunicipalityFactory, ProviderFactory, UnitFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires("postgresql"),  # two connections at once,
]


def _waiting_for_the_summary() -> int:
    """Connections queued for the summary table's lock held by this one (pg_locks: no per-transaction snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass "
            "AND pg_backend_pid() = ANY(pg_blocking_pids(pid))",  # pg_locks is cluster-wide: waits for this one
            [StatisticsSummary._meta.db_table],
        )
        return cursor.fetchone()[0]


def _case_in_municipality(code: str):
    municipality = MunicipalityFactory(code=code, name=f"Kommun {code}")
    return CaseFactory(handler=UserFactory(unit=UnitFactory(provider=ProviderFactory(municipality=municipality))))


def test_a_mark_written_during_a_refresh_is_kept_for_the_next():
    # given one marked municipality and a clean state otherwise
    statistics_summary.refresh_all()
    first = _case_in_municipality("0580")
    read_by_refresh = set(StatisticsDirty.objects.values_list("pk", flat=True))
    assert set(StatisticsDirty.objects.values_list("municipality_id", flat=True)) == {
        first.unit.provider.municipality_id
    }

    outcome = {}

    def refresh():
        try:
            outcome["result"] = statistics_summary.refresh_dirty()
        except BaseException as error:  # reported to the test below
            outcome["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {StatisticsSummary._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        # when a refresh has read the marks and waits for the summary table
        worker = threading.Thread(target=refresh)
        worker.start()
        deadline = time.monotonic() + 30
        while _waiting_for_the_summary() == 0:
            assert time.monotonic() < deadline, "the refresh never reached the summary table"
            time.sleep(0.05)
        # and a case in another municipality is written meanwhile
        second = _case_in_municipality("0581")
    worker.join(timeout=60)

    # then the refresh took only the marks it had read, and the new one waits for the next refresh
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].marks == len(read_by_refresh)
    left = StatisticsDirty.objects.all()
    assert not set(left.values_list("pk", flat=True)) & read_by_refresh
    assert set(left.values_list("municipality_id", flat=True)) == {second.unit.provider.municipality_id}
    pending = left.count()
    assert statistics_summary.refresh_dirty().marks == pending and not StatisticsDirty.objects.exists()


def _summary() -> list[tuple]:
    rows = StatisticsSummary.objects.order_by("scope_kind", "scope_id", "year", "dimension", "value")
    return list(rows.values_list("scope_kind", "scope_id", "year", "dimension", "value", "data"))


def test_the_rebuild_after_a_load_equals_the_one_transaction_rebuild():
    generate("XS")
    statistics_summary.refresh_all()
    expected = _summary()
    assert len({row[2] for row in expected}) >= 3  # several years, so both connections get some

    result = statistics_summary.rebuild_after_load(workers=2)

    assert _summary() == expected
    assert result.full and result.national_years == sorted({row[2] for row in expected})
    assert not StatisticsDirty.objects.exists()  # the 'all' mark written first is gone
