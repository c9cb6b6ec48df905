from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Samtycken")

    def ready(self):
        # the case page's registry is filled once the apps are loaded (cases never imports consent)
        from cases.case_page import case_page_part
        from consent.case_page import consent_case_page_part

        case_page_part(consent_case_page_part)
