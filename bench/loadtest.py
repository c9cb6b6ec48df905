"""`python -m bench.loadtest [--scale M]` (`make loadtest`): 20 concurrent users for 60 s against
gunicorn on loopback, run by locust in a second process; prints throughput, p95 and errors.

Target at M: p95 ≤ 300 ms and no errors. gunicorn and locust are started here and always
stopped again, also when the run fails.
"""

import argparse
import csv
import importlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.__main__ import BASE_DIR, _ensure_database

TARGET_P95_MS = 300


def _prepare_inputs(path: Path) -> None:
    from django.conf import settings

    from cases.models import Case, Person
    from core.models import User
    from devdata.datagen import BENCH_HANDLER, BENCH_PASSWORD, LOADTEST_USERS

    users = []
    for n in range(1, LOADTEST_USERS + 1):
        user = User.objects.get(username=f"bench.ss{n:02d}")
        cases = Case.objects.filter(handler=user, closed_on__isnull=True).order_by("number")
        users.append(
            {
                "username": user.username,
                "session": _session_for(user),
                "cases": [str(pk) for pk in cases.values_list("id", flat=True)[:50]],
            }
        )
    handler = User.objects.get(username=BENCH_HANDLER)
    if handler.unit_id is None:
        raise SystemExit(f"{BENCH_HANDLER} saknar enhet: kör `manage.py generate_data --scale S` igen.")
    fallback = Case.objects.filter(unit_id=handler.unit_id, closed_on__isnull=True).order_by("number")
    people = Person.objects.filter(unit_id=handler.unit_id, protection="").order_by("id_number")[:200]
    queries = []
    for i, person in enumerate(people):
        queries.append([person.last_name, f"{person.first_name} {person.last_name}", person.id_number][i % 3])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "password": BENCH_PASSWORD,
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "users": users,
                "fallback_cases": [str(pk) for pk in fallback.values_list("id", flat=True)[:200]],
                "queries": queries,
            }
        ),
        encoding="utf-8",
    )


def _session_for(user) -> str:
    """A logged-in session, as the login view would create it: the mix measures work, not PBKDF2 logins."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
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
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--scale", default=os.environ.get("SCALE", "M"), choices=["XS", "S", "M", "L"])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn-arbetare")
    parser.add_argument("--no-generate", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import bench.settings  # noqa: F401  (environment defaults)

    _ensure_database(os.environ.get("DATABASE_URL", ""))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not args.no_generate:
        call_command("generate_data", scale=args.scale, if_needed=True, verbosity=1)

    out_dir = BASE_DIR / "artifacts" / "loadtest"
    inputs = out_dir / "inputs.json"
    _prepare_inputs(inputs)
    from django.db import connections

    connections.close_all()

    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "LOADTEST_INPUTS": str(inputs), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = locust = None
    out_dir.mkdir(parents=True, exist_ok=True)
    server_log = open(out_dir / "gunicorn.log", "w", encoding="utf-8")  # noqa: SIM115
    try:
        server = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        _wait_for(f"http://127.0.0.1:{args.port}/logga-in/", 60)
        prefix = out_dir / f"locust-{args.scale}"
        locust = subprocess.Popen(
            [
                str(bin_dir / "locust"),
                "-f",
                str(BASE_DIR / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env=env,
        )
        locust.wait(timeout=args.seconds + 120)
    finally:
        _stop(locust)
        _stop(server)
        server_log.close()

    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))  # noqa: SIM115
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    p95 = float(total["95%"])
    throughput = float(total["Requests/s"])
    met = p95 <= TARGET_P95_MS and failures == 0
    print(
        f"\nmake loadtest  skala {args.scale}  {args.users} samtidiga användare  {args.seconds} s  "
        f"gunicorn {args.workers} arbetare"
    )
    print(f"{'Anrop':<28}{'antal':>8}{'fel':>6}{'p50 ms':>9}{'p95 ms':>9}{'anrop/s':>10}")
    for row in rows:
        print(
            f"{row['Name'][:27]:<28}{int(row['Request Count']):>8}{int(row['Failure Count']):>6}"
            f"{float(row['50%']):>9.0f}{float(row['95%']):>9.0f}{float(row['Requests/s']):>10.1f}"
        )
    print(f"Mål: p95 ≤ {TARGET_P95_MS} ms och 0 fel — {'uppfyllt' if met else 'EJ uppfyllt'}")
    result = {
        "scale": args.scale,
        "users": args.users,
        "seconds": args.seconds,
        "requests": requests,
        "failures": failures,
        "throughput_per_s": throughput,
        "p95_ms": p95,
        "target_p95_ms": TARGET_P95_MS,
        "met": met,
        "by_name": rows,
    }
    (out_dir / f"loadtest-{args.scale}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
