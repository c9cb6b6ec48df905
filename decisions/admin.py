"""Admin for the systemadministratör: the lagrum catalogue and the delegationsordning. No personal data: the
beslut themselves are not in the admin (they are a person's file; decisions.selectors reads them)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import HistoryAdmin
from decisions.models import DelegationRule, Lagrum


@admin.register(Lagrum)
class LagrumAdmin(HistoryAdmin):
    list_display = ["section", "law", "title", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    list_filter = ["law", "active"]
    search_fields = ["section", "law", "title", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Lagrum | None = None) -> list[str]:
        return ["code"] if obj else []  # beslut refer to the row; the code names it in the seed

    def has_delete_permission(self, request: HttpRequest, obj: Lagrum | None = None) -> bool:
        return False  # a lagrum used by a beslut stays; one no longer chosen is made inactive


@admin.register(DelegationRule)
class DelegationRuleAdmin(HistoryAdmin):
    list_display = ["outcome", "insats_type", "allowed_roles", "note"]
    list_select_related = ["insats_type"]
    list_filter = ["outcome", "insats_type"]
    filter_horizontal = ["roles"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DelegationRule]:
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description=DelegationRule._meta.get_field("roles").verbose_name)
    def allowed_roles(self, obj: DelegationRule) -> str:
        return ", ".join(sorted(group.name for group in obj.roles.all())) or "–"
