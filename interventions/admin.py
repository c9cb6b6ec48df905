"""Admin for insatser: the polare fee table is an editable catalogue; everything else is view-only here
(records are written through interventions.services from the case pages)."""

from django.contrib import admin

from core.admin import register_remaining
from interventions.models import PolareFeeRate


@admin.register(PolareFeeRate)
class PolareFeeRateAdmin(admin.ModelAdmin):
    """Arvodestabell för polare: fee per night by age band and years of service. Booked nights keep their fee."""

    list_display = ["min_age", "max_age", "min_years_of_service", "fee_per_night"]
    list_editable = ["fee_per_night"]


register_remaining("interventions")
