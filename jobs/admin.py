"""The outbox, for operations: which task waits or failed. Arguments (ids) are not shown (core.admin)."""

from django.contrib import admin
from django.http import HttpRequest

from jobs.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["id", "task_name", "queue", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["queue", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["task_name"]
    fields = ("id", "task_name", "queue", "created_at", "sent_at", "attempts", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
