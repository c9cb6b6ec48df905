from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Samtycken")
    # catalogues restored on an empty table (core.reference_data)
    reference_data = [
        ("consent.migrations.0003_actor_catalogue_and_guards", "consent.Actor"),
        ("consent.migrations.0005_legal_basis_catalogue_and_guard", "consent.LegalBasis"),
    ]
