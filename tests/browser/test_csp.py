"""Content-Security-Policy (issue 20, point 6): every response carries a policy that allows scripts and styles
only from our own files (no unsafe-inline, no unsafe-eval), and walking the main pages of every role in
Chromium raises no violation: no inline script or style anywhere, htmx injects no style, and the API docs page
starts Swagger UI from a file."""

import time

import pytest
from playwright.sync_api import Page

from core.models import Role
from tests.factories import CaseFactory, JournalEntryFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIET_SECONDS = 0.15  # no page of the walk starts a request on a timer: what a page fetches starts as it loads

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def assert_strict_policy(header: str | None, url: str) -> None:
    assert header, f"{url}: no Content-Security-Policy header"
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    for name in ("script-src", "style-src"):
        assert directives.get(name) == ["'self'"], (url, header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, (url, header)


class Walk:
    """Visits pages in one browser tab and gathers every CSP violation the browser reports."""

    def __init__(self, page: Page, base: str):
        self.page, self.base = page, base
        self.violations: list[str] = []
        self.visited: list[str] = []
        self.in_flight: set = set()
        self.last_activity = time.monotonic()
        page.add_init_script(LISTEN)
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)
        page.on(
            "console",
            lambda message: (
                self.violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def visit(self, path: str) -> None:
        url = path if path.startswith("http") else self.base + path
        response = self.page.goto(url)
        assert response is not None and response.status < 500, (url, response and response.status)
        assert_strict_policy(response.headers.get("content-security-policy"), url)
        self.wait_for_quiet_network()
        self.visited.append(url)
        self.violations += [f"{url}: {text}" for text in self.page.evaluate("window.__cspViolations")]

    def _started(self, request) -> None:
        self.in_flight.add(request)
        self.last_activity = time.monotonic()

    def _ended(self, request) -> None:
        self.in_flight.discard(request)
        self.last_activity = time.monotonic()

    def wait_for_quiet_network(self) -> None:
        """After the load event, until no request of the page has been open for QUIET_SECONDS (what the page
        fetches late, such as htmx content or Swagger UI's schema, has arrived and run). Playwright's
        "networkidle" does the same with a fixed half second, most of this walk's time."""
        deadline = time.monotonic() + 30
        while self.in_flight or time.monotonic() - self.last_activity < QUIET_SECONDS:
            assert time.monotonic() < deadline, f"{self.page.url}: requests still open: {self.in_flight}"
            self.page.wait_for_timeout(20)  # lets Playwright deliver the request events meanwhile

    def nav_links(self) -> list[str]:
        return self.page.eval_on_selector_all(".site-nav a", "links => links.map(link => link.href)")


@pytest.fixture
def case_of_handler(handler):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Cia", last_name="Cspsson"))
    draft = JournalEntryFactory(case=case, text="Ett utkast.")
    return case, draft


def test_main_pages_of_every_role_raise_no_csp_violation(
    page, live_server, login, handler, colleague, outsider, manager, coordinator, stats_client, case_of_handler
):
    sysadmin = UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    walk = Walk(page, live_server.url)
    walk.visit("/logga-in/")
    # the listener hears a violation: an inline style set by a script is refused and reported
    page.evaluate("document.body.setAttribute('style', 'outline: 1px solid red')")
    page.wait_for_function("window.__cspViolations.length > 0")
    walk.violations.clear()
    walk.visit("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)  # Swagger UI started from its script file

    case, draft = case_of_handler
    extra = {
        "handler": [
            f"/arenden/{case.pk}/",
            f"/personer/{case.person_id}/",
            f"/arenden/{case.pk}/anteckningar/{draft.pk}/andra/",
            f"/insatser/arende/{case.pk}/",
            "/sok/?q=Cspsson",
            "/konto/losenord/",
        ],
        "manager": [f"/arenden/{case.pk}/", f"/arenden/{case.pk}/historik/", f"/arenden/{case.pk}/delning/"],
        "sysadmin": ["/admin/"],
    }
    for user in (handler, colleague, outsider, manager, coordinator, stats_client, sysadmin):
        login(user)
        for link in walk.nav_links():
            walk.visit(link)
        for path in extra.get(user.username, []):
            walk.visit(path)
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url(f"{live_server.url}/logga-in/")

    assert len(walk.visited) >= 30, walk.visited
    assert not walk.violations, "\n".join(walk.violations)
