from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Ärenden")
    # catalogues restored on an empty table (core.reference_data)
    reference_data = [("cases.migrations.0003_insats_catalogue_and_guards", "cases.InsatsType")]
