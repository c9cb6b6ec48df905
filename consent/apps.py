from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Samtycken")
    # catalogues restored on an empty table (core.reference_data)
    reference_data = [
        ("consent.migrations.0003_actor_catalogue_and_guards", "consent.Actor"),
        ("consent.migrations.0007_prosecutor_and_court_recipients", "consent.Actor"),
        ("consent.migrations.0005_legal_basis_catalogue_and_guard", "consent.LegalBasis"),
    ]

    def ready(self) -> None:
        # the case page's registry is filled once the apps are loaded (cases never imports consent)
        from cases.case_page import case_page_part
        from consent.case_page import consent_case_page_part

        case_page_part(consent_case_page_part)
