"""Stöd till unga brottsutsatta: the crime the support is about."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case


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
