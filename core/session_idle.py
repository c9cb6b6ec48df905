"""Idle timeout: a session ends SESSION_IDLE_MINUTES after the user's last request.

Django's SESSION_SAVE_EVERY_REQUEST would write the session row on every request. This middleware
renews the expiry at most once per SESSION_RENEW_SECONDS (default 60) instead, so an idle session
still ends within the configured minutes (less at most that interval) and ordinary page views stay
free of a session write. It must sit after SessionMiddleware in MIDDLEWARE.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_idle_renewed_at"


class SessionIdleRenewalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.session_key:
            return response
        now = int(time.time())
        if now - session.get(RENEWED_KEY, 0) >= getattr(settings, "SESSION_RENEW_SECONDS", 60):
            session[RENEWED_KEY] = now  # marks the session modified: SessionMiddleware saves it with a new expiry
        return response
