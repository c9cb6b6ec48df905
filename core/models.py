"""Organisation, staff, the access log (loggkontroll), change history and access-grant events."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access_words import what_words


class Municipality(models.Model):
    name = models.CharField(_("namn"), max_length=100, unique=True)
    code = models.CharField(_("kommunkod"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
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

    def __str__(self) -> str:
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

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(models.QuerySet["District"]):
    def of_unit(self, unit_id: int | None) -> "DistrictQuerySet":
        """The districts of the unit's municipality, the ones its staff choose among (every district of the country
        is ≈ 3 000 options at national scale, most of them another municipality's "Centrum"); all without a unit."""
        return self if unit_id is None else self.filter(municipality__providers__units=unit_id)


class District(models.Model):
    """Område/stadsdel where a young person lives; follow-ups report the share per district."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="districts", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("område")
        verbose_name_plural = _("områden")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name_per_municipality")
        ]

    def __str__(self) -> str:
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
    # set when an administrator sets the password (then two people know it); cleared when its owner changes it
    password_change_required = models.BooleanField(
        _("måste byta lösenord vid nästa inloggning"), default=False, db_default=False
    )

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
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

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.person_id}"

    @property
    def what_display(self) -> str:
        """What was opened, in words (the stored code is for machines)."""
        return what_words(self.what)


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Skapade")
    UPDATE = "update", _("Ändrade")
    DELETE = "delete", _("Tog bort")


class ChangeLog(models.Model):
    """Change history (ändringshistorik): who changed what and when, with old and new values.

    Append-only (PostgreSQL trigger). `changes` maps a field name to [old, new] as text. The person and
    case are kept as plain ids (no foreign key) so that gallring can find and remove a person's history
    together with the rest of their file.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("ändrad av"))
    object_type = models.CharField(_("posttyp"), max_length=60)  # "app_label.model"
    object_id = models.CharField(_("post-id"), max_length=64)
    person_id = models.UUIDField(_("person"), null=True, blank=True)
    case_id = models.UUIDField(_("ärende"), null=True, blank=True)
    action = models.CharField(_("åtgärd"), max_length=10, choices=ChangeAction.choices)
    changes = models.JSONField(_("ändringar"), default=dict)

    class Meta:
        verbose_name = _("ändring")
        verbose_name_plural = _("ändringshistorik")
        ordering = ["-at", "-id"]
        indexes = [
            # history of one person (person page, registerutdrag, gallring)
            models.Index(fields=["person_id", "at"], name="changelog_person_at"),
            # history of one case
            models.Index(fields=["case_id", "at"], name="changelog_case_at"),
            # history of one record
            models.Index(fields=["object_type", "object_id"], name="changelog_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.object_type} {self.object_id} {self.action}"


class GrantKind(models.TextChoices):
    CASE_VIEW = "case_view", _("Delning av ärende")
    PROTECTED_IDENTITY = "protected_identity", _("Behörighet till skyddade personuppgifter")


class GrantAction(models.TextChoices):
    GRANT = "grant", _("Gav behörighet")
    REVOKE = "revoke", _("Tog bort behörighet")


class AccessGrantEvent(models.Model):
    """Append-only record of every grant and revocation of a per-object permission, with its reason.

    The permission itself lives in django-guardian's direct foreign-key tables
    (cases.CaseUserObjectPermission, cases.PersonUserObjectPermission); this table says who gave or took
    it, when and why. Ids only, no personal data, so it outlives gallring like the access log.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("typ"), max_length=20, choices=GrantKind.choices)
    action = models.CharField(_("åtgärd"), max_length=10, choices=GrantAction.choices)
    person_id = models.UUIDField(_("person"))
    case_id = models.UUIDField(_("ärende"), null=True, blank=True)
    grantee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("behörighet för"))
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("beslutad av"))
    reason = models.TextField(_("skäl"))

    class Meta:
        verbose_name = _("behörighetsändring")
        verbose_name_plural = _("behörighetsändringar")
        ordering = ["-at", "-id"]
        permissions = [
            ("manage_access", _("Får dela ärenden och namnge personal med behörighet till skyddade personuppgifter")),
        ]
        indexes = [
            # history shown on the sharing page of one case / the grants page of one person
            models.Index(fields=["case_id", "at"], name="grantevent_case_at"),
            models.Index(fields=["person_id", "at"], name="grantevent_person_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.action} {self.grantee_id}"
