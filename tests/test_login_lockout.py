"""Lockout hits the attacker, not the staff (issue 20, point 4): behind the municipality's reverse proxy every
request arrives from the proxy's address, so the client's address is read from X-Forwarded-For for exactly the
configured number of trusted proxies (core.client_ip), and failed logins lock the username+address pair. The
same address goes into the access log (loggkontroll) and axes' login records."""

import pytest
from axes.models import AccessAttempt
from axes.models import AccessLog as LoginLog
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.models import AccessLog
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the municipality's reverse proxy: every request's REMOTE_ADDR
ATTACKER = "198.51.100.7"
HANDLER_DESK = "192.0.2.41"
PASSWORD = "demo-losen-123"  # tests.factories.UserFactory's password


def behind_proxy(client_address: str, spoofed: str = "") -> Client:
    """A browser at client_address reaching the app through one proxy that appends the address it saw."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture(autouse=True)
def one_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_failures_for_five_other_usernames_do_not_lock_out_a_sixth_user(handler):
    attacker = behind_proxy(ATTACKER)
    for number in range(5):
        UserFactory(username=f"kollega{number}")
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            login(attacker, f"kollega{number}", f"gissning-{attempt}")
    assert login(attacker, "kollega0", PASSWORD).status_code == 429  # those pairs are locked

    # the sixth user, at her own desk behind the same proxy, signs in as usual
    response = login(behind_proxy(HANDLER_DESK), "handler", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_attacked_pair_is_locked_with_a_swedish_page_and_the_owner_still_gets_in(handler):
    attacker = behind_proxy(ATTACKER)
    statuses = [login(attacker, "handler", f"gissning-{n}").status_code for n in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429

    locked = login(attacker, "handler", PASSWORD)  # even the right password, from the attacker's address
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Inloggningen är tillfälligt spärrad" in page
    assert f"Försök igen om {settings.AXES_COOLOFF_TIME * 60:.0f} minuter" in page
    assert "Account locked" not in page
    assert AccessAttempt.objects.get(username="handler").ip_address == ATTACKER

    assert login(behind_proxy(HANDLER_DESK), "handler", PASSWORD).status_code == 302


def test_a_forged_forwarded_address_does_not_reset_the_count(handler):
    # The attacker writes her own X-Forwarded-For; the proxy appends the real address, which is what counts.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(behind_proxy(ATTACKER, spoofed=f"203.0.113.{attempt}"), "handler", f"gissning-{attempt}")
    assert login(behind_proxy(ATTACKER, spoofed="203.0.113.99"), "handler", PASSWORD).status_code == 429


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings, handler):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR=HANDLER_DESK, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert login(client, "handler", PASSWORD).status_code == 302
    assert LoginLog.objects.get(username="handler").ip_address == HANDLER_DESK


def test_the_access_log_and_the_login_record_name_the_same_client_address(handler):
    person = PersonFactory(unit=handler.unit)
    case = CaseFactory(handler=handler, person=person)
    desk = behind_proxy(HANDLER_DESK, spoofed="203.0.113.5")
    assert login(desk, "handler", PASSWORD).status_code == 302

    assert desk.get(reverse("case_detail", args=[case.pk])).status_code == 200

    assert LoginLog.objects.get(username="handler").ip_address == HANDLER_DESK
    assert set(AccessLog.objects.filter(user=handler).values_list("ip_address", flat=True)) == {HANDLER_DESK}
