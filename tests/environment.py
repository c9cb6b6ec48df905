"""What a test needs from the machine: outside CI a missing piece skips with its reason, in CI it fails.

Tests say what they need with ``@pytest.mark.requires("pdftotext", "postgresql")``; the hook in
tests/fixtures.py checks it before the test runs, so no test ever calls a binary the machine lacks.
``scripts/test-machine.sh`` (run by ``make test`` and so by CI) installs the same things up front.
"""

import os
import shutil

import pytest

# Debian package that brings each tool (the script installs them; the message names them).
TOOL_PACKAGES = {
    "chromium": "chromium",
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "pdfdetach": "poppler-utils",
    "msgfmt": "gettext",
    "docker-compose": "docker-compose",
    "redis-server": "redis-server",
    "pg_dump": "postgresql-client",
    "pg_restore": "postgresql-client",
    "make": "make",
    "initdb": "postgresql",
    "node": "nodejs",  # the OpenID provider of the SSO tests (tests/oidc)
    "npm": "npm",
    "clamd": "clamav-daemon",
}


def unavailable(reason: str):
    """Stop the test because the machine lacks something (a tool, PostgreSQL); never a silent skip in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (krävs i CI)")
    pytest.skip(reason)  # reached only outside CI


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _postgres_binary(name: str) -> bool:
    # Debian keeps the server binaries out of PATH (/usr/lib/postgresql/<version>/bin).
    from tests.faultkit import postgres_bin

    try:
        postgres_bin(name)
    except FileNotFoundError:
        return False
    return True


def missing(need: str) -> str | None:
    """Why ``need`` (a tool, "postgresql" or "redis") is not there, or None when it is."""
    if need == "postgresql":
        from django.db import connection

        if connection.vendor != "postgresql":
            return "kräver PostgreSQL: sätt DATABASE_URL (make test gör det när PostgreSQL svarar på 127.0.0.1)"
        return None
    if need == "redis":
        if not os.environ.get("REDIS_URL"):
            return "kräver Redis: sätt REDIS_URL=redis://127.0.0.1:6379/<n> (make test gör det när Redis svarar)"
        return None
    if need == "chromium":
        found = os.path.exists(chromium_path())
    elif need == "initdb":
        found = _postgres_binary("initdb")
    else:
        found = shutil.which(need) is not None
    if found:
        return None
    package = TOOL_PACKAGES.get(need, need)
    return f"{need} saknas / is missing: apt-get install {package}"


def require(*needs: str) -> None:
    """Stop the running test (skip outside CI, fail in CI) unless every need is met."""
    for need in needs:
        reason = missing(need)
        if reason:
            unavailable(reason)
