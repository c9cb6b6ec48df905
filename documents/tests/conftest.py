"""A real clamd for the upload tests: Debian's clamav-daemon with one local signature (the EICAR test file),
started on a free loopback port with its own configuration and database in a temporary directory, stopped by
its pid. No signature download: freshclam is never run."""

import hashlib
import shutil
import socket
import subprocess
import time

import pytest

from tests.environment import require

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"zPING\0")
            return connection.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory):
    """(host, port) of a running clamd that knows the EICAR test file."""
    require("clamd")
    root = tmp_path_factory.mktemp("clamd")
    database = root / "db"
    database.mkdir()
    digest = hashlib.sha256(EICAR).hexdigest()
    (database / "local.hsb").write_text(f"{digest}:{len(EICAR)}:Eicar-Test-Signature-Local\n")
    port = _free_port()
    config = root / "clamd.conf"
    config.write_text(
        f"DatabaseDirectory {database}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nForeground yes\n"
        f"LogFile {root / 'clamd.log'}\nPidFile {root / 'clamd.pid'}\nTemporaryDirectory {root}\n"
    )
    process = subprocess.Popen([shutil.which("clamd"), "-c", str(config)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "clamd.log").read_text() if (root / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start: {log[-2000:]}")
            time.sleep(0.2)
        yield ("127.0.0.1", port)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def media_root(settings, tmp_path):
    """Stored files go to a directory of the test's own, so a test can see that nothing was left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
