"""Särskilt kvalificerad kontaktperson (SKK): who ordered it and the hours per month."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class SkkOrderedBy(models.TextChoices):
    COURT = "domstol", _("Domstol (ungdomsvård)")
    SOL = "sol", _("Socialtjänstlagen (bistånd)")


class SkkAssignment(models.Model):
    """Särskilt kvalificerad kontaktperson."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="skk", verbose_name=_("ärende"))
    contact_person = models.CharField(_("kontaktperson"), max_length=200)
    contact_phone = models.CharField(_("telefon"), max_length=30, blank=True)
    hours_per_month = models.DecimalField(
        _("timmar per månad"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("400"))],
    )
    ordered_by = models.CharField(_("beslutad av"), max_length=10, choices=SkkOrderedBy.choices)
    decided_on = models.DateField(_("beslutsdatum"))
    ends_on = models.DateField(_("gäller till"), null=True, blank=True)

    class Meta:
        verbose_name = _("särskilt kvalificerad kontaktperson")
        verbose_name_plural = _("särskilt kvalificerade kontaktpersoner")

    def __str__(self):
        return f"{self.case} SKK"
