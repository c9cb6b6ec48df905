from django.contrib import admin

from core.admin import HistoryAdmin
from documents.models import DocumentKind

# Documents and aktbilagor hold personal data and files: they are reached only through the case page and
# documents.views (permission, access log, attachment); the admin edits the catalogue of kinds alone.


@admin.register(DocumentKind)
class DocumentKindAdmin(HistoryAdmin):
    """The editable list of kinds of received documents; retired with `active`, never deleted (rows use them)."""

    list_display = ["name", "code", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False
