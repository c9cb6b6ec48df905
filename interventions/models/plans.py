"""Genomförandeplan: versions, participants, goals, activities, agreements, follow-ups and goal attainment."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Custodian
from consent.models import Actor


class Plan(models.Model):
    """Genomförandeplan for a case. Its content lives in versions; a revision starts a new version and
    the earlier ones stay readable and unchanged."""

    RETENTION_KEEP = True  # counted by the follow-up (reporting.figures): gallring keeps it, free text emptied

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
    # optimistic locking of the plan page's edit forms (goal and follow-up method, trainer; core.concurrency)
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)
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
    RETENTION_KEEP = True  # counted by the follow-up (reporting.figures): gallring keeps it, free text emptied

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("version"))
    overall_goal = models.TextField(_("övergripande mål"), blank=True)
    follow_up_method = models.TextField(_("så följs planen upp"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(_("ersatt"), null=True, blank=True)
    revision_reason = models.TextField(_("anledning till revidering"), blank=True)
    # the meeting the version was written at: a paper signature is dated on or after it
    meeting_on = models.DateField(_("planmötet hölls"), null=True, blank=True)

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
    RETENTION_KEEP = True  # counted by the follow-up (reporting.figures): gallring keeps it, free text emptied

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

    RETENTION_KEEP = True  # counted by the follow-up (reporting.figures): gallring keeps it, free text emptied

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
    RETENTION_KEEP = True  # counted by the follow-up (reporting.figures): gallring keeps it, free text emptied

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
