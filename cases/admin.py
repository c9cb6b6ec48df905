"""Admin for the insats catalogue only. People, custodians, cases and the journal are personal data: they
are read and written in the app (cases.selectors, cases.services), never in the admin (core.admin)."""

from django.contrib import admin
from django.http import HttpRequest

from cases.models import InsatsType
from core.admin import HistoryAdmin


@admin.register(InsatsType)
class InsatsTypeAdmin(HistoryAdmin):
    list_display = ["name", "code", "min_age", "max_age", "has_individual_cases", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: InsatsType | None = None) -> list[str]:
        return ["code"] if obj else []  # the code is referenced by the rest of the product

    def has_delete_permission(self, request: HttpRequest, obj: InsatsType | None = None) -> bool:
        return False
