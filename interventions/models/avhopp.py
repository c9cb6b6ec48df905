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


class PriceUnit(models.TextChoices):
    PERIOD = "period", _("för hela perioden")
    MONTH = "manad", _("per månad")
    DAY = "dygn", _("per dygn")


class PurchasedService(models.Model):
    """Köpt insats for an avhoppare, priced for the period, per month or per day. `cost` is the whole period's
    cost (derived by the service from price and unit); the figures spread it over the days of the period
    (interventions.rules.purchase_cost_between), so a placement over new year counts partly in each year."""

    RETENTION_KEEP = True  # counted by the follow-up (reporting.figures): gallring keeps it, free text emptied

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="purchased_services")
    kind = models.CharField(_("typ"), max_length=20, choices=PurchaseKind.choices)
    provider = models.CharField(_("leverantör"), max_length=200)
    starts_on = models.DateField(_("från"))
    ends_on = models.DateField(_("till"), null=True, blank=True)
    price_unit = models.CharField(_("prisenhet"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.PERIOD)
    price = models.DecimalField(_("pris (kr)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    cost = models.DecimalField(
        _("kostnad för perioden (kr)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("anteckning"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("köpt insats")
        verbose_name_plural = _("köpta insatser")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="purchase_period"
            ),
            # a price per month or day has a cost only over a known period
            models.CheckConstraint(
                condition=Q(price_unit="period") | Q(ends_on__isnull=False), name="purchase_unit_price_has_end"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on}"
