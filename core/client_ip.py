"""The client's IP address, the one rule for the access log (loggkontroll), login lockout (axes) and API
throttles (DRF's NUM_PROXIES uses the same count).

Behind TRUSTED_PROXY_COUNT reverse proxies the client is the address that many entries from the right of
X-Forwarded-For: each trusted proxy appends the address it received the request from, so the entries to
the left of that are whatever the client chose to send and are never believed. With no trusted proxy the
header is ignored and the connecting address (REMOTE_ADDR) is the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as far as the configured proxies vouch for it; None when unknown."""
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = [entry for entry in forwarded.split(",") if entry.strip()]
    # Fewer entries than proxies means a proxy did not append: take the leftmost any trusted proxy wrote.
    return _valid(entries[-min(proxies, len(entries))]) or remote
