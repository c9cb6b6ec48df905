"""`make test` smoke of the benchmark at scale XS (seconds, not minutes).

The full benchmark (`make bench`, SCALE=M) stays out of CI; this checks that it runs end to end and that
missing product code is reported as "saknas" rather than given a number. The generator's own smoke tests are
in devdata/tests/test_generate_data.py.
"""

import json

import pytest
from django.db import connection
from django.test import Client

from bench.harness import MISSING, Operation, broken_message, measure, render_table, write_json
from bench.operations import OPERATIONS, _get, _url, build_context
from core.models import User
from devdata.datagen import BENCH_HANDLER, generate

pytestmark = pytest.mark.django_db

# Operations whose code exists on main: they must measure, never be "saknas".
MUST_MEASURE = {
    "case_list",
    "case_page",
    "pnr_lookup",
    "name_search",
    "follow_up",
    "follow_up_year",
    "follow_up_national",
}


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
    # Mina ärenden is compared with its own statements (list, counts, to-do list) replayed as raw SQL
    assert by_key["case_list"].ratio > 0 and "sidans egna" in by_key["case_list"].note
    # the follow-up figures likewise with the report's own aggregates, for a half-year, a year and the country
    assert by_key["follow_up"].ratio > 0 and "rapportens egna" in by_key["follow_up"].note
    assert by_key["follow_up_year"].ratio > 0 and by_key["follow_up_national"].ratio > 0
    assert by_key["follow_up"].target == "app÷SQL ≤ 1.5"
    # every operation with a p95 target shows how far it is from it
    assert by_key["case_list"].extra["p95_of_target"] == by_key["case_list"].p95_ms / 60
    assert broken_message(results) == ""

    # and the table and the JSON file carry the same results
    table = render_table(results, title=f"smoke {connection.vendor}")
    for result in results:
        assert result.label in table
    path = tmp_path / "bench.json"
    write_json(path, results=results, meta={"scale": "XS"})
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [row["key"] for row in saved["results"]] == [operation.key for operation in OPERATIONS]
    assert saved["meta"]["scale"] == "XS"


def test_an_operation_that_exists_on_main_and_breaks_fails_the_benchmark_loudly():
    # given an operation on main whose page has gone (its URL name no longer exists), and one whose page errors
    generate("XS")
    context = build_context()
    gone = Operation("gone", "Borttagen sida", lambda ctx: _prepared_for(_url("no_such_page")), target_p95_ms=50)
    erroring = Operation("erroring", "Trasig sida", lambda ctx: _prepared_for("/finns-inte/"), target_p95_ms=50)
    later = Operation("later", "Kommer sedan", lambda ctx: _prepared_for(_url("no_such_page")), on_main=False)
    setup_breaks = Operation("setup_breaks", "Trasig förberedelse", lambda ctx: _get(Client(), "/finns-inte/"))

    # when they are measured
    operations = (gone, erroring, later, setup_breaks)
    results = [measure(operation, context, reps=2, warmup=0) for operation in operations]

    # then the three on main are failures ("FEL", not "saknas"), the one not yet written is still "saknas"
    assert [r.status for r in results] == ["fel", "fel", MISSING, "fel"]
    assert "no_such_page" in results[0].note and "GET /finns-inte/ gav" in results[1].note
    # and the table ends with a loud line naming them, which `make bench` prints before exiting non-zero
    loud = broken_message(results)
    assert loud.startswith("BENCH MISSLYCKADES: 3 operation(er)") and "BENCH FAILED" in loud
    assert "gone" in loud and "erroring" in loud and "later" not in loud
    assert render_table(results, title="smoke").endswith(loud)


def _prepared_for(url: str):
    from bench.harness import Prepared

    client = Client()
    return Prepared(app=lambda i: _get(client, url))
