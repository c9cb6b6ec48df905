"""Fältverksamhet (no individual cases): field shifts, polare and their nights, områdesinsatser."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import District, Unit


class FieldShift(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    worked_on = models.DateField(_("datum"))
    # Shifts logged before times were asked for have none; a shift ending before it starts ran past midnight.
    starts_at = models.TimeField(_("passet började"), null=True, blank=True)
    ends_at = models.TimeField(_("passet slutade"), null=True, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("område")
    )
    area = models.CharField(_("plats/område"), max_length=200)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("personal"))
    youths_met = models.PositiveIntegerField(_("antal ungdomar mötta"))
    youths_talked = models.PositiveIntegerField(_("antal ungdomar samtal med"))
    notes = models.TextField(_("iakttagelser"), blank=True)
    area_effort = models.ForeignKey(
        "AreaEffort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("områdesinsats"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("fältpass")
        verbose_name_plural = _("fältpass")
        ordering = ["-worked_on"]
        constraints = [
            models.CheckConstraint(condition=Q(youths_talked__lte=models.F("youths_met")), name="shift_talked_le_met")
        ]

    def __str__(self):
        return f"{self.worked_on} {self.area}"


class PolareFeeRate(models.Model):
    """Configurable fee table: the fee per night for polare of an age band with at least N years of service."""

    min_age = models.PositiveSmallIntegerField(_("från ålder"))
    max_age = models.PositiveSmallIntegerField(_("till och med ålder"))
    min_years_of_service = models.PositiveSmallIntegerField(_("minst antal år som polare"), default=0)
    fee_per_night = models.DecimalField(_("arvode per kväll (kr)"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("arvodesnivå för polare")
        verbose_name_plural = _("arvodestabell för polare")
        ordering = ["min_age", "min_years_of_service"]
        constraints = [
            models.CheckConstraint(condition=Q(min_age__lte=models.F("max_age")), name="polare_fee_age_range"),
            models.UniqueConstraint(fields=["min_age", "min_years_of_service"], name="polare_fee_unique_band"),
        ]

    def __str__(self):
        return f"{self.min_age}–{self.max_age} år, {self.min_years_of_service}+ år: {self.fee_per_night} kr"


class Polare(models.Model):
    """A young person employed as polare (school-year role); not a client, so no case."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    name = models.CharField(_("namn"), max_length=200)
    birth_date = models.DateField(_("födelsedatum"))
    service_started_on = models.DateField(_("polare sedan"))
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("polare")
        verbose_name_plural = _("polare")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PolareNightStatus(models.TextChoices):
    PLANNED = "planerad", _("Planerad")
    WORKED = "arbetad", _("Arbetad")
    CANCELLED = "installd", _("Inställd")


class PolareNight(models.Model):
    """A night on the roster; the fee is fixed from the fee table when booked, so later changes to the
    table do not rewrite what was paid. Only worked nights count in fees and figures."""

    polare = models.ForeignKey(Polare, on_delete=models.CASCADE, related_name="nights", verbose_name=_("polare"))
    worked_on = models.DateField(_("datum"))
    fee = models.DecimalField(_("arvode (kr)"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=PolareNightStatus.choices, default=PolareNightStatus.PLANNED
    )

    class Meta:
        verbose_name = _("polarkväll")
        verbose_name_plural = _("polarkvällar")
        ordering = ["-worked_on"]
        constraints = [models.UniqueConstraint(fields=["polare", "worked_on"], name="polare_night_once")]

    def __str__(self):
        return f"{self.polare} {self.worked_on}"


class AreaEffort(models.Model):
    """Områdesinsats: concentrated field work in a district for 1–12 weeks, extendable."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("område"))
    reason = models.TextField(_("anledning"))
    starts_on = models.DateField(_("startar"))
    weeks = models.PositiveSmallIntegerField(_("veckor"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    ends_on = models.DateField(_("slutar"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("områdesinsats")
        verbose_name_plural = _("områdesinsatser")
        ordering = ["-starts_on"]

    def __str__(self):
        return f"{self.district} {self.starts_on}"


class AreaEffortExtension(models.Model):
    effort = models.ForeignKey(AreaEffort, on_delete=models.CASCADE, related_name="extensions")
    weeks = models.PositiveSmallIntegerField(_("förlängs med veckor"), validators=[MinValueValidator(1)])
    previous_ends_on = models.DateField(_("tidigare slutdatum"))
    new_ends_on = models.DateField(_("nytt slutdatum"))
    reason = models.TextField(_("anledning"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("förlängning")
        verbose_name_plural = _("förlängningar")
        ordering = ["created_at"]

    def __str__(self):
        return f"+{self.weeks} v"


class FieldEventKind(models.TextChoices):
    CONFLICT = "konflikt", _("Bråk eller konflikt")
    DAMAGE = "skadegorelse", _("Skadegörelse eller brand")
    DRUGS = "droger", _("Alkohol eller droger")
    WORRY = "oro", _("Oro för en ungdom eller grupp")
    POLICE = "polis", _("Kontakt med polis eller väktare")
    OTHER = "ovrigt", _("Annat")


class FieldEvent(models.Model):
    """Something that happened on a field shift: kind, place and a short note, never a young person's name
    (a named young person belongs in a case)."""

    shift = models.ForeignKey(FieldShift, on_delete=models.CASCADE, related_name="events", verbose_name=_("pass"))
    kind = models.CharField(_("typ"), max_length=20, choices=FieldEventKind.choices)
    occurred_at = models.TimeField(_("klockslag"), null=True, blank=True)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    note = models.CharField(_("kort anteckning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("händelse under fältpass")
        verbose_name_plural = _("händelser under fältpass")
        ordering = ["shift", "occurred_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.place}"


class FieldLogEntry(models.Model):
    """One entry sent from the phone's field log, by the key the phone made for it: a resend of the same key
    returns the first result and never writes again."""

    key = models.UUIDField(_("idempotensnyckel"), unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("mottagen"), auto_now_add=True)
    shifts = models.ManyToManyField(FieldShift, related_name="+", verbose_name=_("pass"))

    class Meta:
        verbose_name = _("post från fältloggen")
        verbose_name_plural = _("poster från fältloggen")
        ordering = ["-received_at"]

    def __str__(self):
        return str(self.key)
