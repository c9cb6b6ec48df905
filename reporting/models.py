"""Agreements (verksamhetsuppdrag) with agreed volumes, and the stored follow-up reports with their versions."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
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
    # avhopp: purchased insatser (skyddat boende, behandling) are followed up against their own budget
    defection_budget = models.PositiveBigIntegerField(
        _("budget för köpta insatser vid avhopp (kr per år)"), null=True, blank=True
    )
    # the nämnd's decision on renewal or termination; once recorded the reminder stops
    renewal_decided_on = models.DateField(_("beslut om förlängning fattat"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

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


class ReportKind(models.TextChoices):
    FIRST_HALF = "h1", _("Första halvåret")
    SECOND_HALF = "h2", _("Andra halvåret")
    YEAR = "year", _("Helår")
    CUSTOM = "custom", _("Valfri period")


class Report(models.Model):
    """A follow-up (uppföljning) of one provider, optionally one unit, for one period.

    The figures and files live in its versions; a report has at most one draft at a time and any
    number of finalised versions, which never change.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="reports", verbose_name=_("utförare"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("enhet")
    )
    kind = models.CharField(_("typ av period"), max_length=10, choices=ReportKind.choices)
    period_start = models.DateField(_("från och med"))
    period_end = models.DateField(_("till och med"))
    reference = models.CharField(_("diarienummer"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        ordering = ["-period_end", "-period_start"]
        permissions = [("finalise_report", _("Får fastställa uppföljningar"))]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period"),
            # one report per scope and period; beat and double clicks use get_or_create on these
            models.UniqueConstraint(
                fields=["provider", "period_start", "period_end"],
                condition=Q(unit__isnull=True),
                name="report_unique_provider_period",
            ),
            models.UniqueConstraint(
                fields=["provider", "unit", "period_start", "period_end"],
                condition=Q(unit__isnull=False),
                name="report_unique_unit_period",
            ),
        ]

    def __str__(self):
        return f"{self.provider} {self.period_start}–{self.period_end}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    FINALISED = "finalised", _("Fastställd")


class GenerationStatus(models.TextChoices):
    NOT_STARTED = "new", _("Inte skapad")
    QUEUED = "queued", _("Väntar på att starta")
    RUNNING = "running", _("Skapas")
    DONE = "done", _("Klar")
    FAILED = "failed", _("Misslyckades")


class ReportVersion(models.Model):
    """One version of a report: a snapshot of the figures, the commentary and the generated files.

    A finalised version never changes (reporting.services refuses it; on PostgreSQL a trigger too).
    """

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions", verbose_name=_("uppföljning"))
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    generation_status = models.CharField(
        _("framställning"), max_length=10, choices=GenerationStatus.choices, default=GenerationStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("förlopp (%)"), default=0)
    progress_step = models.CharField(_("steg"), max_length=100, blank=True)
    failure_reason = models.TextField(_("orsak till fel"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    queued_at = models.DateTimeField(_("beställd"), null=True, blank=True)
    generated_at = models.DateTimeField(_("framställd"), null=True, blank=True)
    figures = models.JSONField(_("siffror"), default=dict, blank=True)
    pdf_file = models.CharField(_("PDF-fil"), max_length=300, blank=True)
    xlsx_file = models.CharField(_("Excel-fil"), max_length=300, blank=True)
    csv_file = models.CharField(_("CSV-fil"), max_length=300, blank=True)
    # "Fastställ" renders the files once more as finalised and then flips the status (reporting.tasks)
    finalise_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fastställande begärt av"),
    )
    finalised_at = models.DateTimeField(_("fastställd"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fastställd av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    # the commentary form carries it: two people editing the draft's texts never overwrite each other
    version = models.PositiveIntegerField(_("ändringsnummer"), default=1, db_default=1)

    class Meta:
        verbose_name = _("version av uppföljning")
        verbose_name_plural = _("versioner av uppföljningar")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique_number"),
            # at most one draft per report: a retried task or a double click cannot make a second one
            models.UniqueConstraint(fields=["report"], condition=Q(status="draft"), name="report_version_one_draft"),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(finalised_at__isnull=False) & Q(generation_status="done")),
                name="report_version_finalised_is_generated",
            ),
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_busy(self) -> bool:
        return self.generation_status in (GenerationStatus.QUEUED, GenerationStatus.RUNNING)


class CommentarySection(models.TextChoices):
    SUMMARY = "summary", _("Sammanfattning")
    VOLUMES = "volumes", _("Volymer mot överenskommelsen")
    CLOSURES = "closures", _("Avslut och behandlingsavbrott")
    DISTRICTS = "districts", _("Områden")
    RESOURCES = "resources", _("Resursfördelning och budget")
    ASSESSMENT = "assessment", _("Bedömning och förslag")


class ReportCommentary(models.Model):
    """The manager's own text for one section of a version (written on the draft, locked when finalised)."""

    version = models.ForeignKey(
        ReportVersion, on_delete=models.PROTECT, related_name="commentary", verbose_name=_("version")
    )
    section = models.CharField(_("avsnitt"), max_length=20, choices=CommentarySection.choices)
    text = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("ändrad av")
    )

    class Meta:
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")
        constraints = [models.UniqueConstraint(fields=["version", "section"], name="commentary_unique_section")]

    def __str__(self):
        return f"{self.version} {self.section}"


# -- statistics summary (reporting.statistics_summary) -----------------------------------------------------


class StatisticsScopeKind(models.TextChoices):
    NATIONAL = "national", _("hela landet")
    MUNICIPALITY = "municipality", _("kommun")
    PROVIDER = "provider", _("utförare")
    UNIT = "unit", _("enhet")


class StatisticsSummary(models.Model):
    """Exact counts behind the statistics API for one scope, year and dimension value (or the total): per
    measure the cases per month and the distinct people per period node. Derived data, rebuilt by
    reporting.statistics_summary from the cases and reconciled against the live aggregate in its tests."""

    scope_kind = models.CharField(max_length=12, choices=StatisticsScopeKind.choices)
    scope_id = models.BigIntegerField()  # 0 for the national scope
    year = models.SmallIntegerField()
    dimension = models.CharField(max_length=20, blank=True)  # "" = the total column
    value = models.CharField(max_length=64)
    # {"c": {measure: [cases per month]}, "p": {measure: [people per node]}} (node order: see the module)
    data = models.JSONField()
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("statistiksammanställning")
        verbose_name_plural = _("statistiksammanställningar")
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_id", "year", "dimension", "value"], name="statistics_summary_cell"
            )
        ]

    def __str__(self):
        return f"{self.scope_kind} {self.scope_id} {self.year} {self.dimension or 'total'}={self.value}"


class StatisticsDirtyKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("kommun")  # the municipality, its providers and units, then the nation
    NATIONAL = "national", _("hela landet")  # only the national rows (their municipality is already done)
    ALL = "all", _("allt")  # everything (after TRUNCATE, a unit or provider moved, a new table)


class StatisticsDirty(models.Model):
    """A mark that summary rows are out of date, written by database triggers on cases, people, units and
    providers (so every write path is caught) and consumed by reporting.statistics_summary.refresh_dirty.
    from_year = 9999 when only Last-Modified changed (a case column the statistics do not count)."""

    kind = models.CharField(max_length=12, choices=StatisticsDirtyKind.choices)
    municipality_id = models.BigIntegerField(null=True, blank=True)
    from_year = models.IntegerField()
    to_year = models.IntegerField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("inaktuell statistik")
        verbose_name_plural = _("inaktuell statistik")
        indexes = [models.Index(fields=["municipality_id"], name="statistics_dirty_municipality")]

    def __str__(self):
        return f"{self.kind} {self.municipality_id or ''} från {self.from_year}"


class StatisticsScopeState(models.Model):
    """Per scope: the newest updated_at of its cases (the API's Last-Modified), kept with the summary."""

    scope_kind = models.CharField(max_length=12, choices=StatisticsScopeKind.choices)
    scope_id = models.BigIntegerField()
    last_modified = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("statistikomfattning")
        verbose_name_plural = _("statistikomfattningar")
        constraints = [models.UniqueConstraint(fields=["scope_kind", "scope_id"], name="statistics_scope_state")]

    def __str__(self):
        return f"{self.scope_kind} {self.scope_id}"


class StatisticsState(models.Model):
    """One row: the last year the summary covers (years after it are computed live) and the last refresh."""

    last_year = models.IntegerField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("statistikstatus")
        verbose_name_plural = _("statistikstatus")

    def __str__(self):
        return f"t.o.m. {self.last_year}"
