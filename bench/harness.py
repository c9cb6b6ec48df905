"""Timing machinery for `make bench`: warm-up, repetitions, percentiles, query counts, the table, the JSON.

An operation is measured through the real stack (the Django test client: URL routing, middleware,
session, the request's transaction and the access-log write). For database-bound operations the same
aggregate is also timed as raw SQL on one cursor, and the table shows app ÷ SQL (medians) and p95 ÷ target.
An operation whose code does not exist yet (on_main=False) is reported as "saknas" (missing) with the
reason; it is never given a number. An operation that exists on main and breaks (its URL or module gone,
an error, a wrong status code) is "FEL", and `make bench` exits non-zero naming it: a silent "saknas" would
hide a regression.
"""

from __future__ import annotations

import json
import math
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

MISSING = "saknas"


class Missing(Exception):  # noqa: N818  (a state of the product, not a programming error)
    """The operation's code (view, selector, module) does not exist yet: report "saknas" with the reason."""


@dataclass
class Prepared:
    """What an operation's setup returns: the app call for repetition i, and optionally the raw SQL."""

    app: Callable[[int], object]
    sql: Callable[[int], object] | None = None
    via: str = ""  # how the app is reached, e.g. "GET /arenden/<id>/"
    note: str = ""
    reps: int | None = None  # override (slow operations such as the PDF)
    warmup: int | None = None  # override
    count_queries: bool = True  # off for operations issuing thousands of statements (the import)
    extra: Callable[[], dict] | None = None  # extra measurements (peak memory, rows/s) after the timing
    finish: Callable[[Result], None] | None = None  # derive figures from the timed result (e.g. rows/s)


# What the operations' setup reads (bench.operations.Context); the harness only passes it on.
ContextT = TypeVar("ContextT")


@dataclass
class Operation(Generic[ContextT]):
    key: str
    label: str
    setup: Callable[[ContextT], Prepared]
    target_p95_ms: float | None = None
    target_ratio: float | None = None
    db_bound: bool = False
    target_note: str = ""  # for targets that are not a p95 (rows/s, memory)
    on_main: bool = True  # the product code exists: "saknas" is then a failure, not a state


@dataclass
class Result:
    key: str
    label: str
    status: str  # "ok", "saknas", "fel"
    via: str = ""
    reps: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    sql_p50_ms: float | None = None
    sql_p95_ms: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 runs is the 190th fastest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


MIN_SAMPLES_UNDER_BUDGET = 20


