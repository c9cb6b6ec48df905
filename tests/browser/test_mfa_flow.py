"""A local account's second factor in Chromium: enrol an authenticator app (TOTP), keep the recovery codes,
then sign in with password + code. The code is computed with pyotp, independently of django-otp."""

import time

import pyotp
import pytest

from accounts.models import SignInEvent, SignInMethod
from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_enrol_totp_then_sign_in_with_a_code(page, live_server, handler, settings, assert_accessible):
    settings.MFA_REQUIRED = True
    # given a local account without a second factor: the password alone reaches only the enrolment page
    password_step(page, live_server, handler)
    page.wait_for_url(f"{live_server.url}/konto/tvastegsverifiering/?next=%2F")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/konto/tvastegsverifiering/?next=%2F")
    assert page.locator("figure.qr-code svg").is_visible()
    assert_accessible("mfa-enrol")

    # when she adds the key to her app and types the code it shows
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text())
    page.get_by_label("Kod från appen").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Aktivera").click()
    assert "Koden stämmer inte" in page.locator(".errorlist").inner_text()  # a wrong code first
    time.sleep(1.1)  # django-otp throttles: after one wrong code the next is tried only after a second
    page.get_by_label("Kod från appen").fill(totp.now())
    page.get_by_role("button", name="Aktivera").click()

    # then she gets ten one-time recovery codes, shown once, and reaches Mina ärenden
    page.get_by_role("heading", name="Tvåstegsverifieringen är aktiverad").wait_for()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible("mfa-recovery-codes")
    page.get_by_role("link", name="Jag har sparat koderna – fortsätt").click()
    page.wait_for_url(f"{live_server.url}/")

    # when she signs out and in again, the password is followed by the code page
    page.get_by_role("button", name="Logga ut").click()
    password_step(page, live_server, handler)
    page.wait_for_url(f"{live_server.url}/logga-in/kod/?next=%2F")
    page.goto(f"{live_server.url}/")  # nothing else is reachable before the code
    page.wait_for_url(f"{live_server.url}/logga-in/kod/?next=%2F")
    assert_accessible("mfa-verify")
    # the code of the next 30-second step (the one used at enrolment may not be used twice)
    page.get_by_label("Engångskod eller reservkod").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verifiera").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mina ärenden"

    # and a recovery code works once, instead of the app
    page.get_by_role("button", name="Logga ut").click()
    password_step(page, live_server, handler)
    page.get_by_label("Engångskod eller reservkod").fill(codes[0])
    page.get_by_role("button", name="Verifiera").click()
    page.wait_for_url(f"{live_server.url}/")
    assert list(SignInEvent.objects.filter(user=handler).order_by("at").values_list("method", flat=True)) == [
        SignInMethod.LOCAL,
        SignInMethod.TOTP,  # enrolled
        SignInMethod.LOCAL,
        SignInMethod.TOTP,
        SignInMethod.LOCAL,
        SignInMethod.RECOVERY,
    ]
