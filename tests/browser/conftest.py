"""Browser-test helpers: log in through the real login page, screenshots, and the axe-core scan.

Screenshots go to artifacts/screenshots/ (git-ignored; CI keeps them as build artifacts).
"""

import json
from pathlib import Path

import pytest
from django.conf import settings

PASSWORD = "demo-losen-123"  # tests.factories.UserFactory's password
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
AXE_STATIC = "vendor/axe-core/axe.min.js"  # tests/static/vendor/axe-core/axe.min.js (test settings only)
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def login(page, live_server):
    """login(user) signs in through /logga-in/ like a person would and lands on Mina ärenden."""

    def sign_in(user):
        page.goto(f"{live_server.url}/logga-in/")
        page.get_by_label("Användarnamn").fill(user.username)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in


@pytest.fixture
def screenshot(page):
    """screenshot(name) writes a full-page PNG to artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def axe_violations(page, within: str = "") -> list[dict]:
    """Run the vendored axe-core on the current page, or only the part the selector `within` names (WCAG 2.0/2.1 A
    and AA rules); serious and critical only."""
    # as a file from our own origin: the Content-Security-Policy refuses an inline script (add_script_tag(path=))
    page.add_script_tag(url=page.evaluate("location.origin") + settings.STATIC_URL + AXE_STATIC)
    result = page.evaluate(
        """async (within) => await axe.run(within ? {include: [within]} : document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations'],  // passes and incomplete are not read: axe collects them briefly
        })""",
        within,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.fixture
def assert_accessible(page, screenshot):
    """assert_accessible(name): screenshot the page, then fail on any serious or critical axe violation."""

    def check(name: str) -> None:
        screenshot(name)
        violations = axe_violations(page)
        assert not violations, f"{name}: {json.dumps(violations, ensure_ascii=False, indent=2)}"

    return check


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Swedish browser (navigator.language, Accept-Language, time zone). Native date fields still show the
    US format here: Debian's chromium has only the en-US locale pack unless chromium-l10n is installed."""
    return {**browser_context_args, "locale": "sv-SE", "timezone_id": "Europe/Stockholm"}
