"""Admin for organisation, users and the access log, plus the shared admin bases the other apps use.

Privacy in the admin follows the app (README "Privacy by construction"): rows come from the apps' selectors, people
with skyddade personuppgifter are always shown masked here (the admin never unmasks), every list and
detail page that shows named people writes access-log rows, and records that services own
(cases, journal, consent) are read-only or append-only through their services.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from core.access_log import Seen, access_log_record
from core.models import (
    AccessAction,
    AccessGrantEvent,
    AccessLog,
    ChangeLog,
    District,
    Municipality,
    Provider,
    Unit,
    User,
)

admin.site.site_header = _("Ungdomsinsats – administration")
admin.site.site_title = _("Ungdomsinsats")
admin.site.index_title = _("Administration")


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """View only: the rows are written by services (or are append-only logs)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AppendOnlyAdmin(admin.ModelAdmin[Any]):
    """Add and view, never change or delete (history is never rewritten)."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class AccessLoggedAdminMixin(_AdminBase):
    """Writes access-log rows for the named people a list page or detail page shows.

    `seen_for(obj)` returns the Seen rows of one object (its person, and case if any). The admin never
    unmasks a protected identity, so rows are logged with protected_identity=False.
    """

    log_what = "admin"

    def seen_for(self, obj: Any) -> Iterable[Seen]:
        raise NotImplementedError

    def _log(self, request: HttpRequest, objects: Iterable[Any], action: AccessAction) -> None:
        seen = [item for obj in objects for item in self.seen_for(obj)]
        if seen:
            access_log_record(user=staff_user(request), seen=seen, action=action, what=self.log_what, request=request)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if changelist is not None:
            # evaluates the page's (cached) queryset once; the template reuses the same rows
            self._log(request, list(changelist.result_list), AccessAction.LIST)
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        if response.status_code == 200 and context.get("original") is not None:
            self._log(request, [context["original"]], AccessAction.VIEW)
        return response


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff member of an admin request (the admin site lets no one else in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def register_remaining(app_label: str) -> None:
    """Register every model of an app that has no admin yet, view-only (models no app has an admin for yet)."""
    for model in apps.get_app_config(app_label).get_models():
        if not admin.site.is_registered(model):
            admin.site.register(model, ReadOnlyAdmin)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    list_display = ["name", "municipality"]
    list_select_related = ["municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "provider"]
    list_select_related = ["provider"]
    list_filter = ["provider"]
    search_fields = ["name", "provider__name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["name", "municipality"]
    list_select_related = ["municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]


# Django's own UserAdmin declares them; the stubs allow None.
_DJANGO_USER_FIELDSETS = list(DjangoUserAdmin.fieldsets or [])


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "unit", "roles", "is_active", "is_staff"]
    list_select_related = ["unit"]
    list_filter = ["groups", "unit", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        *_DJANGO_USER_FIELDSETS[:2],
        (_("Arbetsplats"), {"fields": ["unit", "title"]}),
        *_DJANGO_USER_FIELDSETS[2:],
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "first_name", "last_name", "unit", "title"]}),
        (_("Lösenord"), {"classes": ["wide"], "fields": ["password1", "password2"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related(Prefetch("groups"))

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # a systemadministratör assigns roles (groups) but cannot make anyone superuser
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return readonly

    @admin.display(description=_("roller"))
    def roles(self, obj: User) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all()))


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Loggkontroll in the admin: read-only; the table is append-only (PostgreSQL trigger)."""

    list_display = ["at", "user", "role", "unit", "action", "what", "person_id", "case_id", "protected_identity"]
    list_select_related = ["user", "unit"]
    list_filter = ["action", "protected_identity", "unit"]
    date_hierarchy = "at"
    search_fields = ["=person_id", "=case_id", "user__username", "what"]
    show_full_result_count = False  # the log grows large; skip the second COUNT


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyAdmin):
    """Ändringshistorik: read-only, append-only (ids and changed values, written by the services)."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "person_id", "case_id"]
    list_select_related = ["actor"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"
    search_fields = ["=person_id", "=case_id", "=object_id", "actor__username"]
    show_full_result_count = False


@admin.register(AccessGrantEvent)
class AccessGrantEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "action", "grantee", "actor", "person_id", "case_id"]
    list_select_related = ["grantee", "actor"]
    list_filter = ["kind", "action"]
    date_hierarchy = "at"
    search_fields = ["=person_id", "=case_id", "grantee__username", "actor__username"]


register_remaining("core")
