"""Session lifetime (issue 25 point 8, issue 20 point 5): an absolute lifetime besides the idle one, and the
keep-alive behind "Fortsätt arbeta" renews the idle timeout at once."""

import time

import pytest
from django.urls import reverse

from core.session_idle import RENEWED_KEY, STARTED_KEY, TIMING_COOKIE

pytestmark = pytest.mark.django_db


def backdate(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, handler, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 10 * 3600
    client.force_login(handler)
    assert client.get(reverse("home")).status_code == 200
    assert STARTED_KEY in client.session  # stamped on the first response after sign-in

    backdate(client, STARTED_KEY, 10 * 3600 - 60)
    assert client.get(reverse("home")).status_code == 200  # active and younger than 10 h

    backdate(client, STARTED_KEY, 10 * 3600 + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302  # the session is gone, not just this request


def timing(response) -> int:
    """Seconds left as the page's script reads them from the timing cookie ("<end>:<now>")."""
    end, now = response.cookies[TIMING_COOKIE].value.split(":")
    return int(end) - int(now)


def test_every_response_tells_the_page_when_the_session_ends(client, handler, settings):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_ABSOLUTE_SECONDS = 36000
    client.force_login(handler)
    client.get(reverse("home"))
    backdate(client, RENEWED_KEY, 30)  # renewed half a minute ago: this request does not renew
    response = client.get(reverse("home"))
    assert timing(response) in (1769, 1770)
    assert f'data-warning-seconds="{settings.SESSION_WARNING_SECONDS}"' in response.content.decode()
    assert not response.cookies[TIMING_COOKIE]["httponly"]  # the page's script reads it

    backdate(client, STARTED_KEY, 36000 - 100)  # the absolute end comes first
    assert timing(client.get(reverse("home"))) in (99, 100)

    signed_out = client.post(reverse("logout"))
    assert signed_out.cookies[TIMING_COOKIE].value == ""  # deleted: other tabs see the session is over


def test_keep_alive_renews_the_idle_timeout_at_once(client, handler, settings):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_RENEW_SECONDS = 60
    client.force_login(handler)
    client.get(reverse("home"))
    backdate(client, RENEWED_KEY, 20)  # renewed recently: an ordinary request would not renew again

    response = client.post(reverse("session_keep_alive"))

    assert response.status_code == 200
    assert response.json() == {"signed_in": True, "seconds_left": 1800}
    assert timing(response) == 1800
    assert client.session[RENEWED_KEY] >= int(time.time()) - 1
    assert 1790 <= client.session.get_expiry_age() <= 1800


def test_keep_alive_after_the_session_ended_says_so_without_a_redirect(client):
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}
