"""Writes for API tokens: create (returns the key once) and revoke."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import TOKEN_PREFIX, ApiToken, TokenScope, hash_key
from api.throttling import ApiClientThrottle
from core.history import change_record, history_snapshot
from core.models import ChangeAction, Municipality, Provider, User
from core.roles import is_statistics_client

# What the change history keeps of a token (never the key's hash).
TOKEN_HISTORY_FIELDS = ["name", "key_prefix", "scope", "user", "municipality", "provider", "throttle_rate",
                        "expires_at", "revoked_at"]  # fmt: skip

DEFAULT_VALID_DAYS = 365
MAX_VALID_DAYS = 3 * 365


def _validate_rate(rate: str) -> None:
    if not rate:
        return
    try:
        count, period = ApiClientThrottle().parse_rate(rate)  # as the throttle will read the token's rate
    except (ValueError, KeyError, IndexError):
        count = period = None
    if not count or count <= 0 or not period:
        raise ValidationError({"throttle_rate": _("Ange anropsgränsen som antal/period, t.ex. 120/min.")})


def api_token_owner_errors(*, actor: User | None, user: User, scope: str) -> dict[str, str]:
    """Why `actor` may not make a token acting as `user` (empty when allowed): oneself, or a statistics token
    for a dedicated statistics-client account; `actor` None is the server operator's command line."""
    if actor is None or user.pk == actor.pk:
        return {}
    if not is_statistics_client(user):
        return {
            "user": _(
                "En nyckel agerar som sin användare: skapa den åt dig själv, eller åt ett konto som bara har "
                "rollen statistik."
            )
        }
    if scope != TokenScope.STATISTICS:
        return {"scope": _("Åt ett statistikkonto kan bara en statistiknyckel skapas.")}
    return {}


@transaction.atomic
def api_token_create(
    *,
    actor: User | None,
    name: str,
    scope: str,
    user: User,
    municipality: Municipality | None = None,
    provider: Provider | None = None,
    valid_days: int = DEFAULT_VALID_DAYS,
    throttle_rate: str = "",
) -> tuple[ApiToken, str]:
    """Create a token and return it with the plain key, which is shown once and never stored.

    A token acts as its user, so nobody makes one to act as someone else: a person makes a token for
    themselves, and for another account only a statistics token of a dedicated statistics-client account
    (core.roles.is_statistics_client). `actor` None is the server operator's command line. The token is
    recorded in the change history."""
    errors: dict[str, str] = api_token_owner_errors(actor=actor, user=user, scope=scope)
    if not name.strip():
        errors["name"] = _("Ange vem som ska använda nyckeln.")
    if scope not in TokenScope.values:
        errors["scope"] = _("Välj omfattning: statistik eller ärendenivå.")
    if municipality is None and provider is None:
        errors["provider"] = _("Begränsa nyckeln till en kommun eller en utförare.")
    if municipality is not None and provider is not None and provider.municipality_id != municipality.pk:
        errors["provider"] = _("Utföraren hör inte till den valda kommunen.")
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        errors["expires_at"] = _("Giltighetstiden ska vara 1–%(max)s dagar.") % {"max": MAX_VALID_DAYS}
    if not user.is_active:
        errors["user"] = _("Användaren är inte aktiv.")
    if errors:
        raise ValidationError(errors)
    _validate_rate(throttle_rate)

    prefix = secrets.token_hex(6)
    key = f"{TOKEN_PREFIX}{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name.strip(),
        key_prefix=prefix,
        key_hash=hash_key(key),
        scope=scope,
        user=user,
        municipality=municipality,
        provider=provider,
        throttle_rate=throttle_rate,
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=valid_days),
    )
    if actor is not None:
        change_record(actor=actor, instance=token, action=ChangeAction.CREATE, fields=TOKEN_HISTORY_FIELDS)
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke at once; a revoked token is never valid again (idempotent)."""
    before = history_snapshot(token, TOKEN_HISTORY_FIELDS)
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked and actor is not None:
        token.refresh_from_db()
        change_record(
            actor=actor, instance=token, action=ChangeAction.UPDATE, before=before, fields=TOKEN_HISTORY_FIELDS
        )
    token.refresh_from_db(fields=["revoked_at"])
    return token


def split_key(key: str) -> str | None:
    """The lookup prefix of a presented key, or None when it is not shaped like one of ours."""
    if not key.startswith(TOKEN_PREFIX) or "." not in key:
        return None
    prefix = key[len(TOKEN_PREFIX) :].split(".", 1)[0]
    return prefix if 0 < len(prefix) <= 16 else None
