"""Young people, their custodians, cases (ärenden) and the journal.

Writes go through cases.services; reads of personal data through cases.selectors.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.identity import Gender, IdKind, age_on, format_id_number
from core.models import District, Unit

MASKED_NAME = _("Skyddad identitet")
MASKED_NUMBER = "********-****"


class InsatsCode(models.TextChoices):
    """The codes of the eight insatser of the catalogue (InsatsType.code, data migration 0003): code compares
    with these, never with string literals. Not the field's choices: the catalogue stays editable."""

    COMMUNITY_SERVICE = "ungdomstjanst", _("Ungdomstjänst")
    MEDIATION = "medling", _("Medling")
    VICTIM_SUPPORT = "stod_brottsutsatta", _("Stöd till unga brottsutsatta")
    SKK = "skk", _("Särskilt kvalificerad kontaktperson")
    ASLAN = "aslan", _("ASLAN")
    SIG = "sig", _("Sociala insatsgrupper (SIG)")
    AVHOPP = "avhopp", _("Avhopp")
    FIELD_WORK = "faltverksamhet", _("Fältverksamhet")


class InsatsType(models.Model):
    """Catalogue of the eight insatser (data migration 0002) with the age range each serves."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    min_age = models.PositiveSmallIntegerField(_("lägsta ålder"))
    max_age = models.PositiveSmallIntegerField(_("högsta ålder"))
    has_individual_cases = models.BooleanField(_("har individärenden"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sorteringsordning"), default=0)

    class Meta:
        verbose_name = _("insatstyp")
        verbose_name_plural = _("insatstyper")
        ordering = ["sort_order", "name"]
        constraints = [models.CheckConstraint(condition=Q(min_age__lte=models.F("max_age")), name="insats_age_range")]

    def __str__(self) -> str:
        return self.name


class ProtectionLevel(models.TextChoices):
    NONE = "", _("Ingen")
    CONFIDENTIALITY = "sekretessmarkering", _("Sekretessmarkering")
    PROTECTED_REGISTRATION = "skyddad_folkbokforing", _("Skyddad folkbokföring")
    FICTITIOUS = "fingerade", _("Fingerade personuppgifter")


class Person(models.Model):
    """A young person (ungdom). Age is derived from birth_date, never stored.

    Identity (name, address, number) of a protected person is masked unless the selector that loaded
    the row marked it visible for the current user (`identity_visible`): masking fails closed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    id_kind = models.CharField(_("typ av nummer"), max_length=20, choices=IdKind.choices)
    id_number = models.CharField(_("personnummer"), max_length=14, unique=True)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    birth_date = models.DateField(_("födelsedatum"))
    gender = models.CharField(_("kön"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    street_address = models.CharField(_("gatuadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("postort"), max_length=100, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("område")
    )
    protection = models.CharField(
        _("skyddade personuppgifter"), max_length=30, choices=ProtectionLevel.choices, blank=True, default=""
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerad av enhet"))
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("ungdom")
        verbose_name_plural = _("ungdomar")
        ordering = ["last_name", "first_name"]
        permissions = [("view_protected_identity", _("Får se skyddade personuppgifter"))]
        indexes = [
            # name search (prefix); PostgreSQL gets a trigram index in a migration for infix search
            models.Index(fields=["last_name", "first_name"], name="person_name"),
        ]

    identity_visible = False  # set True per instance by cases.selectors for users allowed to see it
    # The masking rule of skyddad identitet: these fields are shown only when `shows_identity` (the display_*
    # properties below, registerutdrag rows, change history through core.history.identity_fields, the API).
    identity_fields = frozenset(
        {"first_name", "last_name", "id_number", "birth_date", "street_address", "postal_code", "city", "district"}
    )

    def __str__(self) -> str:
        return str(self.display_name)

    def history_owner_ids(self) -> tuple[uuid.UUID, None]:
        """(person_id, case_id) for core.history: a person's own record."""
        return self.pk, None

    @property
    def is_protected(self) -> bool:
        return bool(self.protection)

    @property
    def shows_identity(self) -> bool:
        return not self.is_protected or self.identity_visible

    @property
    def display_name(self) -> StrOrPromise:
        if not self.shows_identity:
            return MASKED_NAME
        return f"{self.first_name} {self.last_name}"

    @property
    def display_id_number(self) -> str:
        if not self.shows_identity:
            return MASKED_NUMBER
        return format_id_number(self.id_number, self.id_kind)

    @property
    def display_address(self) -> str:
        if not self.shows_identity:
            return str(MASKED_NAME)
        return ", ".join(part for part in [self.street_address, f"{self.postal_code} {self.city}".strip()] if part)

    @property
    def display_birth_date(self) -> datetime.date | None:
        """The birth date, or None while the identity is masked (a birth date narrows a person down)."""
        return self.birth_date if self.shows_identity else None

    @property
    def display_district(self) -> District | None:
        """The district, or None while the identity is masked (it says where the person lives)."""
        return self.district if self.shows_identity else None

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)


class SearchName(models.Model):
    """Name search index: one row per person and unit that sees them (registered there, or a case there).

    Kept only by database triggers (migration 0005) on every write path, and rebuilt by the generator after
    a bulk load (cases.search_names). Name search looks here first, within the user's unit, so a common
    name fragment never has to be checked against every match in the country; the visibility rule in
    cases.selectors still decides what is shown.
    """

    # Plain columns, not foreign keys: a derived copy is no part of the person's file (registerutdrag and
    # gallring walk the relations); the triggers own the rows. No single-column indexes: the unique
    # (person, unit) serves the triggers, the two below the search.
    person_id = models.UUIDField()
    unit_id = models.BigIntegerField()
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # "first last" with diacritics folded (cases.search_names.fold, migration 0006): every typed term, folded
    # the same way, must occur in it (terms hold no spaces)
    name = models.TextField()

    class Meta:
        verbose_name = _("sökindex för namn")
        verbose_name_plural = _("sökindex för namn")
        constraints = [models.UniqueConstraint(fields=["person_id", "unit_id"], name="search_name_person_unit")]
        indexes = [
            # a unit's people in name order: serves terms too short for trigrams, and stops at the first page
            models.Index(fields=["unit_id", "last_name", "first_name", "person_id"], name="search_name_unit_order"),
        ]
        # PostgreSQL adds a GIN index on (unit, UPPER(name) trigrams) in migration 0005

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.unit_id}"  # ids only: this row is never shown to a user


class CustodianQuerySet(models.QuerySet["Custodian"]):
    def current(self, on: datetime.date) -> "CustodianQuerySet":
        """Custodians whose guardianship holds on the day `on` (began, if known, and not yet ended); the same
        rule as Custodian.is_current on loaded rows."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class Custodian(models.Model):
    """Vårdnadshavare of a young person under 18 (named Custodian to avoid clashing with django-guardian).

    A guardianship that ends is given its last day (valid_to) and kept, with the consents given under it;
    changed details are kept in the change history. Of a protected person, custodians are masked as the
    person is (cases.views, templates).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="custodians", verbose_name=_("ungdom"))
    name = models.CharField(_("namn"), max_length=200)
    id_number = models.CharField(_("personnummer"), max_length=14, blank=True)
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    valid_from = models.DateField(_("vårdnadshavare från"), null=True, blank=True)
    valid_to = models.DateField(_("vårdnadshavare till och med"), null=True, blank=True)
    # a database default as well: bulk loads (cases.datagen's COPY) name only the columns they fill
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)

    objects = CustodianQuerySet.as_manager()
    # masked with the person's identity: a parent's name, number or phone leads to the child
    identity_fields = frozenset({"name", "id_number", "phone", "email"})

    class Meta:
        verbose_name = _("vårdnadshavare")
        verbose_name_plural = _("vårdnadshavare")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="custodian_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_current(self, on: datetime.date) -> bool:
        """CustodianQuerySet.current on a loaded row (the person page, consent.selectors.person_consent_state
        read the custodians with the person): change the two together."""
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or self.valid_to >= on)


