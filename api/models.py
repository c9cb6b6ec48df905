"""API clients: tokens created by an administrator, stored hashed, with expiry, revocation and a scope.

A token acts as one user (`user`): the case-level scope reads through cases.selectors with that user's
permissions and writes access-log rows in that user's name; the statistics scope reads aggregated counts
only. Either scope is limited to one municipality or one provider.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Municipality, Provider

TOKEN_PREFIX = "ui_"


class TokenScope(models.TextChoices):
    STATISTICS = "statistics", _("Statistik (aggregerade tal, inga personuppgifter)")
    CASES = "cases", _("Ärendenivå (personer och ärenden som användaren får se)")


def hash_key(key: str) -> str:
    """SHA-256 of the whole key: the key is 256 random bits, so a fast hash is enough (no dictionary)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(_("klient"), max_length=100, help_text=_("Vem som använder nyckeln, t.ex. BI-verktyget."))
    key_prefix = models.CharField(_("nyckelns början"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("nyckelns kontrollsumma"), max_length=64, editable=False)
    scope = models.CharField(_("omfattning"), max_length=20, choices=TokenScope.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("agerar som användare"),
        help_text=_("Nyckeln får samma behörighet som användaren, begränsad av omfattningen."),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kommun")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("utförare")
    )
    throttle_rate = models.CharField(
        _("anropsgräns"),
        max_length=20,
        blank=True,
        help_text=_("T.ex. 120/min eller 5000/day. Tomt: standardgränsen."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    expires_at = models.DateTimeField(_("giltig till"))
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False) | Q(provider__isnull=False), name="apitoken_limited_scope"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
