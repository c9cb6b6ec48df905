"""No response of the application is kept by a browser or a shared cache (ASVS 8.2.1).

Every page, export and API answer may carry personal data or depends on who asks, and on a shared computer
the browser's cache and back button would show it to the next person. Static files never get here
(WhiteNoise answers them before this middleware), so they stay cacheable.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def _already_uncached(response: HttpResponse) -> bool:
    directives = {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
    return bool(directives & {"no-store", "no-cache"})


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that already decided is left alone: files say "private, no-store" themselves, and the
        # statistics API (aggregates, no personal data) says no-cache so clients can revalidate with its ETag.
        if not _already_uncached(response):
            add_never_cache_headers(response)
        response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches and proxies
        return response
