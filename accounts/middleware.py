"""Sign-in middleware: silent OIDC session refresh, and the second factor local accounts must give."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from mozilla_django_oidc.middleware import SessionRefresh

from accounts import selectors
from accounts.oidc import SESSION_IDP_MFA, auth_request_extra_params, provider_metadata, signed_in_with_sso
from core.models import User
from core.policy import policy_of

# Routes a signed-in user must reach before giving a second factor.
SECOND_FACTOR_EXEMPT = {"mfa_verify", "mfa_enrol", "logout", "oidc_authentication_init", "oidc_authentication_callback"}


class OidcSessionRefresh(SessionRefresh):  # type: ignore[misc]  # mozilla-django-oidc ships no type hints
    """mozilla-django-oidc's SessionRefresh, off when SSO is not configured and reading settings per request.

    After OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS an SSO session is re-authenticated silently (prompt=none): a user
    deactivated or signed out at the IdP comes back with an error and loses the session here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        MiddlewareMixin.__init__(self, get_response)
        self.OIDC_EXEMPT_URLS: list[str] = []

    @property
    def exempt_urls(self) -> set[str]:
        return {reverse(name) for name in ("oidc_authentication_init", "oidc_authentication_callback", "logout")}

    @property
    def exempt_url_patterns(self) -> set[str]:
        return set()

    @property
    def OIDC_OP_AUTHORIZATION_ENDPOINT(self) -> str:  # noqa: N802 - the library's attribute name
        return str(provider_metadata()["authorization_endpoint"])

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_SCOPES(self) -> str:  # noqa: N802
        return settings.OIDC_RP_SCOPES

    OIDC_STATE_SIZE = 32
    OIDC_NONCE_SIZE = 32
    OIDC_USE_NONCE = True
    OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"

    def get_settings(self, attr: str, *args: Any) -> Any:
        # the required acr is asked for on the silent refresh too, or the IdP may assert a lower one
        if attr == "OIDC_AUTH_REQUEST_EXTRA_PARAMS":
            return auth_request_extra_params()
        return SessionRefresh.get_settings(attr, *args)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.OIDC_ENABLED:
            return None
        response: HttpResponse | None = super().process_request(request)
        return response


class SignInGate:
    """A page a signed-in user must pass before reaching anything else; subclasses say when and where to.

    Public routes (health checks, sign-in) and the routes in `exempt` stay open, so the gate's own pages,
    sign-out and the SSO callback work.
    """

    exempt: frozenset[str] = frozenset()

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def target(self, request: HttpRequest, user: User) -> str | None:
        """The route name the user must go to now, or None to let the request through."""
        raise NotImplementedError

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not isinstance(request.user, User) or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if (match and match.url_name in self.exempt) or policy_of(view_func) == "public":
            return None
        target = self.target(request, request.user)
        if target is None:
            return None
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class SecondFactorRequired(SignInGate):
    """With MFA_REQUIRED, a signed-in user reaches nothing but the second-factor pages until verified.

    django-otp's OTPMiddleware (before this) marks the user verified after a code; an SSO sign-in where the
    IdP asserted two factors counts as verified too.
    """

    exempt = frozenset(SECOND_FACTOR_EXEMPT)

    def target(self, request: HttpRequest, user: User) -> str | None:
        if not settings.MFA_REQUIRED:
            return None
        verified = user.is_verified()  # type: ignore[attr-defined]  # set by django-otp's OTPMiddleware
        if verified or request.session.get(SESSION_IDP_MFA):
            return None
        return "mfa_verify" if selectors.user_has_second_factor(user=user) else "mfa_enrol"


class PasswordChangeRequired(SignInGate):
    """A password someone else set (an administrator, for a new or locked-out colleague) is known to two people:
    its owner changes it before reaching anything else (after the second factor, which comes first)."""

    exempt = frozenset({*SECOND_FACTOR_EXEMPT, "password_change"})

    def target(self, request: HttpRequest, user: User) -> str | None:
        # only a sign-in with that password: someone who came through the IdP never typed it, and could not
        # give it as the old password on "Byt lösenord"
        if not user.password_change_required or signed_in_with_sso(request):
            return None
        return "password_change"
