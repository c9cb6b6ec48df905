"""`python -m bench.loadtest [--scale M]` (`make loadtest`): the saturation throughput and the think-time run.

Against gunicorn on loopback, started with the project's gunicorn.conf.py as production runs it (sync workers,
WEB_CONCURRENCY processes, 3 by default; --workers/--threads override), locust drives a day's work of every role
(bench/locustfile.py): socialsekreterare, fältarbetare, samordnare, enhetschef and a statistics API client.

1. Saturation: steps of increasing numbers of users who click every 0.5–1.5 s (--steps), each measured for
   --step-seconds after --warmup seconds. A step passes when every request type kept p95 ≤ 300 ms and no request
   failed; the saturation throughput is the highest request rate of a passing step (target ≥ 40 requests/s).
   The steps stop after --stop-after failing steps in a row.
2. Think time: --think-users users clicking every 10–30 s for --think-seconds after a ramp-up; p95 ≤ 300 ms and
   no errors for every type.

Per request type: p50/p95, errors, and the server's CPU and SQL time per request from the Server-Timing header of
bench/middleware.py. Per step, from /proc: the CPU of gunicorn (all its processes), of the PostgreSQL backends
serving this database, of locust itself and of everything else on the machine, so the reader sees what dominates
and how much of the machine the load generator took. Results: artifacts/loadtest/loadtest-<scale>-<time>.json.

gunicorn and locust are started here and always stopped again, also when the run fails. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bench.__main__ import BASE_DIR, _ensure_database
from bench.cpu import CpuSampler

TARGET_P95_MS = 300
TARGET_RATE = 40  # requests/s at the saturation point (issue 23.4, at L on 2 cores)
DEFAULT_STEPS = "10,20,30,40,50,60,80"
CLICK_WAIT = (0.5, 1.5)  # seconds between a user's clicks in the saturation steps
THINK_WAIT = (10.0, 30.0)  # and in the think-time run
ROLES = ("socialsekreterare", "faltarbetare", "samordnare", "enhetschef", "statistik")


# -- one run of locust ------------------------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (the value below which `share` of the samples fall)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Run:
    label: str
    users: int
    wait: tuple[float, float]
    warmup: float
    seconds: float


def run_locust(run: Run, *, host: str, env: dict, out_dir: Path, sampler: CpuSampler, options: dict) -> dict:
    """One locust process for one step; returns the step's figures per request type and its CPU breakdown."""
    bin_dir = Path(sys.executable).parent
    samples_path = out_dir / f"samples-{run.label}.json"
    samples_path.unlink(missing_ok=True)
    spawn_rate = max(1.0, run.users / 2)  # all started within 2 s; each then arrives within one wait (locustfile)
    step_env = env | {
        "LOADTEST_STEP_USERS": str(run.users),
        "LOADTEST_WAIT": f"{run.wait[0]},{run.wait[1]}",
        "LOADTEST_WARMUP": str(run.warmup),
        "LOADTEST_MEASURE": str(run.seconds),
        "LOADTEST_SAMPLES": str(samples_path),
        **options,
    }
    with open(out_dir / f"locust-{run.label}.log", "w", encoding="utf-8") as log:
        locust = subprocess.Popen(
            [
                str(bin_dir / "locust"),
                "-f",
                str(BASE_DIR / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(run.users),
                "--spawn-rate",
                f"{spawn_rate:.2f}",
                "--run-time",
                f"{math.ceil(run.warmup + run.seconds) + 60}s",  # a backstop: the locustfile ends the run
                "--stop-timeout",
                "35",  # a request still running at the end completes (or times out at 30 s) and is counted
                "--host",
                host,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env=step_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        sampler.locust_pid = locust.pid
        try:
            locust.wait(timeout=run.warmup + run.seconds + 120)
        finally:
            _stop(locust)
    if not samples_path.exists():
        raise SystemExit(f"locust skrev inga mätvärden för {run.label}: se {out_dir / f'locust-{run.label}.log'}")
    recorded = json.loads(samples_path.read_text(encoding="utf-8"))
    sampler.wait_past(recorded["window_end"])  # one sample after the window, for the interpolation
    return summarise(run, recorded, sampler, locust_series=f"locust-{locust.pid}")


def summarise(run: Run, recorded: dict, sampler: CpuSampler | None, *, locust_series: str = "") -> dict:
    """Per request type in the measuring window: count, errors (the whole run, warm-up too), p50/p95, rate and the
    server's CPU, SQL time and statements per request; the CPU of each process group over the window."""
    start, end = recorded["window_start"], recorded["window_end"]
    seconds = max(end - start, 1e-9)
    by_name: dict[str, list[list]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    checked: dict[str, int] = defaultdict(int)
    for name, began, ms, ok, error, cpu_ms, db_ms, sql, app_ms in recorded["samples"]:
        checked[name] += 1
        if not ok:
            errors[name].append(error)
        if start <= began < end:
            by_name[name].append([ms, cpu_ms, db_ms, sql, app_ms])
    types = []
    for key, name, role in recorded["types"]:
        rows = by_name.get(name, [])
        times = [row[0] for row in rows]
        cpu_values = [row[1] for row in rows if row[1] is not None]
        db_values = [row[2] for row in rows if row[2] is not None]
        sql_values = [row[3] for row in rows if row[3] is not None]
        # outside Django: waiting in gunicorn's backlog for a free worker, HTTP on loopback
        outside = [row[0] - row[4] for row in rows if row[4] is not None]
        types.append(
            {
                "key": key,
                "name": name,
                "role": role,
                "count": len(rows),
                "checked": checked.get(name, 0),  # answers checked in the whole run, warm-up included
                "errors": len(errors.get(name, [])),
                "error_examples": sorted(set(errors.get(name, [])))[:3],
                "rate_per_s": len(rows) / seconds,
                "p50_ms": _percentile(times, 0.5) if times else None,
                "p95_ms": _percentile(times, 0.95) if times else None,
                "max_ms": max(times) if times else None,
                "cpu_ms_mean": statistics.fmean(cpu_values) if cpu_values else None,
                "cpu_ms_p50": statistics.median(cpu_values) if cpu_values else None,
                "cpu_ms_total": sum(cpu_values),
                "db_ms_mean": statistics.fmean(db_values) if db_values else None,
                "sql_mean": statistics.fmean(sql_values) if sql_values else None,
                "outside_django_ms_p50": statistics.median(outside) if outside else None,
            }
        )
    requests = sum(t["count"] for t in types)
    failed = [t["name"] for t in types if t["errors"]]
    slow = [t["name"] for t in types if t["p95_ms"] is not None and t["p95_ms"] > TARGET_P95_MS]
    absent = [t["name"] for t in types if t["count"] == 0]
    reasons = []
    if failed:
        reasons.append("fel i " + ", ".join(failed))
    if slow:
        reasons.append(f"p95 > {TARGET_P95_MS} ms i " + ", ".join(slow))
    if absent:
        reasons.append("inga anrop av " + ", ".join(absent))
    # Django's CPU of the requests that started in the window (the table's); while requests queue, the window's edges
    # hold a few seconds' requests that the processes' CPU from /proc counts on the other side
    django_cpu = sum(t["cpu_ms_total"] for t in types) / 1000
    cpu: dict[str, Any] = {"window_s": seconds, "cores": os.cpu_count() or 1, "django_s": django_cpu}
    if sampler is not None:
        cpu["gunicorn_s"] = sampler.used("gunicorn", start, end)
        cpu["postgres_s"] = sampler.postgres_used(start, end)
        cpu["locust_s"] = sampler.used(locust_series, start, end)
        cpu["machine_s"] = sampler.used("machine", start, end)
        known = [cpu[k] for k in ("gunicorn_s", "postgres_s", "locust_s")]
        cpu["other_s"] = (
            cpu["machine_s"] - sum(v for v in known if v is not None) if cpu["machine_s"] is not None else None
        )
    return {
        "label": run.label,
        "users": run.users,
        "wait_s": list(run.wait),
        "warmup_s": run.warmup,
        "seconds": seconds,
        "roles": recorded.get("roles", {}),
        "requests": requests,
        "rate_per_s": requests / seconds,
        "errors": sum(t["errors"] for t in types),
        "passed": not reasons,
        "reasons": reasons,
        "types": types,
        "cpu": cpu,
    }


# -- printing -------------------------------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def cpu_line(step: dict) -> str:
    cpu, requests = step["cpu"], max(step["requests"], 1)
    capacity = cpu["window_s"] * cpu["cores"]

    def part(label: str, key: str) -> str:
        value = cpu.get(key)
        if value is None:
            return f"{label} okänt"
        return f"{label} {value:.1f} s ({100 * value / capacity:.0f} %, {1000 * value / requests:.1f} ms/anrop)"

    return f"CPU under mätningen ({cpu['cores']} kärnor × {cpu['window_s']:.0f} s = {capacity:.0f} s): " + "; ".join(
        [
            part("gunicorn", "gunicorn_s") + f", varav i Django {cpu['django_s']:.1f} s",
            part("PostgreSQL", "postgres_s"),
            part("locust", "locust_s"),
            part("övrigt på maskinen", "other_s"),
        ]
    )


def render_step(step: dict, title: str) -> str:
    verdict = "godkänt" if step["passed"] else "EJ godkänt: " + "; ".join(step["reasons"])
    roles = ", ".join(f"{role} {count}" for role, count in step["roles"].items())
    lines = [
        "",
        f"{title}: {step['users']} användare ({roles}; klick var {step['wait_s'][0]:g}–{step['wait_s'][1]:g} s), "
        f"{step['seconds']:.0f} s mätt efter {step['warmup_s']:g} s uppvärmning — {step['rate_per_s']:.1f} anrop/s, "
        f"{step['errors']} fel — {verdict}",
        f"{'Anrop':<34}{'antal':>7}{'fel':>5}{'p50 ms':>8}{'p95 ms':>8}{'anrop/s':>9}"
        f"{'CPU ms':>8}{'p50':>7}{'SQL ms':>8}{'satser':>7}{'kö ms':>7}",
    ]
    for t in step["types"]:
        lines.append(
            f"{t['name'][:33]:<34}{t['count']:>7}{t['errors']:>5}{_num(t['p50_ms']):>8}{_num(t['p95_ms']):>8}"
            f"{t['rate_per_s']:>9.2f}{_num(t['cpu_ms_mean'], 1):>8}{_num(t['cpu_ms_p50'], 1):>7}"
            f"{_num(t['db_ms_mean'], 1):>8}{_num(t['sql_mean'], 1):>7}{_num(t['outside_django_ms_p50']):>7}"
        )
        for example in t["error_examples"]:
            lines.append(f"    fel: {example}")
    lines.append(cpu_line(step))
    return "\n".join(lines)


def dominating(step: dict) -> str:
    """What the server's CPU went to in a step: the request types by their share of Django's CPU, and the process
    groups by their share of the machine."""
    total = sum(t["cpu_ms_total"] for t in step["types"]) or 1.0
    ranked = sorted(step["types"], key=lambda t: t["cpu_ms_total"], reverse=True)
    top = ", ".join(f"{t['name']} {100 * t['cpu_ms_total'] / total:.0f} %" for t in ranked[:4] if t["cpu_ms_total"])
    cpu = step["cpu"]
    groups = {"gunicorn": cpu.get("gunicorn_s"), "PostgreSQL": cpu.get("postgres_s"), "locust": cpu.get("locust_s")}
    measured = {name: value for name, value in groups.items() if value is not None}
    used = sum(measured.values()) or 1.0
    shares = ", ".join(f"{name} {100 * value / used:.0f} %" for name, value in measured.items())
    return f"Djangos CPU-tid per anropstyp: {top}. Av den uppmätta CPU-tiden: {shares}."


# -- the run --------------------------------------------------------------------------------------------------------


def _wait_for(url: str, seconds: float, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn avslutades under starten: se gunicorn.log i resultatkatalogen")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn svarade inte på {url}")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _user_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < len(ROLES):
        raise argparse.ArgumentTypeError(f"ange antal användare per steg, minst {len(ROLES)} (en per roll)")
    return counts


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--scale", default=os.environ.get("SCALE", "M"), choices=["XS", "S", "M", "L"])
    parser.add_argument("--steps", type=_user_counts, default=DEFAULT_STEPS, help="användare per steg")
    parser.add_argument("--step-seconds", type=float, default=45, help="mätt tid per steg")
    parser.add_argument("--warmup", type=float, default=10, help="uppvärmning före varje stegs mätning")
    parser.add_argument("--stop-after", type=int, default=2, help="sluta efter så många underkända steg i rad")
    parser.add_argument("--think-users", type=int, default=100, help="användare i körningen med betänketid")
    parser.add_argument("--think-seconds", type=float, default=120)
    parser.add_argument("--think-ramp", type=float, default=30, help="upprampning (uppvärmning) före mätningen")
    parser.add_argument("--only", choices=["saturation", "think"], help="bara stegen eller bara betänketiden")
    parser.add_argument("--skip", default="", help="anropstyper att utelämna (nycklar, kommaseparerade)")
    parser.add_argument(
        "--tour", action="store_true", help="varje användare börjar med varje anropstyp i sin roll en gång (röktest)"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", "1")))
    parser.add_argument("--no-generate", action="store_true")
    parser.add_argument("--out-dir", default=str(BASE_DIR / "artifacts" / "loadtest"), help="katalog för resultaten")
    args = parser.parse_args(argv)
    if isinstance(args.steps, str):  # the default is parsed as given
        args.steps = _user_counts(args.steps)
    return args


def _start_server(args: argparse.Namespace, env: dict, log: IO[str]) -> subprocess.Popen:
    """gunicorn with production's settings (gunicorn.conf.py), without the control socket: the run does not use it
    and every gunicorn of the machine would otherwise open it at the same path."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "--config", "gunicorn.conf.py"]
    return subprocess.Popen(
        [*command, "--no-control-socket"], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def _summary(args: argparse.Namespace, results: list[dict], think_result: dict | None) -> dict:
    """The saturation figure (the fastest passing step), the think-time verdict and what dominated; printed too."""
    passing = [step for step in results if step["passed"]]
    best = max(passing, key=lambda step: step["rate_per_s"]) if passing else None
    summary: dict[str, Any] = {
        "saturation_rate_per_s": best["rate_per_s"] if best else (0.0 if results else None),
        "saturation_step": best["label"] if best else None,
        "saturation_met": bool(best and best["rate_per_s"] >= TARGET_RATE),
        "think_time_met": think_result["passed"] if think_result else None,
    }
    print("\nSammanfattning")
    if results:
        figure = (
            f"{best['rate_per_s']:.1f} anrop/s ({best['users']} användare)"
            if best
            else f"inget steg klarade p95 ≤ {TARGET_P95_MS} ms och 0 fel"
        )
        verdict = "uppfyllt" if summary["saturation_met"] else "EJ uppfyllt"
        print(f"Mättnadsgenomströmning: {figure} — mål ≥ {TARGET_RATE} anrop/s: {verdict}")
    if think_result is not None:
        verdict = "uppfyllt" if think_result["passed"] else "EJ uppfyllt: " + "; ".join(think_result["reasons"])
        print(
            f"Betänketid {THINK_WAIT[0]:g}–{THINK_WAIT[1]:g} s, {think_result['users']} användare: "
            f"{think_result['rate_per_s']:.1f} anrop/s, p95 ≤ {TARGET_P95_MS} ms och 0 fel för alla anropstyper: "
            f"{verdict}"
        )
    heaviest = best or (results[-1] if results else think_result)
    if heaviest is not None:
        summary["dominating"] = dominating(heaviest)
        print(f"Vad dominerar ({heaviest['label']}): {summary['dominating']}")
    return summary


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    saturation, think = args.only != "think", args.only != "saturation"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import bench.settings  # noqa: F401  (environment defaults)

    database_url = os.environ.get("DATABASE_URL", "")
    _ensure_database(database_url)
    import django

    django.setup()
    # the models can be imported only once Django is set up, which this command does itself
    from django.core.management import call_command
    from django.db import connections

    from bench.loadtest_inputs import prepare_inputs

    call_command("migrate", verbosity=0, interactive=False)
    if not args.no_generate:
        call_command("generate_data", scale=args.scale, if_needed=True, verbosity=1)

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    inputs = out_dir / "inputs.json"
    env = {
        **os.environ,
        "LOADTEST_INPUTS": str(inputs),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
    }
    host = f"http://127.0.0.1:{args.port}"
    options = {"LOADTEST_SKIP": args.skip, "LOADTEST_TOUR": "1" if args.tour else ""}
    started = datetime.datetime.now(datetime.UTC)
    results: list[dict] = []
    think_result: dict | None = None
    sampler = None
    worker_class = "sync" if args.threads == 1 else "gthread"
    print(
        f"\nmake loadtest  skala {args.scale}  gunicorn.conf.py: {args.workers} arbetare × {args.threads} tråd(ar) "
        f"({worker_class})  {os.cpu_count()} kärnor  steg {','.join(map(str, args.steps)) if saturation else '–'}",
        flush=True,
    )
    with open(out_dir / "gunicorn.log", "w", encoding="utf-8") as server_log:
        # the workers load the application while the inputs are prepared
        server = _start_server(args, env, server_log)
        try:
            sessions = max([*(args.steps if saturation else []), args.think_users if think else 0])
            prepare_inputs(inputs, sessions=sessions)
            connections.close_all()
            _wait_for(f"{host}/logga-in/", 120, server)
            sampler = CpuSampler(database_url=database_url, gunicorn_pid=server.pid)
            sampler.start()
            failures_in_row = 0
            for n, users in enumerate(args.steps if saturation else [], start=1):
                run = Run(f"steg{n}-{users}", users, CLICK_WAIT, args.warmup, args.step_seconds)
                step = run_locust(run, host=host, env=env, out_dir=out_dir, sampler=sampler, options=options)
                results.append(step)
                print(render_step(step, f"Steg {n}"), flush=True)
                failures_in_row = 0 if step["passed"] else failures_in_row + 1
                if args.stop_after and failures_in_row >= args.stop_after and n < len(args.steps):
                    print(f"(stegen slutar efter {failures_in_row} underkända i rad)", flush=True)
                    break
            if think:
                users = args.think_users
                run = Run(f"betanketid-{users}", users, THINK_WAIT, args.think_ramp, args.think_seconds)
                think_result = run_locust(run, host=host, env=env, out_dir=out_dir, sampler=sampler, options=options)
                print(render_step(think_result, "Betänketid"), flush=True)
        finally:
            if sampler is not None:
                sampler.stop()
            _stop(server)

    result = {
        "scale": args.scale,
        "started": started.isoformat(),
        "server": {"config": "gunicorn.conf.py", "workers": args.workers, "threads": args.threads},
        "target_p95_ms": TARGET_P95_MS,
        "target_rate_per_s": TARGET_RATE,
        "summary": _summary(args, results, think_result),
        "steps": results,
        "think_time": think_result,
    }
    path = out_dir / f"loadtest-{args.scale}-{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Resultat: {path}")
    # Errors at the lightest load (the first step, the think-time run) mean a page is broken, not overloaded.
    broken = (results and results[0]["errors"]) or (think_result and think_result["errors"])
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
