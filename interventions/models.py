"""Insatser: the details each intervention type needs, genomförandeplaner, and field work.

Per-insats details hang off cases.Case (one-to-one where a case has one order, many-to-one for
repeated records). Field work (fältverksamhet) has no individual cases and hangs off a unit.
Records that belong to a case cascade with it so that gallring of a case removes them too.
Writes go through interventions.services; reads through interventions.selectors.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Custodian
from consent.models import Actor
from core.models import District, Unit

# ---------------------------------------------------------------- Ungdomstjänst

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


# ---------------------------------------------------------------- Medling


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


# ---------------------------------------------------------------- Stöd till unga brottsutsatta


class CrimeType(models.TextChoices):
    ASSAULT = "misshandel", _("Misshandel")
    ROBBERY = "ran", _("Rån")
    THREAT = "hot", _("Olaga hot")
    SEXUAL = "sexualbrott", _("Sexualbrott")
    THEFT = "stold", _("Stöld")
    HARASSMENT = "ofredande", _("Ofredande/kränkning")
    ONLINE = "natbrott", _("Brott på nätet")
    OTHER = "annat", _("Annat")


class VictimSupport(models.Model):
    """Stöd till unga brottsutsatta; the contacts themselves are journal entries on the case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="victim_support", verbose_name=_("ärende"))
    crime_type = models.CharField(_("typ av brott"), max_length=15, choices=CrimeType.choices)
    crime_on = models.DateField(_("brottsdatum"), null=True, blank=True)
    reported_to_police = models.BooleanField(_("anmält till polisen"), default=False)

    class Meta:
        verbose_name = _("stöd till brottsutsatt")
        verbose_name_plural = _("stöd till brottsutsatta")

    def __str__(self):
        return f"{self.case} {self.get_crime_type_display()}"


# ---------------------------------------------------------------- SKK


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


# ---------------------------------------------------------------- ASLAN


