"""Session lifetime: an idle timeout, an absolute lifetime, and the numbers the page's warning needs.

Idle: a session ends SESSION_IDLE_MINUTES after the user's last request. Django's SESSION_SAVE_EVERY_REQUEST
would write the session row on every request; this middleware renews the expiry at most once per
SESSION_RENEW_SECONDS (default 60) instead, so an idle session still ends within the configured minutes (less
at most that interval) and ordinary page views stay free of a session write. The keep-alive endpoint
(core.views.session_keep_alive, the "Fortsätt arbeta" button) renews at once (session_renew).

Absolute: whatever the activity, a signed-in session ends SESSION_ABSOLUTE_SECONDS after sign-in (ASVS 3.3.2):
the middleware stamps the sign-in time on the first response after login and flushes the session once it is
older, before any view runs, so the request is answered as for someone signed out.

Every response to a signed-in session carries the end time in a small cookie for the page's warning
(set_timing_cookie). It must sit after SessionMiddleware and before AuthenticationMiddleware in MIDDLEWARE.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_idle_renewed_at"
STARTED_KEY = "_signed_in_at"
TIMING_COOKIE = "ui_session_timing"


def session_seconds_left(session: SessionBase, now: int | None = None) -> int:
    """Seconds until the session ends, by idle timeout or absolute lifetime, whichever comes first."""
    now = int(time.time()) if now is None else now
    idle_end = session.get(RENEWED_KEY, now) + settings.SESSION_COOKIE_AGE
    absolute_end = session.get(STARTED_KEY, now) + settings.SESSION_ABSOLUTE_SECONDS
    left: int = max(0, min(idle_end, absolute_end) - now)
    return left


def session_renew(session: SessionBase, now: int | None = None) -> int:
    """Restart the idle timeout now; returns the seconds left."""
    now = int(time.time()) if now is None else now
    session[RENEWED_KEY] = now  # marks the session modified: SessionMiddleware saves it with a new expiry
    return session_seconds_left(session, now)


class SessionIdleRenewalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        now = int(time.time())
        if session is not None and SESSION_KEY in session:
            started = session.get(STARTED_KEY)
            if started is not None and now - started >= settings.SESSION_ABSOLUTE_SECONDS:
                session.flush()
        response = self.get_response(request)
        if session is None or SESSION_KEY not in session:
            if TIMING_COOKIE in request.COOKIES:
                response.delete_cookie(TIMING_COOKIE, samesite="Lax")
            return response
        if STARTED_KEY not in session:
            session[STARTED_KEY] = now
        if now - session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
            session_renew(session, now)
        set_timing_cookie(response, session, now)
        return response


def set_timing_cookie(response: HttpResponse, session: SessionBase, now: int) -> None:
    """Tell the page's script when the session ends: "<end>:<now>" in server seconds (the script corrects for
    its own clock with <now>, and every tab sees the renewals of the others). A time, nothing personal; not in
    the HTML, so pages stay byte-identical for the leak walk."""
    end = now + session_seconds_left(session, now)
    response.set_cookie(
        TIMING_COOKIE, f"{end}:{now}", samesite="Lax", secure=settings.SESSION_COOKIE_SECURE, httponly=False
    )


def session_timing(request: HttpRequest) -> dict[str, int]:
    """Template context: how long before the end the page warns (static/js/session.js)."""
    return {"session_warning_seconds": settings.SESSION_WARNING_SECONDS}
