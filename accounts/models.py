"""Sign-in: the stable identity a user has at the municipality's identity provider, and the sign-in record."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalIdentity(models.Model):
    """Links a staff account to the stable identifier the IdP asserts (sub, HSA-id or employee number).

    Sign-in matches on (issuer, subject) only, never on e-mail: an address can be reused or changed by the user.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("användare"),
    )
    issuer = models.CharField(_("identitetsleverantör (issuer)"), max_length=255)
    subject = models.CharField(_("identifierare"), max_length=255)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("extern identitet")
        verbose_name_plural = _("externa identiteter")
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique_subject_per_issuer")
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.issuer})"


class SignInMethod(models.TextChoices):
    LOCAL = "local", _("Lösenord (lokalt konto)")
    SSO = "sso", _("Single sign-on (OpenID Connect)")
    TOTP = "totp", _("Engångskod från app")
    RECOVERY = "recovery", _("Reservkod")


class SignInOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Godkänd")
    REFUSED = "refused", _("Nekad")


class SignInEvent(models.Model):
    """Append-only record of each sign-in step (password, SSO, second factor), accepted or refused.

    Holds codes and ids only: the reason is a code (accounts.oidc.REFUSALS), never a token or a claim value.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sign_in_events",
        verbose_name=_("användare"),
    )
    method = models.CharField(_("sätt"), max_length=16, choices=SignInMethod.choices)
    outcome = models.CharField(_("utfall"), max_length=16, choices=SignInOutcome.choices)
    reason = models.CharField(_("orsak"), max_length=32, blank=True)
    assurance = models.CharField(_("tillitsnivå (acr)"), max_length=100, blank=True)
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inloggning")
        verbose_name_plural = _("inloggningar")
        ordering = ["-at"]
        # the admin's per-user list: a user's sign-ins, newest first
        indexes = [models.Index(fields=["user", "-at"], name="sign_in_event_user_at")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.get_outcome_display()} {self.at:%Y-%m-%d %H:%M}"
