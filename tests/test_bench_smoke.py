"""`make test` smoke of issue 8's generator and benchmark at scale XS (seconds, not minutes).

The full benchmark (`make bench`, SCALE=M) stays out of CI; this checks that it runs end to end,
that the generator is deterministic and consistent, and that missing product code is reported as
"saknas" rather than given a number.
"""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from bench.harness import MISSING, measure, render_table, write_json
from bench.operations import OPERATIONS, build_context
from cases.identity import parse_id_number
from cases.models import Case, CaseNumberSequence, JournalEntry, Person
from cases.tests.test_search_names import derived as search_index_derived
from cases.tests.test_search_names import indexed as search_index_rows
from consent.models import Consent
from core.models import AccessLog, User
from devdata.datagen import BENCH_HANDLER, SCALES, generate, reset_database
from interventions.models import Plan, VictimSupport

pytestmark = pytest.mark.django_db

# Operations whose code exists on main: they must measure, never be "saknas".
MUST_MEASURE = {"case_list", "case_page", "pnr_lookup", "name_search", "follow_up"}


def _fingerprint() -> dict:
    return {
        "people": list(Person.objects.order_by("id_number").values_list("id_number", "first_name", "last_name")),
        "cases": list(Case.objects.order_by("number").values_list("number", "opened_on", "closed_on", "unit_id")),
        "entries": JournalEntry.objects.count(),
        "log": AccessLog.objects.count(),
        "consents": Consent.objects.count(),
        "victim_support": VictimSupport.objects.count(),
        "plans": list(Plan.objects.order_by("id").values_list("id", "case__number")),
    }


def test_generator_is_deterministic_and_consistent():
    # given the XS scale generated twice into an emptied database
    generate("XS")
    first = _fingerprint()
    assert search_index_rows() == search_index_derived()  # built after the load, which runs without triggers
    reset_database()
    generate("XS")
    second = _fingerprint()

    # then the rows are the same and near the scale's sizes
    assert first == second
    scale = SCALES["XS"]
    assert len(first["people"]) == scale.people
    assert 0.9 * scale.cases <= len(first["cases"]) <= 1.15 * scale.cases
    assert 0.9 * scale.entries <= first["entries"] <= 1.2 * scale.entries
    assert 0.9 * scale.access_log <= first["log"] <= 1.2 * scale.access_log
    # every number is a valid, normalised identity number; ≈1 % skyddad identitet exists
    for number, _first, _last in first["people"]:
        if number.isdigit():
            assert parse_id_number(number).number == number
    assert Person.objects.exclude(protection="").exists()
    # insats details in proportion: stöd till brottsutsatta has its crime, SIG and avhopp cases have a plan
    assert first["victim_support"] == Case.objects.filter(insats_type__code="stod_brottsutsatta").count()
    assert len(first["plans"]) == Case.objects.filter(insats_type__code__in=["sig", "avhopp"]).count() > 0
    # cases respect the catalogue's age range and closure rules
    for case in Case.objects.select_related("person", "insats_type"):
        age = case.person.age_on(case.opened_on)
        assert case.insats_type.min_age <= age <= case.insats_type.max_age
        assert (case.closed_on is None) == (case.closure_reason == "")
    # the case number sequence continues after the generated numbers
    latest = Case.objects.filter(number__startswith="2026-").count()
    assert CaseNumberSequence.objects.get(year=2026).last_number == latest


def test_generate_data_command_refuses_to_overwrite_without_reset(capsys):
    call_command("generate_data", scale="XS")
    with pytest.raises(Exception, match="--reset"):
        call_command("generate_data", scale="XS")
    call_command("generate_data", scale="XS", reset=True)
    assert Person.objects.count() == SCALES["XS"].people


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
