from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Akten: dokument och aktbilagor")
    # catalogues restored on an empty table (core.reference_data)
    reference_data = [("documents.migrations.0002_document_kind_catalogue", "documents.DocumentKind")]

    def ready(self):
        # the case page's registry is filled once the apps are loaded (cases never imports documents' parts)
        from cases.case_page import case_page_part
        from documents.case_page import documents_case_page_part

        case_page_part(documents_case_page_part)
