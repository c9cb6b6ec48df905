"""Admin of gallring: the rules are edited here (no deleting: switch a rule off); runs are listed read-only.
What a run removed (person ids) is shown on the gallring pages of the app, not here."""

from django.contrib import admin

from core.admin import HistoryAdmin, ReadOnlyAdmin
from records.models import RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(HistoryAdmin):
    list_display = ["record_type", "active", "years", "by_end_of_following_year", "keep_birth_days", "action"]
    filter_horizontal = ["exempt_insats_types"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead; runs refer to the rule types


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "as_of", "dry_run", "status", "started_by", "finished_at"]
    list_select_related = ["started_by"]
    list_filter = ["dry_run", "status"]
