from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Insatser")
    # catalogues restored on an empty table (core.reference_data)
    reference_data = [("interventions.migrations.0002_polare_fee_table", "interventions.PolareFeeRate")]

    def ready(self):
        # the case page's registry is filled once the apps are loaded (cases never imports interventions)
        from cases.case_page import case_page_part
        from interventions.case_page import interventions_case_page_part

        case_page_part(interventions_case_page_part)
