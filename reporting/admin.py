"""Admin for agreements (verksamhetsuppdrag) and their agreed volumes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, register_remaining
from reporting.models import AgreedVolume, Agreement, Report, ReportCommentary, ReportVersion


def format_kr(amount: int) -> str:
    """3854000 -> '3 854 000 kr' (Swedish money format)."""
    return f"{amount:,}".replace(",", " ") + " kr"


class AgreedVolumeInline(admin.TabularInline):
    model = AgreedVolume
    fields = ["insats_type", "min_per_year", "max_per_year"]
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
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


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Uppföljningar are made and fastställda in the app (versions, PDF); the admin shows them."""

    list_display = ["__str__", "kind", "unit", "period_start", "period_end", "reference", "created_by"]
    list_select_related = ["provider", "unit", "created_by"]
    list_filter = ["kind", "provider", "unit"]
    search_fields = ["reference"]


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "generation_status", "generated_at", "finalised_at", "finalised_by"]
    list_select_related = ["report__provider", "finalised_by"]
    list_filter = ["status", "generation_status"]
    exclude = ["figures"]


@admin.register(ReportCommentary)
class ReportCommentaryAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "section", "updated_at", "updated_by"]
    list_select_related = ["version__report__provider", "updated_by"]
    list_filter = ["section"]


register_remaining("reporting")
