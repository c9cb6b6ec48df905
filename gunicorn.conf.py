"""Gunicorn settings for the web container; every value can be overridden by environment variables."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: each request is one database transaction; scale with processes (and containers).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow leaks cannot accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Load Django (and, config/wsgi.py, its URLconf and views) once in the master and fork the workers from it: a worker
# started again after max_requests then serves at once, instead of spending ≈ 3 s of CPU loading the application and
# ≈ 3 s more in its first request (measured at scale S, 2026-12-07). Nothing opens a database or broker connection
# while loading (checked: no connection exists after import), so the workers share none. A code change needs a
# restart of the service, not a HUP.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Access log as JSON lines, path only: a query string can carry a search term (a name).
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s}'
)


def post_worker_init(worker):
    """Move everything loaded so far (Django, the apps, the URLconf) out of the garbage collector's reach.

    A worker holds some 200 000 tracked objects after start-up, nearly all of them alive for its whole life.
    Without this every full collection walks them all: about 100 ms in the middle of some request (Mina ärenden
    at scale M, measured 2026-12-07), which is the page's tail rather than its own work. Objects created by
    requests are still collected as before (gc.freeze, Python 3.7+)."""
    gc.collect()
    gc.freeze()
