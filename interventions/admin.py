"""Admin for insatser: the polare fee table, an editable catalogue. Every insats record is personal data,
written through interventions.services from the case pages, never shown in the admin (core.admin)."""

from django.contrib import admin

from core.admin import HistoryAdmin
from interventions.models import PolareFeeRate


@admin.register(PolareFeeRate)
class PolareFeeRateAdmin(HistoryAdmin):
    """Arvodestabell för polare: fee per night by age band and years of service. Booked nights keep their fee."""

    list_display = ["min_age", "max_age", "min_years_of_service", "fee_per_night"]
    list_editable = ["fee_per_night"]
