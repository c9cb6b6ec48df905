"""ASLAN: parent groups, their participants, meetings and attendance."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Custodian
from core.models import Unit


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
