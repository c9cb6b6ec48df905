from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ExternalIdentity, SignInEvent
from accounts.services import external_identity_link
from core.admin import HistoryAdminMixin, ReadOnlyAdmin, staff_user


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(HistoryAdminMixin, admin.ModelAdmin[ExternalIdentity]):
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

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no related rows; the service wrote the link's history (removals go through the mixin)


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "method", "outcome", "reason", "assurance"]
    list_filter = ["method", "outcome"]
    list_select_related = ["user"]
    date_hierarchy = "at"


# An administrator resets a lost second factor by removing the device; that is a grant of sorts (the user enrols
# anew), so it goes into the change history like every other admin change. The secret key is never recorded.
class TOTPDeviceHistoryAdmin(HistoryAdminMixin, TOTPDeviceAdmin):  # type: ignore[misc]  # django-otp ships no type hints
    history_fields = ["user", "name", "confirmed"]


class StaticDeviceHistoryAdmin(HistoryAdminMixin, StaticDeviceAdmin):  # type: ignore[misc]  # as above
    history_fields = ["user", "name", "confirmed"]


for model, model_admin in ((TOTPDevice, TOTPDeviceHistoryAdmin), (StaticDevice, StaticDeviceHistoryAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
