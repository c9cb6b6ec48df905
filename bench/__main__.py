"""`python -m bench [--scale M]`: create the database if needed, migrate, generate the scale's data
unless it is already there, time every operation and print one table; results also go to JSON.

Run through `make bench` (SCALE=M by default; SCALE=L for the national headline).
"""

import argparse
import datetime
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _ensure_database(url: str) -> None:
    """CREATE DATABASE for a PostgreSQL URL whose database does not exist yet."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    base, _slash, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", default=os.environ.get("SCALE", "M"), choices=["XS", "S", "M", "L"])
    parser.add_argument("--reps", type=int, default=200, help="upprepningar per operation (minst 200 för rapport)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--budget",
        type=float,
        default=0,
        help="högst så många sekunder per operation och mätning (minst 20 upprepningar); 0 = ingen gräns",
    )
    parser.add_argument("--only", default="", help="kommaseparerade operationsnycklar")
    parser.add_argument("--out", default="", help="JSON-fil (standard: artifacts/bench/bench-<skala>-<tid>.json)")
    parser.add_argument("--no-generate", action="store_true", help="använd databasens data som den är")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if os.environ["DJANGO_SETTINGS_MODULE"] == "bench.settings":
        import bench.settings  # noqa: F401  (sets the environment defaults, e.g. DATABASE_URL)
    _ensure_database(os.environ.get("DATABASE_URL", ""))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.harness import broken_message, measure, render_table, write_json
    from bench.operations import OPERATIONS, build_context

    call_command("migrate", verbosity=0, interactive=False)
    if not args.no_generate:
        call_command("generate_data", scale=args.scale, if_needed=True, verbosity=1)

    context = build_context()
    # As a server worker does after start-up (gunicorn.conf.py, post_worker_init): what is loaded by now lives as
    # long as the process, and a full collection walking it all would land in some repetition's time.
    gc.collect()
    gc.freeze()
    wanted = {key.strip() for key in args.only.split(",") if key.strip()}
    results = []
    for operation in OPERATIONS:
        if wanted and operation.key not in wanted:
            continue
        started = time.perf_counter()
        result = measure(operation, context, reps=args.reps, warmup=args.warmup, budget=args.budget or None)
        print(f"  {operation.key:<20} {result.status:<7} {time.perf_counter() - started:6.1f} s", file=sys.stderr)
        results.append(result)

    with connection.cursor() as cursor:
        counts = {}
        for table in ["cases_person", "cases_case", "cases_journalentry", "core_accesslog"]:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    title = (
        f"make bench  skala {args.scale}  {connection.vendor}  {os.cpu_count()} kärnor  "
        f"{args.reps} upprepningar{f' (högst {args.budget:g} s per operation)' if args.budget else ''}  "
        + "  ".join(f"{table.split('_', 1)[1]} {count:,}".replace(",", " ") for table, count in counts.items())
    )
    print(render_table(results, title=title))
    out = Path(args.out) if args.out else BASE_DIR / "artifacts" / "bench" / f"bench-{args.scale}-{stamp}.json"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BASE_DIR)
    write_json(
        out,
        results=results,
        meta={
            "scale": args.scale,
            "at": stamp,
            "reps": args.reps,
            "warmup": args.warmup,
            "budget_seconds": args.budget or None,
            "database": connection.vendor,
            "rows": counts,
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()),
            "commit": commit.stdout.strip(),
        },
    )
    print(f"\nResultat: {out}")
    loud = broken_message(results)
    if loud:
        print(loud, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
