"""The login page, SSO off by default, the second-factor gate and the assurance rules (no provider needed)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SignInEvent
from accounts.oidc import BACKEND_PATH, SESSION_IDP_MFA, assurance_sufficient, idp_asserted_mfa

pytestmark = pytest.mark.django_db


def test_without_configuration_sso_is_off_and_the_local_form_remains(client):
    page = client.get(reverse("login")).content.decode()
    assert "kommunens inloggning" not in page
    assert 'name="password"' in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_with_sso_configured_the_login_page_offers_it_first(client, settings):
    settings.OIDC_ENABLED = True
    page = client.get(reverse("login")).content.decode()
    assert reverse("oidc_authentication_init") in page
    assert page.index(reverse("oidc_authentication_init")) < page.index('name="password"')


def test_the_demo_says_the_second_factor_is_off(client, settings):
    settings.MFA_REQUIRED = False
    assert (
        "Tvåstegsverifiering för lokala konton är avstängd (demoläge)" in client.get(reverse("login")).content.decode()
    )
    settings.MFA_REQUIRED = True
    assert "avstängd (demoläge)" not in client.get(reverse("login")).content.decode()


def test_a_password_alone_reaches_nothing_but_the_second_factor_pages(client, handler, settings):
    settings.MFA_REQUIRED = True
    client.force_login(handler)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_enrol"))
    TOTPDevice.objects.create(user=handler, name="app", confirmed=True)
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_verify"))
    assert client.get(reverse("mfa_verify")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_a_wrong_code_is_refused_in_swedish(client, handler, settings):
    settings.MFA_REQUIRED = True
    TOTPDevice.objects.create(user=handler, name="app", confirmed=True)
    client.force_login(handler)
    response = client.post(reverse("mfa_verify"), {"token": "000000"})
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_an_sso_user_whose_idp_asserted_two_factors_is_not_asked_for_a_local_code(client, handler, settings):
    settings.MFA_REQUIRED = True
    client.force_login(handler, backend=BACKEND_PATH)
    session = client.session
    session[SESSION_IDP_MFA] = True
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_without_the_requirement_a_password_is_enough(client, handler, settings):
    settings.MFA_REQUIRED = False
    client.force_login(handler)
    assert client.get(reverse("home")).status_code == 200


def test_assurance_rules(settings):
    settings.OIDC_REQUIRED_ACR = ["http://id.elegnamnden.se/loa/1.0/loa3"]
    settings.OIDC_REQUIRED_AMR = []
    assert assurance_sufficient({"acr": "http://id.elegnamnden.se/loa/1.0/loa3"})
    assert not assurance_sufficient({"acr": "http://id.elegnamnden.se/loa/1.0/loa2"})
    assert not assurance_sufficient({})
    settings.OIDC_REQUIRED_ACR = []
    settings.OIDC_REQUIRED_AMR = ["mfa"]
    assert assurance_sufficient({"amr": ["pwd", "mfa"]})
    assert not assurance_sufficient({"amr": ["pwd"]})
    settings.OIDC_MFA_AMR = ["mfa"]
    settings.OIDC_MFA_ACR = ["loa3"]
    assert idp_asserted_mfa({"amr": ["mfa"]}) and idp_asserted_mfa({"acr": "loa3"})
    assert not idp_asserted_mfa({"acr": "loa2", "amr": ["pwd"]})


def test_refused_sso_answers_do_not_count_towards_the_password_lockout(client, settings):
    # given SSO pointing at an IdP that does not answer (each callback is refused with "provider")
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    settings.OIDC_RP_CLIENT_ID = "ungdomsinsats"
    settings.OIDC_TIMEOUT = 2
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        session = client.session
        session["oidc_states"] = {f"s{attempt}": {"nonce": "n", "code_verifier": None, "added_on": 0}}
        session.save()
        response = client.get(reverse("oidc_authentication_callback"), {"code": "c", "state": f"s{attempt}"})
        assert response.status_code == 403
    assert SignInEvent.objects.filter(reason="provider").count() == settings.AXES_FAILURE_LIMIT + 1
    assert not AccessAttempt.objects.exists()


def test_an_sso_user_without_two_factors_at_the_idp_gives_a_local_code(client, handler, settings):
    settings.MFA_REQUIRED = True
    client.force_login(handler, backend=BACKEND_PATH)
    session = client.session
    session[SESSION_IDP_MFA] = False
    session.save()
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_enrol"))


def test_the_admin_can_remove_a_second_factor_but_never_sees_its_key(admin_client, handler):
    device = TOTPDevice.objects.create(user=handler, name="app", confirmed=True)
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])).status_code == 200


def test_an_sso_session_ends_at_once_when_the_account_is_deactivated_here(client, handler):
    client.force_login(handler, backend=BACKEND_PATH)
    assert client.get(reverse("home")).status_code == 200
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_a_second_wrong_code_at_once_is_held_back_with_a_swedish_message(client, handler, settings):
    settings.MFA_REQUIRED = True
    TOTPDevice.objects.create(user=handler, name="app", confirmed=True)
    client.force_login(handler)
    assert "Koden stämmer inte" in client.post(reverse("mfa_verify"), {"token": "000000"}).content.decode()
    assert "För många felaktiga försök" in client.post(reverse("mfa_verify"), {"token": "000000"}).content.decode()
