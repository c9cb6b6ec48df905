from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """What must know every app: sharing, loggkontroll, change history pages, registerutdrag, gallring,
    integrity checks and backups. Above the domain apps; nothing below imports it."""

    name = "records"
    verbose_name = _("Register och gallring")
    # the default gallring rules, restored on an empty table (core.reference_data)
    reference_data = [("records.migrations.0001_retention_from_core", "records.RetentionRule")]