class ReferralSource(models.TextChoices):
    POLICE = "polis", _("Polis")
    SOCIAL_SERVICES = "socialtjanst", _("Socialtjänst")
    SCHOOL = "skola", _("Skola")
    PROBATION = "kriminalvard", _("Kriminalvård")
    PROSECUTOR_COURT = "aklagare_domstol", _("Åklagare/domstol")
    SIS = "sis", _("SiS")
    SELF = "egen_kontakt", _("Egen kontakt")
    OTHER = "annan", _("Annan")


class Basis(models.TextChoices):
    ASSISTANCE = "bistand", _("Bistånd (beslut enligt SoL)")
    SERVICE = "service", _("Service (utan beslut)")


class ClosureReason(models.TextChoices):
    PLANNED = "planerat", _("Planerat avslut")
    UNPLANNED = "oplanerat", _("Oplanerat avslut (behandlingsavbrott)")
    MOVED = "flytt", _("Flytt")
    OTHER = "annat", _("Annat")


class CaseNumberSequence(models.Model):
    """Last case number used per year; incremented under select_for_update by cases.services."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ärendenummerserie")
        verbose_name_plural = _("ärendenummerserier")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


STATISTICS_KEY_RANGE = 65_536  # api.disclosure.KEY_RANGE: a case's statistics key is 0 … 65 535


def new_statistics_key() -> int:
    return secrets.randbelow(STATISTICS_KEY_RANGE)


class Case(models.Model):
    """Ärende: one young person, one insats, one unit, one responsible handläggare."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("ärendenummer"), max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("ungdom"))
    insats_type = models.ForeignKey(
        InsatsType, on_delete=models.PROTECT, related_name="cases", verbose_name=_("insats")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("enhet"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handled_cases",
        verbose_name=_("handläggare"),
    )
    referral_source = models.CharField(_("aktualiserad av"), max_length=20, choices=ReferralSource.choices)
    basis = models.CharField(_("grund"), max_length=10, choices=Basis.choices)
    opened_on = models.DateField(_("aktualiserat"))
    closed_on = models.DateField(_("avslutat"), null=True, blank=True)
    closure_reason = models.CharField(_("avslutsorsak"), max_length=10, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(_("kommentar till avslut"), blank=True)
    next_follow_up_on = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # The case's key for the statistics API's cell-key perturbation (api.disclosure): drawn once at random and
    # never changed or shown, so a published cell gets the same noise for the same cases in every answer.
    # The column also has a random database default (migration 0008) for bulk loads that do not name it.
    statistics_key = models.PositiveIntegerField(_("statistiknyckel"), default=new_statistics_key, editable=False)

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["-opened_on", "-number"]
        permissions = [
            ("reassign_case", _("Får byta handläggare")),
            ("export_person", _("Får ta ut registerutdrag och exporter")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_not_before_opened",
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(closure_reason=""))
                | (Q(closed_on__isnull=False) & ~Q(closure_reason="")),
                name="case_closure_reason_iff_closed",
            ),
        ]
        indexes = [
            # Mina ärenden: open cases of one handläggare
            models.Index(fields=["handler", "closed_on"], name="case_handler_open"),
            # unit-scoped lists and follow-up figures by period
            models.Index(fields=["unit", "opened_on"], name="case_unit_opened"),
            models.Index(fields=["unit", "closed_on"], name="case_unit_closed"),
            # Planering's to-do signals per insats (plan missing, mediation waiting): without it PostgreSQL ANDs the
            # unit's open cases with every case of the insats, ≈ 0.5 M index entries at scale L
            models.Index(
                fields=["unit", "insats_type"], condition=Q(closed_on__isnull=True), name="case_unit_open_type"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def history_owner_ids(self) -> tuple[uuid.UUID, uuid.UUID]:
        """(person_id, case_id) for core.history."""
        return self.person_id, self.pk

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Per-case grants across units (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("delning av ärende")
        verbose_name_plural = _("delningar av ärenden")


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class PersonUserObjectPermission(UserObjectPermissionBase):
    """Grants on a person, e.g. view_protected_identity named by the enhetschef."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class EntryKind(models.TextChoices):
    CONVERSATION = "samtal", _("Samtal")
    MEETING = "mote", _("Möte")
    PHONE = "telefon", _("Telefon")
    HOME_VISIT = "hembesok", _("Hembesök")
    NETWORK_MEETING = "natverksmote", _("Nätverksmöte")
    DECISION = "beslut", _("Beslut")
    NOTE = "anteckning", _("Anteckning")
    CORRECTION = "rattelse", _("Rättelse")


class JournalEntry(models.Model):
    """Journalanteckning. Once signed it is never changed or deleted (service rule and, on PostgreSQL,
    a trigger); a correction is a new entry pointing at the corrected one."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entries", verbose_name=_("ärende"))
    kind = models.CharField(_("typ"), max_length=20, choices=EntryKind.choices)
    occurred_on = models.DateField(_("datum"))
    text = models.TextField(_("anteckning"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("skriven av")
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    signed_at = models.DateTimeField(_("signerad"), null=True, blank=True)
    # a draft can be open in two tabs (or on two devices): the edit form carries it (optimistic locking)
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("rättar anteckning"),
    )

    # Not fields: set on the entries cases.selectors.case_timeline_entries loads (for the type checker).
    correction_list: list["JournalEntry"]
    corrected_entry: "JournalEntry | None"

    class Meta:
        verbose_name = _("journalanteckning")
        verbose_name_plural = _("journalanteckningar")
        ordering = ["-occurred_on", "-created_at"]
        indexes = [
            # case page timeline
            models.Index(fields=["case", "occurred_on"], name="entry_case_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class IdentityRequestStatus(models.TextChoices):
    PENDING = "pending", _("Väntar på beslut")
    GRANTED = "granted", _("Beviljad")
    REFUSED = "refused", _("Avslagen")


class IdentityAccessRequest(models.Model):
    """A staff member's request to be named for a protected person's identity (skyddad identitet), decided by
    the enhetschef of the person's unit. Part of the person's file (registerutdrag, gallring); the decision
    itself is a grant event (core.AccessGrantEvent) and both steps are in the change history."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="identity_requests", verbose_name=_("ungdom")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("begärd av")
    )
    reason = models.TextField(_("skäl"))
    requested_at = models.DateTimeField(_("begärd"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IdentityRequestStatus.choices, default=IdentityRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)

    class Meta:
        verbose_name = _("begäran om behörighet till skyddade personuppgifter")
        verbose_name_plural = _("begäranden om behörighet till skyddade personuppgifter")
        ordering = ["-requested_at"]
        constraints = [
            # one open request per person and staff member
            models.UniqueConstraint(
                fields=["person", "requested_by"],
                condition=Q(status="pending"),
                name="identity_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requested_by_id} @ {self.person_id}"  # ids only: the person may be protected
