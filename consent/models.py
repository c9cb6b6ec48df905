"""Samtycke (consent) to information sharing between actors, maturity assessments and revocations.

Append-only: a consent is never edited; revocation is its own row. PostgreSQL triggers refuse
UPDATE and DELETE on these tables (migration 0002).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Custodian, Person


class Actor(models.Model):
    """An actor a plan can involve. needs_consent: sharing information with it requires samtycke."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    needs_consent = models.BooleanField(_("kräver samtycke"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sorteringsordning"), default=0)

    class Meta:
        verbose_name = _("aktör")
        verbose_name_plural = _("aktörer")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ConsentForm(models.TextChoices):
    WRITTEN = "skriftligt", _("Skriftligt")
    ORAL = "muntligt", _("Muntligt")


class Consent(models.Model):
    """Consent from the young person (custodian empty) or one custodian, covering some actors."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents", verbose_name=_("ungdom"))
    custodian = models.ForeignKey(
        Custodian,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("vårdnadshavare"),
        help_text=_("Tomt när ungdomen själv samtycker."),
    )
    actors = models.ManyToManyField(Actor, related_name="consents", verbose_name=_("aktörer"))
    given_on = models.DateField(_("lämnat"))
    form = models.CharField(_("form"), max_length=12, choices=ConsentForm.choices)
    valid_until = models.DateField(_("giltigt till"), null=True, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerat av")
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    # Not fields: set on the consents consent.selectors.consent_history and consent_summary load (for the type
    # checker; the issue 24 point 4 rewrite to row objects removes them).
    actor_list: list[Actor]
    revoked_on: dict[int, datetime.date]  # actor id -> the day the actor was revoked from this consent
    revoked_actors: list[tuple[Actor, datetime.date]]
    active_actors: list[Actor]
    status: str
    giver: str

    class Meta:
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")
        ordering = ["-given_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_until_after_given",
            )
        ]
        indexes = [models.Index(fields=["person", "given_on"], name="consent_person_given")]

    def __str__(self) -> str:
        return f"{_('Samtycke')} {self.given_on}"


class ConsentRevocation(models.Model):
    """Återkallelse: takes effect on revoked_on, immediately; the consent row itself is untouched.

    A revocation names the actors it withdraws (a parent may withdraw the police and keep school and BUP);
    the consent goes on counting for its other actors. A consent can be revoked in steps, one actor at a
    time, so it may have several revocations; every actor of the consent is revoked at most once (service)."""

    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="revocations", verbose_name=_("samtycke")
    )
    actors = models.ManyToManyField(Actor, related_name="+", verbose_name=_("aktörer som återkallas"))
    revoked_on = models.DateField(_("återkallat"))
    reason = models.TextField(_("anledning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerat av")
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        verbose_name = _("återkallelse av samtycke")
        verbose_name_plural = _("återkallelser av samtycke")

    def __str__(self) -> str:
        return f"{_('Återkallat')} {self.revoked_on}"


class MaturityAssessment(models.Model):
    """The handläggare's assessment of whether a child below the consent age is mature enough to consent
    themself (OSL 12 kap 3 § turns on maturity; the age is municipal practice)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="maturity_assessments", verbose_name=_("ungdom")
    )
    assessed_on = models.DateField(_("bedömt"))
    mature = models.BooleanField(_("bedöms tillräckligt mogen att själv samtycka"))
    reasoning = models.TextField(_("motivering"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("bedömt av")
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        verbose_name = _("mognadsbedömning")
        verbose_name_plural = _("mognadsbedömningar")
        ordering = ["-assessed_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{_('Mognadsbedömning')} {self.assessed_on}"


class LegalBasis(models.Model):
    """Catalogue of legal bases for an utlämnande (editable list): consent, or a secrecy-breaking rule."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    reference = models.CharField(_("lagrum"), max_length=100, blank=True)
    is_consent = models.BooleanField(
        _("grundas på samtycke"),
        default=False,
        help_text=_("Utlämnandet kräver då giltigt samtycke för mottagaren samma dag."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sorteringsordning"), default=0)

    class Meta:
        verbose_name = _("rättslig grund")
        verbose_name_plural = _("rättsliga grunder")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})" if self.reference else self.name


class Disclosure(models.Model):
    """Utlämnande: information about a person sent to another authority, with its legal basis.

    Append-only (PostgreSQL trigger); holds what was sent as a short description, not a copy of the data.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("ungdom"))
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
        verbose_name=_("ärende"),
    )
    recipient = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+", verbose_name=_("mottagare"))
    recipient_detail = models.CharField(_("mottagare (myndighet/enhet)"), max_length=200, blank=True)
    what_sent = models.TextField(_("vad som lämnades ut"))
    legal_basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("rättslig grund")
    )
    disclosed_on = models.DateField(_("utlämnat"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("beslutat av")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerat av")
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        verbose_name = _("utlämnande")
        verbose_name_plural = _("utlämnanden")
        ordering = ["-disclosed_on", "-recorded_at"]
        indexes = [
            # case page list and the person's loggkontroll extract
            models.Index(fields=["person", "disclosed_on"], name="disclosure_person_date"),
        ]

    def __str__(self) -> str:
        return f"{_('Utlämnande')} {self.disclosed_on}"
