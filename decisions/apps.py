from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Beslut")
    # catalogues restored on an empty table (core.reference_data)
    reference_data = [("decisions.migrations.0002_lagrum_and_delegation_seed", "decisions.Lagrum")]

    def ready(self) -> None:
        # the case page's registry is filled once the apps are loaded (cases never imports decisions)
        from cases.case_page import case_page_part
        from decisions.case_page import decisions_case_page_part

        case_page_part(decisions_case_page_part)
