"""What the suite needs from the machine: the requires marker and scripts/test-machine.sh."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.environment import missing, require

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "scripts" / "test-machine.sh"


def test_a_missing_tool_names_its_package_and_the_install_command(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert missing("pdftotext") == "pdftotext saknas / is missing: apt-get install poppler-utils"
    assert missing("no-such-tool-here") == "no-such-tool-here saknas / is missing: apt-get install no-such-tool-here"


def test_a_missing_need_skips_outside_ci_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-tool-here saknas"):
        require("no-such-tool-here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="krävs i CI"):
        require("no-such-tool-here")
    require("sh")  # present: nothing happens


def test_without_root_missing_packages_stop_at_once_with_one_line():
    # dpkg-query answers "not installed" for everything: the script must name the packages and stop.
    stub = Path(tempfile.mkdtemp())
    try:
        (stub / "dpkg-query").write_text("#!/bin/sh\necho 'unknown ok not-installed'\n")
        (stub / "dpkg-query").chmod(0o755)
        stub.chmod(0o755)
        # A copy the other user can read: the clone itself may sit in a private (0700) folder.
        script = stub / SCRIPT.name
        shutil.copy(SCRIPT, script)
        script.chmod(0o755)
        command = [str(script), "prepare"]
        if os.geteuid() == 0:  # run as someone who may not install
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
        result = subprocess.run(
            command,
            env={"PATH": f"{stub}:/usr/bin:/bin", "HOME": "/tmp"},
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        shutil.rmtree(stub)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "chromium poppler-utils" in lines[0]
    assert "sudo apt-get install --no-install-recommends chromium poppler-utils" in lines[0]


def test_run_points_the_suite_at_the_local_servers_unless_told_otherwise():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    shown = subprocess.run([str(SCRIPT), "run", "env"], env=env, capture_output=True, text=True, check=True).stdout
    assert "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ungdomsinsats" in shown.splitlines()
    assert "REDIS_URL=redis://127.0.0.1:6379/0" in shown.splitlines()
    env["DATABASE_URL"] = "sqlite:///elsewhere.sqlite3"
    shown = subprocess.run([str(SCRIPT), "run", "env"], env=env, capture_output=True, text=True, check=True).stdout
    assert "DATABASE_URL=sqlite:///elsewhere.sqlite3" in shown.splitlines()
