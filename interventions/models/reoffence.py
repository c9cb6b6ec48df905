"""Återfall noted on SIG and avhopp cases (the SIG effect indicator)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class ReoffenceKind(models.TextChoices):
    SUSPECTED = "misstankt_brott", _("Misstänkt brott")
    CONVICTION = "dom", _("Dom")
    POLICE_REPORT = "polisanmalan", _("Polisanmälan")
    OTHER = "annat", _("Annat")


class Reoffence(models.Model):
    """Återfall: new offending the handläggare learned of during a SIG or avhopp case. The indicator of
    effect in the SIG special follow-up counts cases by the date it was noted (noted_on)."""

    RETENTION_KEEP = True  # counted by the follow-up (reporting.figures): gallring keeps it, free text emptied

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