def _time(call: Callable[[int], object], reps: int, warmup: int, budget: float | None = None) -> list[float]:
    """Run warm-up calls, then time `reps` calls; with a budget (seconds) stop early once it is spent and at
    least MIN_SAMPLES_UNDER_BUDGET samples exist (the result records how many repetitions ran)."""
    for i in range(warmup):
        call(i)
    samples = []
    deadline = time.perf_counter() + budget if budget else None
    for i in range(reps):
        started = time.perf_counter()
        call(warmup + i)
        samples.append((time.perf_counter() - started) * 1000)
        if deadline and time.perf_counter() > deadline and len(samples) >= MIN_SAMPLES_UNDER_BUDGET:
            break
    return samples


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements_of(call: Callable[[], object]) -> list[str]:
    """The SQL one call issues, as sent (parameters bound), without transaction control (BEGIN/COMMIT/SAVEPOINT)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return [
        query["sql"] for query in captured.captured_queries if not query["sql"].upper().startswith(TRANSACTION_CONTROL)
    ]


def count_queries(call: Callable[[int], object], i: int = 0) -> int:
    """SQL statements one call issues, not counting transaction control."""
    return len(statements_of(lambda: call(i)))


def measure(
    operation: Operation[ContextT], context: ContextT, *, reps: int, warmup: int, budget: float | None = None
) -> Result:
    result = Result(key=operation.key, label=operation.label, status="ok")
    result.target = _target_text(operation)
    try:
        prepared = operation.setup(context)
    except Missing as missing:
        result.status = MISSING if not operation.on_main else "fel"
        result.note = str(missing) if not operation.on_main else f"saknas men finns på main / missing: {missing}"
        return result
    except Exception as error:  # a setup that breaks (e.g. a page answering 302 while it is captured) is a failure
        result.status = "fel"
        result.note = f"{type(error).__name__}: {str(error)[:200]}"
        return result
    result.via, result.note = prepared.via, prepared.note
    reps = min(prepared.reps, reps) if prepared.reps else reps
    warmup = min(warmup, reps) if prepared.warmup is None else prepared.warmup
    try:
        samples = _time(prepared.app, reps, warmup, budget)
        if prepared.count_queries:
            result.queries = count_queries(prepared.app, reps + warmup)
    except Exception as error:  # report and go on: one broken view must not hide the other numbers
        result.status = "fel"
        result.note = f"{type(error).__name__}: {str(error)[:200]}"
        return result
    result.reps = len(samples)
    result.p50_ms = statistics.median(samples)
    result.p95_ms = percentile(samples, 0.95)
    try:
        if prepared.sql is not None:
            sql_samples = _time(prepared.sql, reps, warmup, budget)
            result.sql_p50_ms = statistics.median(sql_samples)
            result.sql_p95_ms = percentile(sql_samples, 0.95)
            if result.sql_p50_ms > 0:
                result.ratio = result.p50_ms / result.sql_p50_ms
        if prepared.extra is not None:
            result.extra = prepared.extra()
        if prepared.finish is not None:
            prepared.finish(result)
    except Exception as error:
        result.status = "fel"
        result.note = f"{type(error).__name__}: {str(error)[:200]}"
        return result
    result.met = _met(operation, result)
    if operation.target_p95_ms:
        result.extra.setdefault("p95_of_target", result.p95_ms / operation.target_p95_ms)
    return result


def broken(results: list[Result]) -> list[Result]:
    """The operations that failed to measure (status "fel"): `make bench` must fail on any."""
    return [r for r in results if r.status == "fel"]


def broken_message(results: list[Result]) -> str:
    """The loud last line: empty when nothing broke."""
    failed = broken(results)
    if not failed:
        return ""
    names = ", ".join(f"{r.key} ({r.note})" for r in failed)
    return (
        f"BENCH MISSLYCKADES: {len(failed)} operation(er) gick sönder / "
        f"BENCH FAILED: {len(failed)} operation(s) broke: {names}"
    )


def _target_text(operation: Operation) -> str:
    parts = []
    if operation.target_p95_ms is not None:
        parts.append(f"p95 ≤ {operation.target_p95_ms:g} ms")
    if operation.target_ratio is not None:
        parts.append(f"app÷SQL ≤ {operation.target_ratio:g}")
    if operation.target_note:
        parts.append(operation.target_note)
    return ", ".join(parts)


def _met(operation: Operation, result: Result) -> bool | None:
    checks = []
    if operation.target_p95_ms is not None and result.p95_ms is not None:  # measured by now
        checks.append(result.p95_ms <= operation.target_p95_ms)
    if operation.target_ratio is not None and result.ratio is not None:
        checks.append(result.ratio <= operation.target_ratio)
    checks.extend(result.extra.get("met_checks", []))
    return all(checks) if checks else None


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}".replace(",", " ") if value < 10_000 else f"{value:,.0f}".replace(",", " ")


def render_table(results: list[Result], *, title: str) -> str:
    headings = ["Operation", "n", "p50 ms", "p95 ms", "p95÷mål", "SQL", "rå SQL p50", "app÷SQL", "Mål", "Uppfyllt"]
    rows = []
    for r in results:
        if r.status != "ok":
            verdict = MISSING if r.status == MISSING else "FEL"
            rows.append([r.label, "–", verdict, verdict, "–", "–", "–", "–", r.target or "–", verdict])
            continue
        verdict = {True: "ja", False: "NEJ", None: "–"}[r.met]
        share = r.extra.get("p95_of_target")
        rows.append(
            [
                r.label,
                str(r.reps),
                _ms(r.p50_ms),
                _ms(r.p95_ms),
                f"{share:.2f}" if share is not None else "–",
                "–" if r.queries is None else str(r.queries),
                _ms(r.sql_p50_ms),
                f"{r.ratio:.2f}" if r.ratio is not None else "–",
                r.target or "–",
                verdict,
            ]
        )
    widths = [max(len(str(row[i])) for row in [headings, *rows]) for i in range(len(headings))]
    right = {1, 2, 3, 4, 5, 6, 7}

    def line(cells):
        return "  ".join(
            str(cell).rjust(widths[i]) if i in right else str(cell).ljust(widths[i]) for i, cell in enumerate(cells)
        )

    out = [title, line(headings), line(["-" * w for w in widths])]
    out.extend(line(row) for row in rows)
    notes = [r for r in results if r.note or r.extra.get("text")]
    if notes:
        out.append("")
        for r in notes:
            text = "; ".join(part for part in [r.extra.get("text", ""), r.note] if part)
            out.append(f"* {r.label}: {text}")
    loud = broken_message(results)
    if loud:
        out.extend(["", loud])
    return "\n".join(out)


def write_json(path: Path, *, results: list[Result], meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": {**meta, "python": platform.python_version(), "machine": platform.machine()},
        "results": [
            {key: value for key, value in asdict(r).items() if key != "extra"}
            | {"extra": {k: v for k, v in r.extra.items() if k != "met_checks"}}
            | {"p95_of_target": r.extra.get("p95_of_target")}
            for r in results
        ],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
