"""Gallring: the retention rules per record type, and what each run removed (ids and counts only).

The tables kept their names from when these models lived in core (db_table), so a database migrated before
the move needs no change beyond the migration state (core 0005, records 0001).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_ACCESS_LOG_YEARS = 5


class RecordType(models.TextChoices):
    PERSON_FILE = "personakt", _("Personakt (person, ärenden, journal, samtycken, planer)")
    ACCESS_LOG = "atkomstlogg", _("Åtkomstlogg och behörighetsändringar")


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", _("Avidentifiera (statistikuppgifter behålls)")
    DELETE = "delete", _("Radera helt")


class RetentionRule(models.Model):
    """Gallringsregel per record type. Defaults follow the SoL practice in docs/domain.md (README "Gallring")."""

    record_type = models.CharField(_("posttyp"), max_length=20, choices=RecordType.choices, unique=True)
    active = models.BooleanField(_("aktiv"), default=True)
    years = models.PositiveSmallIntegerField(_("år efter sista anteckning"), default=5)
    by_end_of_following_year = models.BooleanField(
        _("gallra under kalenderåret efter"),
        default=True,
        help_text=_("Posten gallras under kalenderåret efter det år då tiden gått ut, i stället för exakt på dagen."),
    )
    keep_birth_days = models.CharField(
        _("behåll personer födda dessa dagar"),
        max_length=50,
        blank=True,
        default="5,15,25",
        help_text=_("Dagar i månaden, kommaseparerade (forskningsurval)."),
    )
    exempt_insats_types = models.ManyToManyField(
        "cases.InsatsType",
        blank=True,
        related_name="+",
        verbose_name=_("undantagna insatser"),
        help_text=_("Personakter med ett ärende av dessa insatser bevaras."),
    )
    action = models.CharField(
        _("åtgärd"), max_length=10, choices=RetentionAction.choices, default=RetentionAction.ANONYMISE
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        db_table = "core_retentionrule"
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        ordering = ["record_type"]

    def __str__(self):
        return self.get_record_type_display()

    @property
    def kept_days(self) -> set[int]:
        return {int(part) for part in self.keep_birth_days.replace(" ", "").split(",") if part.isdigit()}

    def clean(self):
        """The access log is kept at least five years; kept birth days are days of a month."""
        errors = {}
        if self.record_type == RecordType.ACCESS_LOG and self.years < MIN_ACCESS_LOG_YEARS:
            errors["years"] = _("Åtkomstloggen ska sparas i minst fem år.")
        parts = [part for part in self.keep_birth_days.replace(" ", "").split(",") if part]
        if any(not part.isdigit() or not 1 <= int(part) <= 31 for part in parts):
            errors["keep_birth_days"] = _("Ange dagar 1–31 åtskilda med kommatecken.")
        if errors:
            raise ValidationError(errors)


class RetentionRunStatus(models.TextChoices):
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Klar")
    FAILED = "failed", _("Misslyckades")


class RetentionRun(models.Model):
    """One gallring run (dry or real). A real run that was killed is resumed by the next run."""

    started_at = models.DateTimeField(_("startad"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    as_of = models.DateField(_("gallringsdag"))
    dry_run = models.BooleanField(_("provkörning"))
    status = models.CharField(
        _("status"), max_length=10, choices=RetentionRunStatus.choices, default=RetentionRunStatus.RUNNING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("startad av"),
    )
    error = models.TextField(_("fel"), blank=True)

    class Meta:
        db_table = "core_retentionrun"
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringskörningar")
        ordering = ["-started_at", "-id"]
        permissions = [("run_retention", _("Får provköra gallring"))]

    def __str__(self):
        return f"{self.as_of} {'dry' if self.dry_run else 'real'} {self.status}"


class RetentionItem(models.Model):
    """What a run removed (or, in a dry run, would remove): ids and counts, never personal data.

    A real item is written in the same transaction as the removal it records, so after a crash an item
    exists exactly for the people whose removal committed.
    """

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="items", verbose_name=_("körning"))
    record_type = models.CharField(_("posttyp"), max_length=20, choices=RecordType.choices)
    person_id = models.UUIDField(_("person"), null=True, blank=True)
    case_numbers = models.JSONField(_("ärendenummer"), default=list)
    last_entry_on = models.DateField(_("sista anteckning"), null=True, blank=True)
    action = models.CharField(_("åtgärd"), max_length=10, choices=RetentionAction.choices)
    removed = models.JSONField(_("borttaget"), default=dict)  # "app.Model" -> number of rows, "files" -> n
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True)

    class Meta:
        db_table = "core_retentionitem"
        verbose_name = _("gallrad post")
        verbose_name_plural = _("gallrade poster")
        ordering = ["run", "id"]
        constraints = [
            # one removal per person per real run; dry runs repeat freely
            models.UniqueConstraint(fields=["run", "person_id"], name="retentionitem_unique_person_per_run"),
        ]
        indexes = [models.Index(fields=["person_id"], name="retentionitem_person")]

    def __str__(self):
        return f"{self.run_id} {self.person_id}"
