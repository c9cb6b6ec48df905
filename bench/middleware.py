"""Bench only (bench/settings.py, never production): what one request cost the server, in a Server-Timing header.

    Server-Timing: cpu;dur=12.40, db;dur=3.10, sql;desc="11", app;dur=16.80

cpu is the CPU time of the thread that served the request (gunicorn's sync workers serve one request per thread, so
this is the request's own Python and psycopg work, not a neighbour's); db the wall time spent in cursor.execute
(waiting for PostgreSQL, mostly); sql the number of statements; app the wall time inside Django. `make loadtest`
(bench/locustfile.py) reads the header and attributes CPU per request type. Everything outside Django (gunicorn's
HTTP parsing, its access log) is not in it: the load test compares the sum with the workers' CPU from /proc.
A streamed body produced after the view returns is not counted either; the load test's pages are not streamed.
"""

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponseBase


class _StatementTimer:
    """An execute wrapper (connection.execute_wrapper) adding up the time and count of the statements it sees."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


class ServerTimingMiddleware:
    """First in MIDDLEWARE, so every other middleware, the view and the request's transaction are inside it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        timer = _StatementTimer()
        wall = time.perf_counter()
        cpu = time.thread_time()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        cpu_ms = (time.thread_time() - cpu) * 1000
        wall_ms = (time.perf_counter() - wall) * 1000
        response["Server-Timing"] = (
            f'cpu;dur={cpu_ms:.2f}, db;dur={timer.seconds * 1000:.2f}, sql;desc="{timer.statements}", '
            f"app;dur={wall_ms:.2f}"
        )
        return response
