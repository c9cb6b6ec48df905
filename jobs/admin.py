from django.contrib import admin
from django.http import HttpRequest

from jobs.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["id", "task_name", "queue", "key", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["queue", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["task_name", "key"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
