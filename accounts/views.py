"""Sign-in pages: local password (break-glass and demo), SSO start/callback, sign-out, the second factor."""

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import selectors, services
from accounts.forms import EnrolmentForm, SecondFactorForm
from accounts.models import SignInMethod, SignInOutcome
from accounts.oidc import (
    REFUSALS,
    auth_request_extra_params,
    provider_logout_url,
    provider_metadata,
    signed_in_with_sso,
)
from core.http import AuthenticatedRequest
from core.policy import access_policy

TOO_MANY = gettext_lazy("För många felaktiga försök. Vänta en stund och försök igen.")
WRONG_CODE = gettext_lazy("Koden stämmer inte. Kontrollera att klockan i telefonen går rätt och försök igen.")


@access_policy("public")
class LocalLoginView(auth_views.LoginView):
    """The login page: SSO first when configured, then the local form for the break-glass account and the demo."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "sso_enabled": settings.OIDC_ENABLED, "mfa_required": settings.MFA_REQUIRED}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.sign_in_record(user=form.get_user(), method=SignInMethod.LOCAL, outcome=SignInOutcome.ACCEPTED)
        return response


@access_policy("public")
class SsoStartView(OIDCAuthenticationRequestView):  # type: ignore[misc]  # mozilla-django-oidc ships no type hints
    """Sends the browser to the IdP (state, nonce and PKCE kept in the session by the library)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        response: HttpResponse = super().get(request)
        return response

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        return auth_request_extra_params()


@access_policy("public")
class SsoCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]  # mozilla-django-oidc ships no type hints
    """The IdP's answer. A refused sign-in gets a Swedish page (403) and no session."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            response: HttpResponse = super().get(request)
            return response
        except SuspiciousOperation:
            # the state is not one this browser started (a replayed or forged answer)
            request.sso_refusal = "state"  # type: ignore[attr-defined]  # read back by login_failure
            services.sign_in_record(user=None, method=SignInMethod.SSO, outcome=SignInOutcome.REFUSED, reason="state")
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        request: HttpRequest = self.request
        code = getattr(request, "sso_refusal", None)
        if code is None:
            code = "idp_error" if request.GET.get("error") else "state"
            services.sign_in_record(user=None, method=SignInMethod.SSO, outcome=SignInOutcome.REFUSED, reason=code)
        if request.user.is_authenticated:
            auth.logout(request)
        return render(request, "registration/sso_refused.html", {"message": REFUSALS[code], "code": code}, status=403)


@access_policy("authenticated")
class SignOutView(View):
    """Ends the session here and, after SSO, at the IdP too (RP-initiated logout)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        target = resolve_url(settings.LOGOUT_REDIRECT_URL)
        if settings.OIDC_ENABLED and signed_in_with_sso(request):
            target = provider_logout_url(request)
        auth.logout(request)
        return HttpResponseRedirect(target)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@access_policy("authenticated")
@login_required
def mfa_verify(request: AuthenticatedRequest) -> HttpResponse:
    """Second step of a local sign-in: a code from the app or a recovery code."""
    if request.user.is_verified():  # type: ignore[attr-defined]  # set by django-otp's OTPMiddleware
        return redirect(_next_url(request))
    if not selectors.user_has_second_factor(user=request.user):
        return redirect("mfa_enrol")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-otp doubles the wait after each wrong code; say so rather than call a right code wrong
        throttled = selectors.second_factor_throttled(user=request.user)
        device = None if throttled else match_token(request.user, form.cleaned_data["token"])
        if throttled:
            form.add_error("token", TOO_MANY)
        elif device is not None:
            otp_login(request, device)
            method = SignInMethod.RECOVERY if isinstance(device, StaticDevice) else SignInMethod.TOTP
            services.sign_in_record(user=request.user, method=method, outcome=SignInOutcome.ACCEPTED)
            return redirect(_next_url(request))
        else:
            services.sign_in_record(user=request.user, method=SignInMethod.TOTP, outcome=SignInOutcome.REFUSED)
            form.add_error("token", WRONG_CODE)
    return render(request, "registration/mfa_verify.html", {"form": form, "next": _next_url(request)})


@access_policy("authenticated")
@login_required
def mfa_enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol an authenticator app (TOTP): QR code as inline SVG, the key for typing in, then recovery codes."""
    if selectors.user_has_second_factor(user=request.user) and not request.user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
        return redirect("mfa_verify")  # a new app only after proving the current one
    device = services.totp_enrolment_start(user=request.user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()  # django-otp doubles the wait after each wrong code
        if not allowed:
            form.add_error("token", TOO_MANY)
        elif device.verify_token(form.cleaned_data["token"]):
            codes = services.totp_enrolment_confirm(user=request.user, device=device)
            otp_login(request, device)
            return render(request, "registration/mfa_recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        else:
            form.add_error("token", WRONG_CODE)
    qr_svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(
        encoding="unicode"
    )
    secret = b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "registration/mfa_enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": _next_url(request)},
    )
