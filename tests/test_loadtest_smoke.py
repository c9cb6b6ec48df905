"""`make loadtest` end to end at scale XS in seconds: gunicorn, locust and the report, as the real run does them.

The real run (`make loadtest`, minutes at M or L) stays out of CI. This checks behaviour, never speed: every request
type of every role is answered correctly (the locustfile checks status and a marker of each page), the JSON holds
the saturation figure, the CPU per request type and the think-time result, and the server is gone afterwards. The
step rule itself (p95, errors, missing types) is checked on recorded samples.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from bench.loadtest import TARGET_P95_MS, TARGET_RATE, Run, summarise
from devdata.datagen import generate

ROOT = Path(__file__).resolve().parent.parent
ROLES = {"socialsekreterare", "faltarbetare", "samordnare", "enhetschef", "statistik"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.requires("postgresql")
@pytest.mark.django_db(transaction=True)  # gunicorn and locust are other processes: the data must be committed
def test_a_tiny_load_test_checks_every_request_type_and_reports_saturation_cpu_and_think_time(tmp_path):
    # given XS data in the test database
    generate("XS")
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(DATABASE_URL=_database_url(), MEDIA_ROOT=str(tmp_path / "media"), PYTHONUNBUFFERED="1")

    # when one short step and a short think-time run go through, each user first opening every page of its role
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.loadtest",
            "--scale=XS",
            "--no-generate",
            "--steps=5",  # one step: the rule across steps is checked on recorded samples below
            "--step-seconds=2",
            "--warmup=1",
            "--think-users=5",
            "--think-seconds=1",
            "--think-ramp=1",
            "--tour",
            "--workers=1",  # one worker to start instead of three: the run checks answers, not capacity
            f"--port={port}",
            f"--out-dir={tmp_path}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    # then it succeeds and prints the saturation line against the target and the think-time verdict
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"mål ≥ {TARGET_RATE} anrop/s" in run.stdout and "Mättnadsgenomströmning" in run.stdout
    assert "Betänketid 10–30 s, 5 användare" in run.stdout and "Vad dominerar" in run.stdout
    [path] = tmp_path.glob("loadtest-XS-*.json")
    result = json.loads(path.read_text(encoding="utf-8"))
    runs = [*result["steps"], result["think_time"]]

    # every request type of every role was checked, and none gave a wrong answer
    types = {t["key"]: t for t in runs[0]["types"]}
    assert {t["role"] for t in types.values()} == ROLES
    assert {"mina_arenden", "sok", "anteckning", "timmar", "faltpass_ny", "planering", "plan"} <= types.keys()
    assert {"loggkontroll", "rapport", "statistik_arenden", "statistik_avtal"} <= types.keys()
    for key in types:
        assert sum(t["checked"] for r in runs for t in r["types"] if t["key"] == key) > 0, key
        assert [t["error_examples"] for r in runs for t in r["types"] if t["key"] == key and t["errors"]] == []

    # the saturation figure and the steps it comes from
    assert [step["users"] for step in result["steps"]] == [5]
    assert result["target_rate_per_s"] == TARGET_RATE and result["target_p95_ms"] == TARGET_P95_MS
    passing = [step["rate_per_s"] for step in result["steps"] if step["passed"]]
    assert result["summary"]["saturation_rate_per_s"] == (max(passing) if passing else 0.0)
    assert result["server"] == {"config": "gunicorn.conf.py", "workers": 1, "threads": 1}

    # the server's CPU per request type (Server-Timing) and per process group (/proc)
    for step in result["steps"]:
        assert step["requests"] > 0
        for t in step["types"]:
            if t["count"]:
                assert t["cpu_ms_mean"] > 0 and t["sql_mean"] > 0 and t["p95_ms"] >= t["p50_ms"]
        assert step["cpu"]["gunicorn_s"] > 0 and step["cpu"]["django_s"] > 0
        assert {"postgres_s", "locust_s", "other_s"} <= step["cpu"].keys()
    assert "Djangos CPU-tid per anropstyp" in result["summary"]["dominating"]

    # the think-time run: its users, waits and verdict
    think = result["think_time"]
    assert think["users"] == 5 and think["wait_s"] == [10, 30] and isinstance(think["passed"], bool)
    assert result["summary"]["think_time_met"] == think["passed"]

    # and nothing is left listening
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def _recorded(samples: list[list]) -> dict:
    """What the locustfile writes: a 10 s window after the warm-up, two request types, the samples."""
    return {
        "window_start": 100.0,
        "window_end": 110.0,
        "roles": {"socialsekreterare": 1},
        "types": [["a", "Sida A", "socialsekreterare"], ["b", "Sida B", "socialsekreterare"]],
        "samples": samples,
    }


def _sample(name: str, start: float, ms: float, *, ok: bool = True, error: str = "") -> list:
    """name, start, ms, ok, error, then the server's CPU ms, SQL ms, statements and time in Django."""
    return [name, start, ms, ok, error, 10.0, 2.0, 5, ms - 5]


def test_a_step_passes_only_when_every_type_answers_within_the_target_without_errors():
    run = Run("steg1", 5, (0.5, 1.5), 10, 10)
    fast = [_sample("Sida A", 100 + i / 10, 50) for i in range(20)] + [_sample("Sida B", 100.5, 80)]

    # every type within p95 ≤ 300 ms and no error: the step passes, at the window's request rate
    step = summarise(run, _recorded(fast), None)
    assert step["passed"] and step["reasons"] == [] and step["rate_per_s"] == pytest.approx(2.1)
    assert step["types"][0]["cpu_ms_mean"] == 10.0 and step["types"][1]["sql_mean"] == 5

    # a slow type fails the step by name; a slow answer in the warm-up does not count towards p95
    slow = [*fast, _sample("Sida B", 105, 900), _sample("Sida B", 106, 900), _sample("Sida A", 95, 5000)]
    step = summarise(run, _recorded(slow), None)
    assert not step["passed"] and step["reasons"] == [f"p95 > {TARGET_P95_MS} ms i Sida B"]
    assert step["types"][0]["max_ms"] == 50 and step["types"][0]["checked"] == 21

    # a wrong answer fails it, in the warm-up too, and so does a type that never ran in the window
    wrong = [*fast[:-1], _sample("Sida A", 99, 40, ok=False, error="saknar '<h1>Mina ärenden</h1>'")]
    step = summarise(run, _recorded(wrong), None)
    assert not step["passed"] and step["reasons"] == ["fel i Sida A", "inga anrop av Sida B"]
    assert step["types"][0]["error_examples"] == ["saknar '<h1>Mina ärenden</h1>'"]


@pytest.mark.django_db
def test_the_bench_middleware_reports_the_requests_cpu_and_sql_time(handler):
    # given the bench's Server-Timing middleware (bench/settings.py puts it first)
    client = Client()
    client.force_login(handler)
    with override_settings(MIDDLEWARE=["bench.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]):
        # when a signed-in user opens Mina ärenden
        response = client.get("/")

    # then the answer says what it cost: CPU, time in SQL and the statements, and the time inside Django
    assert response.status_code == 200
    metrics = dict(part.strip().split(";", 1) for part in response["Server-Timing"].split(","))
    assert set(metrics) == {"cpu", "db", "sql", "app"}
    assert float(metrics["cpu"].removeprefix("dur=")) > 0
    assert float(metrics["app"].removeprefix("dur=")) >= float(metrics["db"].removeprefix("dur=")) > 0
    assert int(metrics["sql"].removeprefix("desc=").strip('"')) > 3
