"""SSO against a real OpenID provider (tests/oidc/op.mjs), driven in Chromium: sign-in, landing page, sign-out
that ends the IdP session, session refresh, and every refusal (nothing signed in, a Swedish message)."""

import time

import pytest
from django.contrib.auth import get_user_model

from accounts.models import SignInEvent, SignInMethod, SignInOutcome
from tests.factories import UserFactory
from tests.oidc.conftest import link

pytestmark = [pytest.mark.browser, pytest.mark.requires("node"), pytest.mark.django_db(transaction=True)]


def sso_sign_in(page, live_server, login: str) -> None:
    """From our login page through the IdP's own sign-in form and back."""
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_role("link", name="Logga in med kommunens inloggning").click()
    page.get_by_label("Login").fill(login)
    page.get_by_role("button", name="Sign in at IdP").click()


def assert_signed_out(page, live_server) -> None:
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/logga-in/?next=/")


def test_sign_in_lands_on_my_cases_and_sign_out_ends_the_idp_session(page, live_server, sso, unit, settings):
    settings.MFA_REQUIRED = True  # as in production: local accounts give a second factor, SSO ones at the IdP
    # given a social worker whose account is linked to her IdP subject (her e-mail differs on purpose)
    anna = UserFactory(unit=unit, first_name="Anna", last_name="Ek", email="annan.adress@example.org")
    link(anna, sso, "anna")
    # when she signs in with SSO
    sso_sign_in(page, live_server, "anna")
    # then she lands on Mina ärenden, signed in as herself, with no local code asked (the IdP asserted mfa)
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mina ärenden"
    event = SignInEvent.objects.get(user=anna, method=SignInMethod.SSO)
    assert (event.outcome, event.assurance) == (SignInOutcome.ACCEPTED, "loa3")

    # when she signs out
    page.get_by_role("button", name="Logga ut").click()
    # then the IdP asks to end its session too (RP-initiated logout), and she is back on our login page
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/logga-in/")
    assert_signed_out(page, live_server)
    # and a new SSO sign-in meets the IdP's login form again: the IdP session has ended
    page.get_by_role("link", name="Logga in med kommunens inloggning").click()
    assert page.get_by_label("Login").is_visible()


@pytest.mark.parametrize(
    ("tamper", "reason", "message"),
    [
        ("audience", "audience", "inte utfärdad för Ungdomsinsats"),
        ("no_nonce", "nonce", "kunde inte kopplas till din inloggning"),
        ("stale_nonce", "nonce", "kunde inte kopplas till din inloggning"),
        ("expired", "expired", "har gått ut"),
    ],
)
def test_a_tampered_id_token_is_refused(page, live_server, sso, unit, tamper, reason, message):
    # given a known user and a provider that signs a token with one claim wrong
    link(UserFactory(unit=unit), sso, "anna")
    if tamper == "stale_nonce":
        sso_sign_in(page, live_server, "anna")  # a first, good sign-in: its nonce is the stale one
        page.wait_for_url(f"{live_server.url}/")
        page.context.clear_cookies()
    sso.configure(tamper=tamper)
    # when the user signs in
    sso_sign_in(page, live_server, "anna")
    # then the sign-in is refused in Swedish and nobody is signed in
    page.get_by_role("heading", name="Inloggningen nekades").wait_for()
    assert message in page.get_by_role("alert").inner_text()
    assert SignInEvent.objects.filter(outcome=SignInOutcome.REFUSED, reason=reason).count() == 1
    assert_signed_out(page, live_server)


@pytest.mark.parametrize(
    ("login", "reason", "message"),
    [
        ("svag", "assurance", "för låg tillitsnivå"),
        ("okand", "unknown", "inte kopplat till någon användare"),
        ("bertil", "inactive", "är avstängt"),
    ],
)
def test_a_weak_unknown_or_deactivated_user_is_refused(page, live_server, sso, unit, login, reason, message):
    # given: "svag" signs in with one factor only, "okand" has no account here, "bertil"'s account is deactivated
    link(UserFactory(unit=unit), sso, "svag")
    link(UserFactory(unit=unit, is_active=False), sso, "bertil")
    users_before = get_user_model().objects.count()
    sso_sign_in(page, live_server, login)
    page.get_by_role("heading", name="Inloggningen nekades").wait_for()
    assert message in page.get_by_role("alert").inner_text()
    assert SignInEvent.objects.get(outcome=SignInOutcome.REFUSED).reason == reason
    assert get_user_model().objects.count() == users_before  # nobody provisioned
    assert_signed_out(page, live_server)


def test_a_replayed_answer_from_the_idp_is_refused(page, live_server, sso, unit, browser, assert_accessible):
    # given a completed sign-in whose answer (code and state) an attacker captured
    link(UserFactory(unit=unit), sso, "anna")
    answers = []
    page.on("request", lambda request: "/logga-in/sso/svar/" in request.url and answers.append(request.url))
    sso_sign_in(page, live_server, "anna")
    page.wait_for_url(f"{live_server.url}/")
    # when it is replayed in another browser
    other = browser.new_context(locale="sv-SE")
    replay = other.new_page()
    replay.goto(answers[0])
    # then it is refused and that browser is not signed in
    replay.get_by_role("heading", name="Inloggningen nekades").wait_for()
    assert "hörde inte till någon pågående inloggning" in replay.get_by_role("alert").inner_text()
    page.goto(answers[0])  # the same refusal page in the fixture's page, for the axe scan
    page.get_by_role("heading", name="Inloggningen nekades").wait_for()
    assert_accessible("sso-refused")
    assert_signed_out(replay, live_server)
    other.close()


def test_provisioning_from_a_group_claim_creates_the_account_with_its_role(page, live_server, sso, unit, settings):
    settings.OIDC_PROVISION_GROUP = "ui-anvandare"
    settings.OIDC_ROLE_MAP = "ui-socialsekreterare=socialsekreterare"
    settings.OIDC_UNIT_CLAIM = "sub"
    settings.OIDC_UNIT_MAP = f"nyanstalld={unit.pk}"
    sso_sign_in(page, live_server, "nyanstalld")
    page.wait_for_url(f"{live_server.url}/")
    user = get_user_model().objects.get(external_identities__subject="nyanstalld")
    assert (user.unit, user.role_names, user.has_usable_password()) == (unit, ["socialsekreterare"], False)


def test_a_user_deactivated_at_the_idp_loses_the_session_at_the_next_refresh(page, live_server, sso, unit, settings):
    # given a signed-in user whose ID token is renewed every second
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 1
    link(UserFactory(unit=unit), sso, "bertil")
    sso_sign_in(page, live_server, "bertil")
    page.wait_for_url(f"{live_server.url}/")
    # a refresh while the IdP still knows her keeps the session, silently
    time.sleep(1.2)
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mina ärenden"
    # when the IdP deactivates the account, the next refresh ends the session with a Swedish message
    sso.configure(disable="bertil")
    time.sleep(1.2)
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="Inloggningen nekades").wait_for()
    assert "har upphört" in page.get_by_role("alert").inner_text()
    assert_signed_out(page, live_server)
