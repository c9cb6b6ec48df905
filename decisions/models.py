"""Beslut on bistånd cases: the lagrum catalogue, the nämnd's delegationsordning and the beslut itself.

Writes go through decisions.services; reads of beslut (they belong to a person's file) through
decisions.selectors, which scope them by the case's visibility (cases.selectors).
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, InsatsType


class Lagrum(models.Model):
    """A section of law a beslut is made under. Editable catalogue (data migration 0002 seeds it): the
    socialtjänstlag (2025:400) in force since 2025-07-01 and the SoL (2001:453) older beslut were made under."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    law = models.CharField(_("lag"), max_length=100)
    section = models.CharField(_("paragraf"), max_length=60)
    title = models.CharField(_("beskrivning"), max_length=200)
    in_force_from = models.DateField(_("gäller från och med"), null=True, blank=True)
    in_force_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    active = models.BooleanField(_("kan väljas för nya beslut"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sorteringsordning"), default=0)

    class Meta:
        verbose_name = _("lagrum")
        verbose_name_plural = _("lagrum")
        ordering = ["sort_order", "law", "section"]

    def __str__(self) -> str:
        return f"{self.section} {self.law} – {self.title}"

    def in_force_on(self, day: datetime.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_to is None or day <= self.in_force_to
        )


class Outcome(models.TextChoices):
    GRANTED = "bifall", _("Bifall")
    PARTLY_GRANTED = "delvis_bifall", _("Delvis bifall")
    REFUSED = "avslag", _("Avslag")


GRANTING_OUTCOMES = (Outcome.GRANTED, Outcome.PARTLY_GRANTED)


class DelegationRule(models.Model):
    """One line of the delegationsordning: which roles may decide a beslut of this outcome (for one insats,
    or for every insats when none is named). A beslut for an insats uses its own line when there is one."""

    outcome = models.CharField(_("beslut"), max_length=20, choices=Outcome.choices)
    insats_type = models.ForeignKey(
        InsatsType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("insats"),
        help_text=_("Tomt: gäller alla insatser som inte har en egen rad."),
    )
    roles = models.ManyToManyField(Group, related_name="+", verbose_name=_("roller som får besluta"), blank=True)
    note = models.CharField(_("punkt i delegationsordningen"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegationsordning")
        ordering = ["outcome", "insats_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "insats_type"], name="delegation_one_line_per_insats", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        insats = self.insats_type.name if self.insats_type is not None else _("alla insatser")
        return f"{self.get_outcome_display()} – {insats}"


class Decision(models.Model):
    """Beslut on a bistånd case: outcome, lagrum, what was applied for and granted for which period, the beslut
    date and the delegat who decided. Verkställighet (executed_on) is the day the insats actually started; a
    granted beslut may also end without being verkställt (ended_on, e.g. the young person declined)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("ärende"))
    outcome = models.CharField(_("beslut"), max_length=20, choices=Outcome.choices)
    lagrum = models.ForeignKey(Lagrum, on_delete=models.PROTECT, related_name="+", verbose_name=_("lagrum"))
    applied_for = models.TextField(_("ansökan avser"))
    granted = models.TextField(_("beviljat"), blank=True)
    reasoning = models.TextField(_("motivering"))
    period_from = models.DateField(_("beviljat från och med"), null=True, blank=True)
    period_to = models.DateField(_("beviljat till och med"), null=True, blank=True)
    decided_on = models.DateField(_("beslutsdatum"))
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("beslutsfattare")
    )
    executed_on = models.DateField(_("verkställt"), null=True, blank=True)
    ended_on = models.DateField(_("avslutat utan verkställighet"), null=True, blank=True)
    end_reason = models.CharField(_("orsak till avslut"), max_length=200, blank=True)
    delay_reason = models.TextField(_("orsak till dröjsmål"), blank=True)
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__isnull=True)
                | Q(period_from__isnull=True)
                | Q(period_to__gte=models.F("period_from")),
                name="decision_period_in_order",
            ),
            # only a granted beslut is verkställt or ended; an avslag has nothing to carry out
            models.CheckConstraint(
                condition=Q(outcome__in=[o.value for o in GRANTING_OUTCOMES])
                | (Q(executed_on__isnull=True) & Q(ended_on__isnull=True)),
                name="decision_only_granted_executed",
            ),
            models.CheckConstraint(
                condition=Q(executed_on__isnull=True) | Q(executed_on__gte=models.F("decided_on")),
                name="decision_executed_not_before_decided",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("decided_on")),
                name="decision_ended_not_before_decided",
            ),
        ]
        indexes = [
            # ej verkställda beslut of a unit: granted, still waiting, by beslut date (decisions.selectors)
            models.Index(
                fields=["decided_on"],
                name="decision_waiting",
                condition=Q(executed_on__isnull=True, ended_on__isnull=True, outcome__in=["bifall", "delvis_bifall"]),
            ),
        ]
        permissions = [
            ("view_unexecuted_report", _("Får se ej verkställda beslut och ta ut rapporten till IVO och nämnden")),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decided_on}"

    @property
    def is_granting(self) -> bool:
        return self.outcome in GRANTING_OUTCOMES

    @property
    def is_waiting(self) -> bool:
        """Granted but neither verkställt nor ended."""
        return self.is_granting and self.executed_on is None and self.ended_on is None
