"""What a test needs from the machine: outside CI a missing piece skips with its reason, in CI it fails."""

import os

import pytest


def unavailable(reason: str):
    """Stop the test because the machine lacks something (a tool, PostgreSQL); never a silent skip in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (krävs i CI)")
    pytest.skip(reason)  # reached only outside CI
