"""The layers contract (pyproject.toml [tool.importlinter], run by `make test`) refuses a wrong-way import.

The project's Python files are copied to a temporary folder, one module importing upwards is added, and
lint-imports runs there with the project's own contract: it must fail and name that import.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.environment import unavailable

BASE_DIR = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _project_copy(target: Path) -> Path:
    shutil.copy(BASE_DIR / "pyproject.toml", target / "pyproject.toml")
    contract = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["importlinter"]
    for package in contract["root_packages"]:
        shutil.copytree(BASE_DIR / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path):
    if not LINT_IMPORTS.exists():
        unavailable("lint-imports saknas (pip install -e '.[test]')")
    return _project_copy(tmp_path)


@pytest.mark.parametrize(
    ("module", "wrong_way"),
    [
        ("core/probe_upwards.py", "cases.models"),  # the organisation knows no domain app
        ("cases/probe_upwards.py", "consent.models"),
        ("consent/probe_upwards.py", "interventions.models"),
        ("reporting/probe_upwards.py", "records.retention"),
        ("jobs/probe_upwards.py", "core.models"),
    ],
)
def test_a_wrong_way_import_breaks_the_contract(project, module, wrong_way):
    (project / module).write_text(f"import {wrong_way}  # noqa: F401\n")
    result = _lint(project)
    importer = module.removesuffix(".py").replace("/", ".")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{importer} -> {wrong_way}" in result.stdout


def test_the_project_keeps_its_layers(project):
    """The project as it is imports downwards only (core and jobs import no app above them, and so on)."""
    result = _lint(project)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if " is not allowed to import " in line]
    assert not [line for line in broken if line.startswith(("core ", "jobs "))], result.stdout
