"""Reads for sign-in. No personal data about young people: only staff accounts and their second factors."""

from django_otp import devices_for_user

from accounts.models import ExternalIdentity
from core.models import User


def user_for_external_identity(*, issuer: str, subject: str) -> User | None:
    """The account linked to this IdP identifier, active or not (the caller refuses a deactivated one)."""
    identity = ExternalIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    return identity.user if identity else None


def user_has_second_factor(*, user: User) -> bool:
    """Whether the user has enrolled a confirmed second factor (TOTP app or recovery codes)."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def second_factor_throttled(*, user: User) -> bool:
    """Whether django-otp holds back codes for now after wrong ones (the wait doubles after each)."""
    return any(not device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=True))
