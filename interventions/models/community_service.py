"""Ungdomstjänst: the order from the court, work places and the hours performed."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case

CS_MIN_HOURS = 20
CS_MAX_HOURS = 150


class CommunityServiceStatus(models.TextChoices):
    ONGOING = "pagar", _("Pågår")
    COMPLETED = "fullgjord", _("Fullgjord")
    INTERRUPTED = "avbruten", _("Avbruten")


class CommunityServiceOrder(models.Model):
    """Ungdomstjänst (BrB 32 kap): the ordered hours and how they are performed."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="community_service", verbose_name=_("ärende")
    )
    ordered_hours = models.PositiveSmallIntegerField(
        _("utdömda timmar"), validators=[MinValueValidator(CS_MIN_HOURS), MaxValueValidator(CS_MAX_HOURS)]
    )
    judgment_on = models.DateField(_("dom/beslut meddelat"))
    issued_by = models.CharField(_("domstol/åklagarkammare"), max_length=200)
    report_to = models.CharField(_("rapport till"), max_length=200, help_text=_("Åklagare eller domstol."))
    supervisor_name = models.CharField(_("handledare"), max_length=200, blank=True)
    supervisor_phone = models.CharField(_("handledarens telefon"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CommunityServiceStatus.choices, default=CommunityServiceStatus.ONGOING
    )
    ended_on = models.DateField(_("avslutad"), null=True, blank=True)
    end_note = models.TextField(_("kommentar till avslut"), blank=True)
    # what the report to åklagare/domstol says of how the ungdomstjänst went; written also after the end,
    # when the report is usually made
    assessment = models.TextField(_("bedömning"), blank=True)
    # optimistic locking of the details form (core.concurrency): two people editing never overwrite silently
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)

    class Meta:
        verbose_name = _("ungdomstjänst")
        verbose_name_plural = _("ungdomstjänster")
        constraints = [
            models.CheckConstraint(
                condition=Q(ordered_hours__gte=CS_MIN_HOURS) & Q(ordered_hours__lte=CS_MAX_HOURS),
                name="cs_ordered_hours_range",
            )
        ]

    def __str__(self):
        return f"{self.case} {self.ordered_hours} h"


class CommunityServiceWorkplace(models.Model):
    order = models.ForeignKey(
        CommunityServiceOrder, on_delete=models.CASCADE, related_name="workplaces", verbose_name=_("ungdomstjänst")
    )
    name = models.CharField(_("arbetsplats"), max_length=200)
    contact = models.CharField(_("kontaktperson på arbetsplatsen"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("arbetsplats")
        verbose_name_plural = _("arbetsplatser")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommunityServiceSession(models.Model):
    """Hours performed on one occasion. A total above the ordered hours needs a note (service rule)."""

    order = models.ForeignKey(
        CommunityServiceOrder, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("ungdomstjänst")
    )
    workplace = models.ForeignKey(
        CommunityServiceWorkplace, on_delete=models.PROTECT, related_name="+", verbose_name=_("arbetsplats")
    )
    performed_on = models.DateField(_("datum"))
    hours = models.DecimalField(
        _("timmar"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerat av")
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        verbose_name = _("utfört tillfälle")
        verbose_name_plural = _("utförda tillfällen")
        ordering = ["performed_on", "recorded_at"]

    def __str__(self):
        return f"{self.performed_on} {self.hours} h"
