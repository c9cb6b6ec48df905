"""OpenID Connect sign-in on top of mozilla-django-oidc, configured only from the environment (README "SSO").

The library does the authorization-code flow with state, nonce and PKCE, verifies the ID token's signature
against the provider's JWKS, refreshes the session silently (SessionRefresh) and calls our logout hook. This
module adds what the library leaves to the project: the issuer and audience checks, a strict nonce check
(a missing or stale nonce is refused), the required assurance level (acr/amr), matching the user on a stable
claim (never e-mail), refusing unknown or deactivated users unless provisioning is switched on, the
claim → role/unit mapping, and a coded reason for every refusal so the user gets a Swedish page.
"""

import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import selectors, services
from accounts.models import SignInMethod, SignInOutcome
from core.models import Unit, User

# Session keys: whether the IdP asserted two factors (local TOTP is then not asked) and the acr it asserted.
SESSION_IDP_MFA = "accounts_idp_mfa"
SESSION_ACR = "accounts_acr"
BACKEND_PATH = "accounts.oidc.SsoBackend"

# Why a sign-in was refused: code (stored in the sign-in record) -> what the user is told.
REFUSALS: dict[str, Any] = {
    "unknown": _(
        "Ditt konto hos identitetsleverantören är inte kopplat till någon användare i Ungdomsinsats. "
        "Kontakta systemadministratören om du ska ha tillgång."
    ),
    "inactive": _("Ditt konto i Ungdomsinsats är avstängt. Kontakta systemadministratören."),
    "assurance": _(
        "Inloggningen hade för låg tillitsnivå. Logga in med tvåfaktorsinloggning (till exempel SITHS-kort, "
        "BankID, Freja eID eller app) och försök igen."
    ),
    "audience": _("Inloggningen var inte utfärdad för Ungdomsinsats och godtogs inte."),
    "issuer": _("Inloggningen kom från en identitetsleverantör som Ungdomsinsats inte litar på."),
    "nonce": _(
        "Inloggningssvaret kunde inte kopplas till din inloggning (det kan vara en upprepning) och godtogs inte."
    ),
    "expired": _("Inloggningssvaret har gått ut. Försök logga in igen."),
    "signature": _("Inloggningssvaret kunde inte verifieras och godtogs inte."),
    "state": _("Inloggningen kunde inte slutföras: svaret hörde inte till någon pågående inloggning. Försök igen."),
    "identifier": _("Identitetsleverantören skickade ingen identifierare för dig. Kontakta systemadministratören."),
    "provider": _("Identitetsleverantören svarade inte som väntat. Försök igen om en stund."),
    "idp_error": _("Inloggningen hos identitetsleverantören avbröts eller har upphört. Logga in igen."),
}


class SsoRefusal(Exception):
    """A sign-in the product refuses; code is a key of REFUSALS."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


_metadata_cache: dict[str, tuple[float, dict[str, Any]]] = {}
METADATA_SECONDS = 3600


def discovery_url() -> str:
    return settings.OIDC_DISCOVERY_URL or settings.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document (endpoints, issuer), kept an hour per process."""
    url = discovery_url()
    cached = _metadata_cache.get(url)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
    response.raise_for_status()
    metadata: dict[str, Any] = response.json()
    _metadata_cache[url] = (time.monotonic() + METADATA_SECONDS, metadata)
    return metadata


def expected_issuer() -> str:
    return settings.OIDC_ISSUER or provider_metadata()["issuer"]


def parse_mapping(text: str) -> dict[str, str]:
    """'a=b, c=d' -> {'a': 'b', 'c': 'd'} (claim value -> role name or unit id)."""
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs if key.strip()}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, Iterable):
        return [str(item) for item in value]
    return [str(value)]


def idp_asserted_mfa(claims: dict[str, Any]) -> bool:
    """Two factors at the IdP: an acr the municipality counts as such, or an amr naming a second factor."""
    acr_ok = str(claims.get("acr", "")) in settings.OIDC_MFA_ACR
    amr_ok = bool(set(_as_list(claims.get("amr"))) & set(settings.OIDC_MFA_AMR))
    return acr_ok or amr_ok


def assurance_sufficient(claims: dict[str, Any]) -> bool:
    """The configured required level: acr one of OIDC_REQUIRED_ACR, and every OIDC_REQUIRED_AMR value in amr."""
    if settings.OIDC_REQUIRED_ACR and str(claims.get("acr", "")) not in settings.OIDC_REQUIRED_ACR:
        return False
    return set(settings.OIDC_REQUIRED_AMR) <= set(_as_list(claims.get("amr")))


def auth_request_extra_params() -> dict[str, str]:
    """Asked of the IdP on every authorization request, the silent refresh included: the required level."""
    params = dict(settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS)
    if settings.OIDC_REQUIRED_ACR:
        params["acr_values"] = " ".join(settings.OIDC_REQUIRED_ACR)
    return params


_NO_NONCE = object()


class SsoBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # mozilla-django-oidc ships no type hints
    """Authenticates the OIDC callback; every refusal leaves its code on request.sso_refusal and a record."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not settings.OIDC_ENABLED or request is None or request.path != reverse("oidc_authentication_callback"):
            return None  # a local password sign-in: not ours
        try:
            metadata = provider_metadata()
            self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
            self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint", "")
            self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
            user: User | None = super().authenticate(request, **kwargs)
        except SsoRefusal as refusal:
            self._refuse(request, refusal.code)
            return None
        except (requests.RequestException, KeyError, ValueError):
            self._refuse(request, "provider")
            return None
        except (SuspiciousOperation, jwt.InvalidTokenError):
            self._refuse(request, "signature")
            return None
        if user is None:
            self._refuse(request, "signature")
            return None
        return user

    def get_user(self, user_id: int) -> User | None:
        # the library's get_user ignores is_active; a session of an account deactivated here ends at once
        user: User | None = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _refuse(self, request: HttpRequest, code: str) -> None:
        request.sso_refusal = code  # type: ignore[attr-defined]
        services.sign_in_record(user=None, method=SignInMethod.SSO, outcome=SignInOutcome.REFUSED, reason=code)
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """Signature and expiry (PyJWT), then issuer, audience/azp and nonce; each failure has its own code."""
        nonce = kwargs.get("nonce", _NO_NONCE)
        key = self.OIDC_RP_IDP_SIGN_KEY or self.retrieve_matching_jwk(token)
        try:
            payload: dict[str, Any] = self.get_payload_data(token, key)
        except jwt.ExpiredSignatureError as error:
            raise SsoRefusal("expired") from error
        except (jwt.InvalidTokenError, SuspiciousOperation) as error:
            raise SsoRefusal("signature") from error
        if "exp" not in payload:
            raise SsoRefusal("expired")
        if payload.get("iss") != expected_issuer():
            raise SsoRefusal("issuer")
        audience = _as_list(payload.get("aud"))
        if self.OIDC_RP_CLIENT_ID not in audience:
            raise SsoRefusal("audience")
        if len(audience) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SsoRefusal("audience")
        # The library keeps one nonce per state and forgets it once used: a missing, stale or replayed
        # nonce never equals the one this browser's sign-in sent.
        if nonce is not _NO_NONCE and (not nonce or payload.get("nonce") != nonce):
            raise SsoRefusal("nonce")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Userinfo claims (profile, groups) under the ID token's claims; sub must agree (OIDC Core 5.3.2)."""
        claims: dict[str, Any] = {}
        if self.OIDC_OP_USER_ENDPOINT:
            claims = dict(super().get_userinfo(access_token, id_token, payload))
            if claims.get("sub") != payload.get("sub"):
                raise SsoRefusal("signature")
        return {**claims, **payload}

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not assurance_sufficient(claims):
            raise SsoRefusal("assurance")
        subject = claims.get(settings.OIDC_USER_CLAIM)
        if not subject:
            raise SsoRefusal("identifier")
        issuer = expected_issuer()
        roles, unit = self._mapped_roles_and_unit(claims)
        user = selectors.user_for_external_identity(issuer=issuer, subject=str(subject))
        if user is None:
            if not self._may_provision(claims):
                raise SsoRefusal("unknown")
            user = services.sso_user_provision(
                issuer=issuer,
                subject=str(subject),
                username=f"sso-{subject}"[:150],
                first_name=str(claims.get("given_name", "")),
                last_name=str(claims.get("family_name", "")),
                roles=roles or [],
                unit=unit,
            )
        elif not user.is_active:
            raise SsoRefusal("inactive")
        else:
            services.sso_user_sync(user=user, roles=roles, unit=unit)
        session = self.request.session
        session[SESSION_IDP_MFA] = idp_asserted_mfa(claims)
        session[SESSION_ACR] = str(claims.get("acr", ""))
        services.sign_in_record(
            user=user,
            method=SignInMethod.SSO,
            outcome=SignInOutcome.ACCEPTED,
            reason="refresh" if self.request.user.is_authenticated else "",
            assurance=str(claims.get("acr", "")),
        )
        return user

    def _may_provision(self, claims: dict[str, Any]) -> bool:
        group = settings.OIDC_PROVISION_GROUP
        return bool(group) and group in _as_list(claims.get(settings.OIDC_GROUPS_CLAIM))

    def _mapped_roles_and_unit(self, claims: dict[str, Any]) -> tuple[list[str] | None, Unit | None]:
        """Roles and unit from the configured claim mappings; None where no mapping is configured."""
        roles = None
        role_map = parse_mapping(settings.OIDC_ROLE_MAP)
        if role_map:
            groups = _as_list(claims.get(settings.OIDC_GROUPS_CLAIM))
            roles = sorted({role_map[group] for group in groups if group in role_map})
        unit = None
        unit_map = parse_mapping(settings.OIDC_UNIT_MAP)
        if unit_map and settings.OIDC_UNIT_CLAIM:
            unit_id = unit_map.get(str(claims.get(settings.OIDC_UNIT_CLAIM, "")))
            if unit_id and unit_id.isdigit():
                unit = Unit.objects.filter(pk=int(unit_id)).first()
        return roles, unit


def signed_in_with_sso(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH


def axes_exempt(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """django-axes counts no failure for the SSO callback (AXES_WHITELIST_CALLABLE).

    Passwords are tried at the IdP, which throttles them; our callback takes no guessable secret (state, nonce and
    PKCE bind it to this browser). Counted here, five refused SSO users behind the municipality's proxy would
    lock SSO for everyone there.
    """
    return request is not None and request.path == reverse("oidc_authentication_callback")


def provider_logout_url(request: HttpRequest) -> str:
    """RP-initiated logout: the IdP's end_session_endpoint, which ends the IdP session and sends the user back."""
    back = request.build_absolute_uri(reverse("login"))
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        endpoint = None
    if not endpoint:
        return back
    params = {"post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"
