"""CPU time of the load test's processes from /proc (Linux): gunicorn with its workers, this database's PostgreSQL
backends, locust, and the whole machine, sampled once a second by a thread of the runner (bench/loadtest.py)."""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import psycopg

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, float, float, float] | None:
    """(parent pid, own CPU s, reaped children's CPU s, start in s since boot) of a process, None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    children = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
    return int(fields[1]), own, children, int(fields[19]) / CLOCK_TICKS


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy since boot, all cores (idle and I/O wait left out)."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def _is_postgres(pid: int) -> bool:
    """Whether a pid PostgreSQL reports is a postgres process here (not when the server runs in another host or
    container, where the same number is some other process or none)."""
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as handle:
            return handle.read().strip() == "postgres"
    except OSError:
        return False


def _boot_time() -> float:
    with open("/proc/stat", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("btime"):
                return float(line.split()[1])
    return 0.0


@dataclass
class CpuSampler:
    """Samples once a second: gunicorn (master, its reaped and live workers), locust, this database's PostgreSQL
    backends (pg_stat_activity) and the machine. A backend that ends between two samples loses at most a second."""

    database_url: str
    gunicorn_pid: int
    locust_pid: int = 0
    interval: float = 1.0
    series: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    backends: dict[int, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    backend_start: dict[int, float] = field(default_factory=dict)
    postgres_visible: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        boot = _boot_time()
        connection = None
        try:
            if self.database_url.startswith(("postgres://", "postgresql://")):
                connection = psycopg.connect(self.database_url, autocommit=True)
        except psycopg.Error:
            pass
        try:
            while not self._stop.is_set():
                self._sample(connection, boot)
                self._stop.wait(self.interval)
        finally:
            if connection is not None:
                connection.close()

    def _sample(self, connection: psycopg.Connection | None, boot: float) -> None:
        now = time.time()
        self.series["machine"].append((now, _machine_busy()))
        gunicorn = _proc_stat(self.gunicorn_pid)
        if gunicorn is not None:
            workers = 0.0
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    stat = _proc_stat(int(entry))
                    if stat is not None and stat[0] == self.gunicorn_pid:
                        workers += stat[1]
            self.series["gunicorn"].append((now, gunicorn[1] + gunicorn[2] + workers))
        if self.locust_pid:
            locust = _proc_stat(self.locust_pid)
            if locust is not None:
                self.series[f"locust-{self.locust_pid}"].append((now, locust[1] + locust[2]))
        if connection is None:
            return
        pids = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        for (pid,) in pids:
            if pid not in self.backend_start and not _is_postgres(pid):
                continue
            stat = _proc_stat(pid)
            if stat is not None:
                self.backends[pid].append((now, stat[1]))
                self.backend_start.setdefault(pid, boot + stat[3])
                self.postgres_visible = True

    def wait_past(self, moment: float) -> None:
        """Until the machine has been sampled after `moment` (or the sampler has stopped)."""
        while not self._stop.is_set() and not any(t > moment for t, _v in self.series["machine"][-1:]):
            time.sleep(self.interval / 10)

    def used(self, name: str, start: float, end: float) -> float | None:
        """CPU seconds a series used between two times (linear between samples)."""
        points = self.series.get(name) or []
        if len(points) < 2:
            return None
        return _at(points, end) - _at(points, start)

    def postgres_used(self, start: float, end: float) -> float | None:
        """CPU seconds of this database's backends between two times; None when they cannot be seen from here."""
        if not self.postgres_visible:
            return None
        total = 0.0
        for pid, points in self.backends.items():
            if points[-1][0] < start or points[0][0] > end:
                continue
            born = self.backend_start.get(pid, 0.0)
            # a backend started inside the window counts from 0; one that ended inside it up to its last sample
            base = 0.0 if born >= start else _at(points, start)
            total += _at(points, end) - base
        return total


def _at(points: list[tuple[float, float]], when: float) -> float:
    """A cumulative series' value at a time, linear between samples, held at its ends."""
    if when <= points[0][0]:
        return points[0][1]
    for (t0, v0), (t1, v1) in zip(points, points[1:], strict=False):
        if t0 <= when <= t1:
            return v0 + (v1 - v0) * (when - t0) / (t1 - t0) if t1 > t0 else v1
    return points[-1][1]
