"""Admin of gallring: the rules are edited here (no deleting: switch a rule off), runs are read-only."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, register_remaining
from records.models import RetentionItem, RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["record_type", "active", "years", "by_end_of_following_year", "keep_birth_days", "action"]
    filter_horizontal = ["exempt_insats_types"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead; runs refer to the rule types


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "as_of", "dry_run", "status", "started_by", "finished_at"]
    list_select_related = ["started_by"]
    list_filter = ["dry_run", "status"]


@admin.register(RetentionItem)
class RetentionItemAdmin(ReadOnlyAdmin):
    list_display = ["run", "record_type", "person_id", "last_entry_on", "action", "at"]
    list_select_related = ["run"]
    list_filter = ["record_type", "action"]
    search_fields = ["=person_id"]


register_remaining("records")
