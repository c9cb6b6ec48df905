"""Real throwaway services for the fault tests: a Redis and a PostgreSQL cluster of their own, on free ports.

The shared PostgreSQL (5432) and Redis (6379) serve every developer on the machine and are never stopped
by a test; these are started in a temporary directory and removed afterwards.
"""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from config.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


class RedisServer:
    """A redis-server of our own that a test may stop and start."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def ping(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until(self.ping, timeout=10), "redis-server did not start"

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1)


@contextlib.contextmanager
def celery_broker(url: str):
    """Point this process's Celery app at `url` (not eager) for the duration."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)

    def reset_pools():
        # kombu keeps producer pools per connection in a global registry: clear it with our references
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url, conf.task_always_eager = url, False
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        reset_pools()


def postgres_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise FileNotFoundError(name)
    return candidates[-1]


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb in a temp dir, its own port), run as the postgres user when
    the test runs as root (initdb refuses root)."""

    def __init__(self):
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="ui-fault-pg-"))
        self.data = self.directory / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args, check=True, timeout=60):
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.directory}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
            )

    def start(self):
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "start")

    def stop(self):
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def create_database(self, name: str) -> str:
        self._run(postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class CeleryWorker:
    """A celery worker subprocess on the test database (tests.fault_settings), killable like a container."""

    def __init__(
        self,
        *,
        redis_url: str,
        media: Path,
        log: Path,
        queues: str = "reports,interactive",
        hard_limit: int = 12,
        visibility_timeout: int | None = None,
    ):
        # not PYTEST_XDIST_WORKER: with it config.settings_test would move the worker to another Redis database
        # (as it does for an xdist process on the shared Redis), away from the one this test's own Redis serves
        inherited = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
        self.env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "tests.fault_settings",
            "FAULT_MEDIA_ROOT": str(media),
            "REDIS_URL": redis_url,
            "DATABASE_URL": self.database_url(),
            "CELERY_TASK_TIME_LIMIT": str(hard_limit),
            "CELERY_TASK_SOFT_TIME_LIMIT": str(hard_limit - 3),
            # above the hard limit (as in production), so a running task is never delivered a second time
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout or 2 * hard_limit),
            "LOG_FORMAT": "plain",
        }
        self.log = log
        self.media = media
        self.queues = queues
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def database_url() -> str:
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    def start(self):
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", self.queues, "-c", "1",
                 "-P", "prefork", "-n", f"fault{time.monotonic_ns()}@%h", "--without-gossip", "--without-mingle",
                 "-l", "INFO"],
                cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def pool_children(self) -> list[int]:
        if self.process is None:  # not started: no pool
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_pool_process(self):
        children = []
        assert wait_until(lambda: bool(children.extend(self.pool_children()) or children), timeout=5)
        for pid in children:
            os.kill(pid, signal.SIGKILL)

    def kill_everything(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
