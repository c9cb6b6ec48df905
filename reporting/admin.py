"""Admin for agreements (verksamhetsuppdrag) and their agreed volumes. Reports (uppföljningar, with the
manager's commentary) are made, read and fastställda in the app."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import formats
from core.admin import HistoryAdmin
from reporting.models import AgreedVolume, Agreement


def format_kr(amount: int) -> str:
    """3854000 -> '3 854 000 kr' (Swedish money format)."""
    return formats.money(amount)


class AgreedVolumeInline(admin.TabularInline):
    model = AgreedVolume
    fields = ["insats_type", "min_per_year", "max_per_year"]
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
    list_display = ["name", "provider", "unit", "starts_on", "ends_on", "budget_kr", "decision_on"]
    list_select_related = ["provider", "unit"]
    list_filter = ["provider", "unit"]
    search_fields = ["name", "reference"]
    readonly_fields = ["decision_on"]
    inlines = [AgreedVolumeInline]

    @admin.display(description=_("budget"), ordering="budget")
    def budget_kr(self, obj):
        return format_kr(obj.budget)

    @admin.display(description=_("beslut om förlängning senast"))
    def decision_on(self, obj):
        return obj.decision_on if obj.pk else "–"
