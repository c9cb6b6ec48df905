"""Agreements (verksamhetsuppdrag) with agreed volumes; follow-up reports come with the follow-up issue."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import InsatsType
from core.models import Provider, Unit

DECISION_MONTHS_BEFORE_END = 12


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # clamp the day to the target month's length (e.g. 31 March -> 28/29 February)
    next_month = datetime.date(year + (month // 12), month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


class Agreement(models.Model):
    """Verksamhetsuppdrag/överenskommelse between the nämnd and a provider (optionally one unit)."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("utförare")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("enhet"),
    )
    name = models.CharField(_("benämning"), max_length=200)
    reference = models.CharField(_("diarienummer"), max_length=50, blank=True)
    starts_on = models.DateField(_("gäller från"))
    ends_on = models.DateField(_("gäller till"))
    budget = models.PositiveBigIntegerField(_("budget (kr)"))
    notice_months = models.PositiveSmallIntegerField(_("uppsägningstid (månader)"), default=12)

    class Meta:
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")
        ordering = ["-ends_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="agreement_period")]

    def __str__(self):
        return self.name

    @property
    def decision_on(self) -> datetime.date:
        """The nämnd must decide on renewal or termination 12 months before the agreement ends."""
        return months_before(self.ends_on, DECISION_MONTHS_BEFORE_END)


class AgreedVolume(models.Model):
    """Agreed yearly volume for one insats as a range (e.g. 30–40 ärenden/år)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="volumes", verbose_name=_("överenskommelse")
    )
    insats_type = models.ForeignKey(InsatsType, on_delete=models.PROTECT, related_name="+", verbose_name=_("insats"))
    min_per_year = models.PositiveIntegerField(_("lägst per år"))
    max_per_year = models.PositiveIntegerField(_("högst per år"))

    class Meta:
        verbose_name = _("avtalad volym")
        verbose_name_plural = _("avtalade volymer")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "insats_type"], name="volume_unique_per_insats"),
            models.CheckConstraint(condition=Q(min_per_year__lte=models.F("max_per_year")), name="volume_range"),
        ]

    def __str__(self):
        return f"{self.insats_type}: {self.min_per_year}–{self.max_per_year}"
