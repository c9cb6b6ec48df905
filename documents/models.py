"""The akt: documents received (dokument in) and documents given out (aktbilagor).

Both hold a file stored through Django's storage API under a random name (never the uploaded name, never a
path that tells whose file it is) and are only ever served through documents.views, which checks permission
and writes the access-log row. Gallring removes the files with the rows (records.retention removes the file of
every FileField of a removed row).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Person


def _random_name(folder: str, extension: str) -> str:
    # 128 random bits: the storage name tells nothing about the person and cannot be guessed
    return f"{folder}/{secrets.token_hex(16)}{extension}"


def document_file_name(instance: "Document", filename: str) -> str:
    return _random_name("dokument", "")


def aktbilaga_file_name(instance: "Aktbilaga", filename: str) -> str:
    return _random_name("aktbilagor", "")


class DocumentKind(models.Model):
    """Catalogue of kinds of documents received (editable list): dom, polisanmälan, samtycke, intyg …"""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    active = models.BooleanField(_("aktiv"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sorteringsordning"), default=0)

    class Meta:
        verbose_name = _("dokumenttyp")
        verbose_name_plural = _("dokumenttyper")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Document(models.Model):
    """A document received (inkommen handling) attached to a case, or to a person when it concerns no one case.

    The file's type was decided from its content (documents.content), never from its name.
    """

    # masked with the person's identity (the one masking rule, core.history.identity_fields): a received
    # document's own name and description often name the person
    identity_fields = frozenset({"original_name", "description"})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents", verbose_name=_("ungdom"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name=_("ärende")
    )
    kind = models.ForeignKey(DocumentKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("typ"))
    document_date = models.DateField(_("datum"))
    received_from = models.CharField(_("inkommen från"), max_length=200, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    file = models.FileField(_("fil"), upload_to=document_file_name, max_length=200)
    original_name = models.CharField(_("filnamn"), max_length=200)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerad av")
    )
    uploaded_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokument")
        ordering = ["-document_date", "-uploaded_at"]
        indexes = [
            # case page list; person-level documents on the person's cases
            models.Index(fields=["case", "document_date"], name="document_case_date"),
            models.Index(fields=["person", "document_date"], name="document_person_date"),
        ]

    def __str__(self):
        return f"{self.kind} {self.document_date}"


class AktbilagaKind(models.TextChoices):
    COMMUNITY_SERVICE_REPORT = "ungdomstjanst_rapport", _("Rapport om ungdomstjänst")
    MEDIATION_REPORT = "medling_rapport", _("Rapport om medling")
    PLAN = "genomforandeplan", _("Genomförandeplan")
    LETTER = "brev", _("Brev")
    DECISION_LETTER = "beslut", _("Beslut")
    JOURNAL = "journalutdrag", _("Journalutdrag")
    REGISTER_EXTRACT = "registerutdrag", _("Registerutdrag")
    ACCESS_LOG_EXTRACT = "loggutdrag", _("Loggutdrag")


class Aktbilaga(models.Model):
    """A document the product gave out, kept as the exact file that was given (with its SHA-256).

    Numbered per case (aktbilaga 1, 2, …); a document about a person outside any case (registerutdrag,
    loggutdrag) is numbered in the person's own series. Append-only (PostgreSQL trigger); gallring is the
    only removal.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aktbilagor", verbose_name=_("ungdom"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="aktbilagor", verbose_name=_("ärende")
    )
    number = models.PositiveIntegerField(_("aktbilaga nr"))
    kind = models.CharField(_("typ"), max_length=30, choices=AktbilagaKind.choices)
    filename = models.CharField(_("filnamn"), max_length=200)
    file = models.FileField(_("fil"), upload_to=aktbilaga_file_name, max_length=200)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The utlämnande (consent.Disclosure) it was sent under, by id and not by foreign key: the akt sits below
    # consent in the layers (cases may keep its own outputs here), so it names the row without depending on it.
    # Gallring removes both with the person's file. `sent_to` keeps the recipient as it was named then.
    disclosure_pk = models.PositiveBigIntegerField(_("utlämnande"), null=True, blank=True, editable=False)
    sent_to = models.CharField(_("utlämnad till"), max_length=300, blank=True)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("upprättad av")
    )
    produced_at = models.DateTimeField(_("upprättad"), auto_now_add=True)

    class Meta:
        verbose_name = _("aktbilaga")
        verbose_name_plural = _("aktbilagor")
        ordering = ["number"]
        constraints = [
            # the backstop of the numbering (the service numbers under a lock of the case or person row)
            models.UniqueConstraint(fields=["case", "number"], name="aktbilaga_number_per_case"),
            models.UniqueConstraint(
                fields=["person", "number"], condition=Q(case__isnull=True), name="aktbilaga_number_per_person"
            ),
        ]
        indexes = [
            # the utlämnande row's link to what was sent, and the kept report of an utlämnande
            models.Index(fields=["disclosure_pk"], name="aktbilaga_disclosure"),
        ]

    def __str__(self):
        return f"{_('Aktbilaga')} {self.number}"
