"""Writes for sign-in: the sign-in record, accounts provisioned from the IdP, second-factor enrolment.

Each write records its row (history or sign-in record) in the same transaction.
"""

import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ExternalIdentity, SignInEvent, SignInMethod, SignInOutcome
from core.history import change_record, history_snapshot
from core.models import ChangeAction, Unit, User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"
# History keeps what a reader needs; never a password hash or a device secret.
USER_FIELDS = ["username", "first_name", "last_name", "unit"]
DEVICE_FIELDS = ["user", "name", "confirmed"]


def sign_in_record(
    *, user: User | None, method: SignInMethod, outcome: SignInOutcome, reason: str = "", assurance: str = ""
) -> SignInEvent:
    """Record one sign-in step (anyone may cause one; the row holds codes, never tokens or claims)."""
    return SignInEvent.objects.create(
        user=user, method=method, outcome=outcome, reason=reason[:32], assurance=assurance[:100]
    )


@transaction.atomic
def sso_user_provision(
    *, issuer: str, subject: str, username: str, first_name: str, last_name: str, roles: list[str], unit: Unit | None
) -> User:
    """Create an account for someone the IdP's provisioning group admits, linked to their stable identifier."""
    user = User(username=username, first_name=first_name[:150], last_name=last_name[:150], unit=unit)
    user.set_unusable_password()  # signs in through the IdP only
    user.save()
    change_record(actor=user, instance=user, action=ChangeAction.CREATE, fields=USER_FIELDS)
    identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    change_record(actor=user, instance=identity, action=ChangeAction.CREATE)
    if roles:
        user.groups.set(Group.objects.filter(name__in=roles))
    return user


@transaction.atomic
def sso_user_sync(*, user: User, roles: list[str] | None, unit: Unit | None) -> User:
    """Bring roles and unit in line with what the IdP asserts (only the parts a mapping is configured for)."""
    if unit is not None and user.unit_id != unit.pk:
        before = history_snapshot(user, ["unit"])
        user.unit = unit
        user.save(update_fields=["unit"])
        change_record(actor=user, instance=user, action=ChangeAction.UPDATE, before=before)
    if roles is not None:
        user.groups.set(Group.objects.filter(name__in=roles))
    return user


@transaction.atomic
def external_identity_link(*, actor: User, user: User, issuer: str, subject: str) -> ExternalIdentity:
    """Link an existing account to its IdP identifier (an administrator's step before the first SSO sign-in)."""
    identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    change_record(actor=actor, instance=identity, action=ChangeAction.CREATE)
    return identity


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator-app device, created once and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm the app after a correct code and issue fresh recovery codes (returned once, stored hashed by use)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    change_record(actor=user, instance=device, action=ChangeAction.CREATE, fields=DEVICE_FIELDS)
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    change_record(actor=user, instance=recovery, action=ChangeAction.CREATE, fields=DEVICE_FIELDS)
    sign_in_record(user=user, method=SignInMethod.TOTP, outcome=SignInOutcome.ACCEPTED, reason="enrolled")
    return codes
