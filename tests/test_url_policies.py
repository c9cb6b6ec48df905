"""Deny by default: every URL pattern and API view declares an access policy, only a short
list of routes is public, and every other route refuses an anonymous visitor.

Admin URLs are left out: the Django admin has its own permission system (staff + model permissions).
"""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from core.policy import POLICIES, policy_of

# Routes that may be reached without logging in. Nothing on them shows personal data.
PUBLIC_ROUTES = {
    "login",
    "oidc_authentication_init",  # SSO start and the IdP's answer (404 while SSO is not configured)
    "oidc_authentication_callback",
    "healthz",
    "readyz",
    "api_schema",
    "api_docs",
    "api_not_found",
}
SKIPPED_PREFIXES = ("admin/",)
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # "arenden/<uuid:case_id>/"
    name: str | None
    pattern: URLPattern
    is_regex: bool

    @property
    def converters(self) -> dict[str, str]:
        return {m["name"]: m["converter"] or "str" for m in CONVERTER.finditer(self.route)}

    def url(self, values: dict[str, object] | None = None) -> str:
        """A concrete URL: each <converter:name> replaced by values[name] or a value that exists nowhere."""
        if self.is_regex:
            # e.g. the API's catch-all "api/^.*$": a path below the prefix
            return "/" + self.route.split("^", 1)[0] + "finns-inte/"
        values = values or {}

        def fill(match):
            name, converter = match["name"], match["converter"] or "str"
            if name in values:
                return str(values[name])
            return {"uuid": str(uuid.uuid4()), "int": "987654321", "slug": "finns-inte", "path": "x"}.get(
                converter, "x"
            )

        return "/" + CONVERTER.sub(fill, self.route)


def url_routes() -> list[Route]:
    """Every URL pattern of the project, resolved recursively through include()s (admin left out)."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, regex: bool) -> None:
        for entry in resolver.url_patterns:
            text = str(entry.pattern)
            is_regex = regex or not isinstance(entry.pattern, RoutePattern)
            if isinstance(entry, URLResolver):
                walk(entry, prefix + text, is_regex)
            else:
                found.append(Route(route=prefix + text, name=entry.name, pattern=entry, is_regex=is_regex))

    walk(get_resolver(), "", False)
    return [route for route in found if not route.route.startswith(SKIPPED_PREFIXES)]


def test_routes_are_found():
    names = {route.name for route in url_routes()}
    assert {"login", "case_detail", "accesslog_review"} <= names


def test_every_view_declares_an_access_policy():
    missing = [f"{r.route} ({r.name})" for r in url_routes() if policy_of(r.pattern.callback) is None]
    assert not missing, "Views without @access_policy (deny by default):\n" + "\n".join(missing)


def test_every_declared_policy_is_a_known_one():
    unknown = [
        f"{r.route}: {policy_of(r.pattern.callback)}"
        for r in url_routes()
        if policy_of(r.pattern.callback) not in POLICIES
    ]
    assert not unknown


def test_only_the_listed_routes_are_public():
    public = {r.name for r in url_routes() if policy_of(r.pattern.callback) == "public"}
    assert public <= PUBLIC_ROUTES, f"New public routes must be reviewed: {sorted(public - PUBLIC_ROUTES)}"


@pytest.mark.django_db
def test_anonymous_visitors_get_nothing_but_the_public_routes(client):
    for route in url_routes():
        if route.name in PUBLIC_ROUTES:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(route.url())
            assert response.status_code in {302, 401, 403, 404, 405}, (method, route.route, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/logga-in/"), (route.route, response["Location"])
