"""Medling (lag 2002:445): the mediation, its parties, § 5 checks, samråd and meetings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class MediationStatus(models.TextChoices):
    PREPARING = "forberedelse", _("Förberedelse")
    ONGOING = "pagar", _("Medling pågår")
    ENDED = "avslutad", _("Avslutad")


class MediationOutcome(models.TextChoices):
    AGREEMENT = "overenskommelse", _("Överenskommelse")
    NO_AGREEMENT = "ingen_overenskommelse", _("Ingen överenskommelse")
    CANCELLED = "avbruten", _("Avbruten")


class Mediation(models.Model):
    """Medling vid brott (lag 2002:445). The § 5 checks must be recorded before mediation starts."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="mediation", verbose_name=_("ärende"))
    offence = models.TextField(_("brottet"))
    offence_on = models.DateField(_("brottsdatum"), null=True, blank=True)
    police_reference = models.CharField(_("polisens diarienummer"), max_length=50, blank=True)
    prosecutor = models.CharField(_("åklagare (rapport till)"), max_length=200, blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medlare"),
    )
    status = models.CharField(
        _("status"), max_length=25, choices=MediationStatus.choices, default=MediationStatus.PREPARING
    )
    # § 5 checks
    offender_volunteers = models.BooleanField(_("gärningspersonen deltar frivilligt"), default=False)
    victim_volunteers = models.BooleanField(_("brottsoffret deltar frivilligt"), default=False)
    reported_to_police = models.BooleanField(_("brottet är anmält till polisen"), default=False)
    offender_admitted = models.BooleanField(_("gärningspersonen har erkänt gärningen"), default=False)
    suitability_assessed = models.BooleanField(_("lämpligheten är bedömd"), default=False)
    suitability_note = models.TextField(_("lämplighetsbedömning"), blank=True)
    under_12_reason = models.TextField(_("synnerliga skäl (gärningsperson under 12 år)"), blank=True)
    checks_recorded_on = models.DateField(_("kontroller registrerade"), null=True, blank=True)
    started_on = models.DateField(_("medling påbörjad"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=25, choices=MediationOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("motivering av utfallet"), blank=True)
    agreement_text = models.TextField(_("överenskommelsens text"), blank=True)
    ended_on = models.DateField(_("avslutad"), null=True, blank=True)

    class Meta:
        verbose_name = _("medling")
        verbose_name_plural = _("medlingar")
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(checks_recorded_on__isnull=False),
                name="mediation_checks_before_start",
            )
        ]

    def __str__(self):
        return f"{_('Medling')} {self.case}"


class PartyRole(models.TextChoices):
    OFFENDER = "garningsperson", _("Gärningsperson")
    VICTIM = "brottsoffer", _("Brottsoffer")


class MediationParty(models.Model):
    """A party. The offender is the case's person (no copy of their identity); a victim may have no
    personnummer, so only a name and contact are required."""

    mediation = models.ForeignKey(
        Mediation, on_delete=models.CASCADE, related_name="parties", verbose_name=_("medling")
    )
    role = models.CharField(_("roll"), max_length=15, choices=PartyRole.choices)
    is_case_person = models.BooleanField(_("ärendets ungdom"), default=False)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    id_number = models.CharField(_("personnummer"), max_length=14, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"), null=True, blank=True)
    contact = models.CharField(_("kontaktuppgift"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        ordering = ["role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mediation"], condition=Q(is_case_person=True), name="mediation_one_case_person"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}"


class MediationConsultation(models.Model):
    """Samråd med förundersökningsledaren (§ 6 and FUL)."""

    mediation = models.ForeignKey(
        Mediation, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("medling")
    )
    consulted_on = models.DateField(_("datum"))
    with_whom = models.CharField(_("förundersökningsledare"), max_length=200)
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerat av")
    )

    class Meta:
        verbose_name = _("samråd")
        verbose_name_plural = _("samråd")
        ordering = ["consulted_on"]

    def __str__(self):
        return f"{self.consulted_on}"


class MeetingKind(models.TextChoices):
    PRE_OFFENDER = "formote_garningsperson", _("Förmöte med gärningspersonen")
    PRE_VICTIM = "formote_brottsoffer", _("Förmöte med brottsoffret")
    MEDIATION = "medlingsmote", _("Medlingsmöte")
    FOLLOW_UP = "uppfoljning", _("Uppföljning")


class MediationMeeting(models.Model):
    mediation = models.ForeignKey(
        Mediation, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("medling")
    )
    kind = models.CharField(_("typ"), max_length=25, choices=MeetingKind.choices)
    held_on = models.DateField(_("datum"))
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        verbose_name = _("medlingsmöte")
        verbose_name_plural = _("medlingsmöten")
        ordering = ["held_on"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"