class AslanGroup(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    name = models.CharField(_("namn"), max_length=100)
    starts_on = models.DateField(_("startar"))
    leaders = models.CharField(_("gruppledare"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ASLAN-grupp")
        verbose_name_plural = _("ASLAN-grupper")
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name


class AslanParticipant(models.Model):
    """A young person (an ASLAN case, 10–14 years) in a group, with their parents taking part."""

    group = models.ForeignKey(
        AslanGroup, on_delete=models.CASCADE, related_name="participants", verbose_name=_("grupp")
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aslan_participations")
    parents = models.ManyToManyField(Custodian, blank=True, related_name="+", verbose_name=_("föräldrar som deltar"))

    class Meta:
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        constraints = [models.UniqueConstraint(fields=["group", "case"], name="aslan_participant_once")]

    def __str__(self):
        return str(self.case)


class AslanMeeting(models.Model):
    group = models.ForeignKey(AslanGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("grupp"))
    held_on = models.DateField(_("datum"))
    topic = models.CharField(_("tema"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("gruppträff")
        verbose_name_plural = _("gruppträffar")
        ordering = ["held_on"]

    def __str__(self):
        return f"{self.group} {self.held_on}"


class AslanAttendance(models.Model):
    meeting = models.ForeignKey(AslanMeeting, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(AslanParticipant, on_delete=models.CASCADE, related_name="attendance")
    youth_present = models.BooleanField(_("ungdomen närvarande"), default=False)
    parents_present = models.PositiveSmallIntegerField(_("antal föräldrar närvarande"), default=0)

    class Meta:
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [models.UniqueConstraint(fields=["meeting", "participant"], name="aslan_attendance_once")]

    def __str__(self):
        return f"{self.meeting} {self.participant}"


# ---------------------------------------------------------------- Avhopp


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


# ---------------------------------------------------------------- Återfall (SIG and avhopp)


class ReoffenceKind(models.TextChoices):
    SUSPECTED = "misstankt_brott", _("Misstänkt brott")
    CONVICTION = "dom", _("Dom")
    POLICE_REPORT = "polisanmalan", _("Polisanmälan")
    OTHER = "annat", _("Annat")


class Reoffence(models.Model):
    """Återfall: new offending the handläggare learned of during a SIG or avhopp case. The indicator of
    effect in the SIG special follow-up counts cases by the date it was noted (noted_on)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reoffences", verbose_name=_("ärende"))
    noted_on = models.DateField(_("känt för handläggaren"))
    offence_on = models.DateField(_("brottsdatum"), null=True, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=ReoffenceKind.choices)
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerat av")
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        verbose_name = _("återfall")
        verbose_name_plural = _("återfall")
        ordering = ["-noted_on", "-recorded_at"]
        indexes = [models.Index(fields=["noted_on"], name="reoffence_noted_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(offence_on__isnull=True) | Q(offence_on__lte=models.F("noted_on")),
                name="reoffence_offence_before_noted",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.noted_on}"


# ---------------------------------------------------------------- Fältverksamhet (no individual cases)


class FieldShift(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    worked_on = models.DateField(_("datum"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("område")
    )
    area = models.CharField(_("plats/område"), max_length=200)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("personal"))
    youths_met = models.PositiveIntegerField(_("antal ungdomar mötta"))
    youths_talked = models.PositiveIntegerField(_("antal ungdomar samtal med"))
    notes = models.TextField(_("iakttagelser"), blank=True)
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


class PolareNight(models.Model):
    """A night on the roster; the fee is fixed from the fee table when booked, so later changes to the
    table do not rewrite what was paid."""

    polare = models.ForeignKey(Polare, on_delete=models.CASCADE, related_name="nights", verbose_name=_("polare"))
    worked_on = models.DateField(_("datum"))
    fee = models.DecimalField(_("arvode (kr)"), max_digits=8, decimal_places=2)

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


# ---------------------------------------------------------------- Genomförandeplan


class Plan(models.Model):
    """Genomförandeplan for a case. Its content lives in versions; a revision starts a new version and
    the earlier ones stay readable and unchanged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans", verbose_name=_("ärende"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_plans",
        verbose_name=_("samordnare"),
    )
    trainer_name = models.CharField(_("personlig tränare"), max_length=200, blank=True)
    trainer_phone = models.CharField(_("personlig tränares telefon"), max_length=30, blank=True)
    trainer_assigned_on = models.DateField(_("personlig tränare utsedd"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    consent_flagged_on = models.DateField(
        _("samtycke saknades (senast noterat)"),
        null=True,
        blank=True,
        help_text=_("Noteras av det dagliga jobbet; sidorna räknar flaggan från aktuellt samtycke."),
    )

    class Meta:
        verbose_name = _("genomförandeplan")
        verbose_name_plural = _("genomförandeplaner")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["coordinator"], name="plan_coordinator")]

    def __str__(self):
        return f"{_('Genomförandeplan')} {self.case}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("version"))
    overall_goal = models.TextField(_("övergripande mål"), blank=True)
    follow_up_method = models.TextField(_("så följs planen upp"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(_("ersatt"), null=True, blank=True)
    revision_reason = models.TextField(_("anledning till revidering"), blank=True)

    class Meta:
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(superseded_at__isnull=True), name="plan_one_current_version"
            ),
        ]

    def __str__(self):
        return f"{_('Version')} {self.number}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class PlanParticipant(models.Model):
    """An actor taking part in the plan. Actors that need consent are admitted only under valid consent."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="participants")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+", verbose_name=_("aktör"))
    contact = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    added_on = models.DateField(_("tillagd"))

    class Meta:
        verbose_name = _("deltagande aktör")
        verbose_name_plural = _("deltagande aktörer")
        ordering = ["actor__sort_order"]
        constraints = [models.UniqueConstraint(fields=["version", "actor"], name="plan_participant_once")]

    def __str__(self):
        return str(self.actor)


class Goal(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("mål"))

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text[:60]


class Activity(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="activities")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="activities", verbose_name=_("mål")
    )
    what = models.TextField(_("vad ska göras"))
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+", verbose_name=_("ansvarig"))
    when = models.CharField(_("när"), max_length=200)
    due_on = models.DateField(_("klart senast"), null=True, blank=True)
    # an activity with a deadline stays on the to-do lists until it is marked done
    done_on = models.DateField(_("klar"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.what[:60]


class PlanAgreement(models.Model):
    """The young person (custodian empty) or one custodian agreed to this version of the plan on a date."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="agreements")
    custodian = models.ForeignKey(
        Custodian, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("vårdnadshavare")
    )
    agreed_on = models.DateField(_("datum"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("godkännande")
        verbose_name_plural = _("godkännanden")
        ordering = ["agreed_on"]
        constraints = [
            models.UniqueConstraint(fields=["version", "custodian"], name="plan_agreement_once"),
            models.UniqueConstraint(
                fields=["version"], condition=Q(custodian__isnull=True), name="plan_agreement_young_person_once"
            ),
        ]

    def __str__(self):
        return f"{self.agreed_on}"


class FollowUp(models.Model):
    """A follow-up: planned (due_on) and, once held, the meeting date, a note and attainment per goal."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("planerad"))
    held_on = models.DateField(_("hölls"), null=True, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        ordering = ["due_on", "id"]
        indexes = [
            # planning view: open follow-ups by date
            models.Index(fields=["held_on", "due_on"], name="followup_open_due"),
        ]

    def __str__(self):
        return f"{self.due_on}"


class Attainment(models.TextChoices):
    REACHED = "uppnatt", _("Uppnått")
    PARTLY = "delvis", _("Delvis uppnått")
    NOT_REACHED = "ej_uppnatt", _("Inte uppnått")


class GoalAttainment(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="attainments")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="attainments")
    level = models.CharField(_("måluppfyllelse"), max_length=12, choices=Attainment.choices)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("måluppfyllelse")
        verbose_name_plural = _("måluppfyllelse")
        constraints = [models.UniqueConstraint(fields=["follow_up", "goal"], name="attainment_once")]

    def __str__(self):
        return self.get_level_display()
