"""Organisation, staff and the access log (loggkontroll)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    name = models.CharField(_("namn"), max_length=100, unique=True)
    code = models.CharField(_("kommunkod"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Provider(models.Model):
    """Utförare/verksamhet that runs services under an agreement with the nämnd."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="providers", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=150)

    class Meta:
        verbose_name = _("utförare")
        verbose_name_plural = _("utförare")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="provider_unique_name_per_municipality")
        ]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """Enhet: staff and cases belong to a unit; case visibility is scoped by it."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="units", verbose_name=_("utförare"))
    name = models.CharField(_("namn"), max_length=150)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="unit_unique_name_per_provider")]

    def __str__(self):
        return self.name


class District(models.Model):
    """Område/stadsdel where a young person lives; follow-ups report the share per district."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="districts", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        verbose_name = _("område")
        verbose_name_plural = _("områden")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name_per_municipality")
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """Roles are Django groups with these names; core.roles assigns their permissions."""

    SOCIAL_WORKER = "socialsekreterare", _("Socialsekreterare")
    COORDINATOR = "samordnare", _("Samordnare")
    MANAGER = "enhetschef", _("Enhetschef")
    STATISTICS = "statistik", _("Statistik")
    ADMINISTRATOR = "systemadministrator", _("Systemadministratör")


class User(AbstractUser):
    """Staff member. The unit scopes what they see; roles come from group membership."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("enhet")
    )
    title = models.CharField(_("titel"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> list[str]:
        # groups are usually prefetched by the request's user lookup; fine as one query otherwise
        return sorted(group.name for group in self.groups.all())

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names


class AccessAction(models.TextChoices):
    VIEW = "view", _("Visade")
    LIST = "list", _("Visade i lista")
    SEARCH = "search", _("Sökträff")
    CHANGE = "change", _("Ändrade")
    PRINT = "print", _("Skrev ut")
    EXPORT = "export", _("Exporterade")
    API = "api", _("Hämtade via API")


class AccessLog(models.Model):
    """Loggkontroll: who saw which person's data, when, how and from where.

    Append-only (a PostgreSQL trigger refuses UPDATE and DELETE). Holds ids and codes only, never
    copies of personal data, and keeps the person id without a foreign key so that rows outlive gallring.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("användare"))
    role = models.CharField(_("roll"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("enhet")
    )
    person_id = models.UUIDField(_("person"))
    case_id = models.UUIDField(_("ärende"), null=True, blank=True)
    action = models.CharField(_("åtgärd"), max_length=10, choices=AccessAction.choices)
    what = models.CharField(_("vad"), max_length=60)
    protected_identity = models.BooleanField(_("skyddad identitet visad"), default=False)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at"]
        indexes = [
            # "who opened person X" (loggkontroll, registerutdrag)
            models.Index(fields=["person_id", "at"], name="accesslog_person_at"),
            # "what did user Y open"
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.person_id}"
