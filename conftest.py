# The shared personas and browser set-up reach every app's tests from here.
import pytest
from playwright.sync_api import Page, expect

pytest_plugins = ["tests.fixtures"]

# Ceilings for a browser step on a busy 2-core machine (CI, parallel workers): a step that is merely slow must
# not fail. They say nothing about speed, which `make bench` measures.
BROWSER_STEP_TIMEOUT_MS = 60_000
expect.set_options(timeout=30_000)


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(BROWSER_STEP_TIMEOUT_MS)
    page.set_default_navigation_timeout(BROWSER_STEP_TIMEOUT_MS)
    return page
