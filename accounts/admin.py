from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import ExternalIdentity, SignInEvent
from accounts.services import external_identity_link
from core.admin import ReadOnlyAdmin, staff_user


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin[ExternalIdentity]):
    """An administrator links an account to its IdP identifier before the first SSO sign-in (through the service)."""

    list_display = ["subject", "issuer", "user", "created_at"]
    list_select_related = ["user"]
    search_fields = ["subject", "user__username", "user__last_name"]
    autocomplete_fields = ["user"]
    fields = ["user", "issuer", "subject"]

    def has_change_permission(self, request: HttpRequest, obj: ExternalIdentity | None = None) -> bool:
        return False  # a wrong link is deleted and made anew, so the history shows both

    def save_model(self, request: HttpRequest, obj: ExternalIdentity, form: Any, change: bool) -> None:
        linked = external_identity_link(
            actor=staff_user(request), user=obj.user, issuer=obj.issuer, subject=obj.subject
        )
        obj.pk = linked.pk


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "method", "outcome", "reason", "assurance"]
    list_filter = ["method", "outcome"]
    list_select_related = ["user"]
    date_hierarchy = "at"
