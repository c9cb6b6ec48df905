from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Insatser")
    # catalogues restored on an empty table (core.reference_data)
    reference_data = [("interventions.migrations.0002_polare_fee_table", "interventions.PolareFeeRate")]
