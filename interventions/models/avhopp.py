"""Avhopp: threat assessments and purchased insatser (protected housing and the like)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class ThreatLevel(models.TextChoices):
    NONE = "ingen", _("Ingen hotbild")
    LATENT = "latent", _("Latent hotbild")
    CONCRETE = "konkret", _("Konkret hotbild")


class DefectorAssessment(models.Model):
    """Hotbild and motivation assessed on a date; the newest one drives the routing suggestion."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="defector_assessments")
    assessed_on = models.DateField(_("bedömningsdatum"))
    threat_level = models.CharField(_("hotbild"), max_length=10, choices=ThreatLevel.choices)
    motivated = models.BooleanField(_("motiverad att lämna"), default=False)
    note = models.TextField(_("underlag"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("bedömt av")
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hotbildsbedömning")
        verbose_name_plural = _("hotbildsbedömningar")
        ordering = ["-assessed_on", "-recorded_at"]

    def __str__(self):
        return f"{self.get_threat_level_display()} {self.assessed_on}"


class PurchaseKind(models.TextChoices):
    SHELTER = "skyddat_boende", _("Skyddat boende")
    TREATMENT = "behandling", _("Behandling")
    RELOCATION = "flytt", _("Flytt/omlokalisering")
    OTHER = "annat", _("Annat")


class PurchasedService(models.Model):
    """Köpt insats for an avhoppare; the cost counts in the year the period starts."""

    RETENTION_KEEP = True  # counted by the follow-up (reporting.figures): gallring keeps it, free text emptied

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="purchased_services")
    kind = models.CharField(_("typ"), max_length=20, choices=PurchaseKind.choices)
    provider = models.CharField(_("leverantör"), max_length=200)
    starts_on = models.DateField(_("från"))
    ends_on = models.DateField(_("till"), null=True, blank=True)
    cost = models.DecimalField(_("kostnad (kr)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    note = models.CharField(_("anteckning"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("köpt insats")
        verbose_name_plural = _("köpta insatser")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="purchase_period"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on}"
