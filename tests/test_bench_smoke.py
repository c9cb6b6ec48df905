"""`make test` smoke of the benchmark at scale XS (seconds, not minutes).

The full benchmark (`make bench`, SCALE=M) stays out of CI; this checks that it runs end to end and that
missing product code is reported as "saknas" rather than given a number. The generator's own smoke tests are
in devdata/tests/test_generate_data.py.
"""

import json

import pytest
from django.db import connection

from bench.harness import MISSING, measure, render_table, write_json
from bench.operations import OPERATIONS, build_context
from core.models import User
from devdata.datagen import BENCH_HANDLER, generate

pytestmark = pytest.mark.django_db

# Operations whose code exists on main: they must measure, never be "saknas".
MUST_MEASURE = {"case_list", "case_page", "pnr_lookup", "name_search", "follow_up"}


def test_benchmark_runs_every_operation_or_reports_it_missing(tmp_path):
    # given XS data and the bench personas
    generate("XS")
    assert User.objects.filter(username=BENCH_HANDLER).exists()
    context = build_context()
    context.import_rows = 40

    # when every operation runs a few repetitions
    results = [measure(operation, context, reps=3, warmup=1) for operation in OPERATIONS]

    # then none fails; what exists is measured with a query count, the rest says "saknas" with a reason
    by_key = {result.key: result for result in results}
    assert [r.note for r in results if r.status == "fel"] == []
    for key in MUST_MEASURE:
        assert by_key[key].status == "ok", by_key[key].note
    for result in results:
        if result.status == "ok":
            assert result.p95_ms >= result.p50_ms > 0
            assert result.queries is None or result.queries > 0
        else:
            assert result.status == MISSING and result.note and result.p50_ms is None
    assert by_key["name_search"].sql_p50_ms is not None and by_key["name_search"].ratio > 0

    # and the table and the JSON file carry the same results
    table = render_table(results, title=f"smoke {connection.vendor}")
    for result in results:
        assert result.label in table
    path = tmp_path / "bench.json"
    write_json(path, results=results, meta={"scale": "XS"})
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [row["key"] for row in saved["results"]] == [operation.key for operation in OPERATIONS]
    assert saved["meta"]["scale"] == "XS"
