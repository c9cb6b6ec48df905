"""Admin for IT administration only: users and roles, organisation, catalogues, agreements, gallring rules,
API tokens, and the history of those changes.

No model holding personal data is registered here (README "Administration"): people, cases, the journal,
consent, insatser, logs and reports are read and written in the app, where selectors apply unit scoping,
masking of skyddad identitet and the access log. `ADMIN_MODELS` is the allowlist tests/test_admin.py holds
the registry to. IT administration and casework are separate duties (core.roles): nobody changes their own
roles, an administrator never holds a role with personal data, and every change made here is recorded in
the change history in the same transaction.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.accounts import user_password_set_in_admin
from core.history import change_record, history_rows, history_snapshot
from core.models import ChangeAction, ChangeLog, District, Municipality, Provider, Unit, User
from core.roles import PERSONAL_DATA_ROLES, roles_assignment_check

admin.site.site_header = _("Ungdomsinsats – administration")
admin.site.site_title = _("Ungdomsinsats")
admin.site.index_title = _("Administration")

# The only models the admin shows (app_label.model): none holds personal data of the young people.
# axes' login records (staff usernames and addresses) are for superusers only: no role has their permissions.
ADMIN_MODELS = frozenset(
    {
        "core.municipality",
        "core.provider",
        "core.unit",
        "core.district",
        "core.user",
        "core.changelog",
        "cases.insatstype",
        "consent.actor",
        "consent.legalbasis",
        "interventions.polarefeerate",
        "records.retentionrule",
        "records.retentionrun",
        "reporting.agreement",
        "api.apitoken",
        "jobs.outboxmessage",
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
        "decisions.lagrum",
        "decisions.delegationrule",
        "documents.documentkind",
        # staff sign-in: IdP links, sign-in records and second-factor devices (keys hidden, removal = reset)
        "accounts.externalidentity",
        "accounts.signinevent",
        "otp_totp.totpdevice",
        "otp_static.staticdevice",
    }
)

# Roles are maintained by core.roles (one table says what each may do), never edited in the admin.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff member of an admin request (the admin site lets no one else in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """View only: the rows are written by services (or are append-only logs)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class HistoryAdminMixin(_AdminBase):
    """Records every add, change and removal made in the admin in the change history (core.history), with
    many-to-many values (a user's roles) and inline rows (an agreement's volumes), in the admin's transaction.

    `history_fields` limits what is tracked (a user's password hash never is)."""

    history_fields: list[str] | None = None

    def _before(self, obj: Model) -> dict[str, str | None] | None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        return history_snapshot(stored, self.history_fields) if stored is not None else None

    def _m2m(self, obj: Model, form: forms.BaseForm) -> dict[str, list[str]]:
        if obj.pk is None:
            return {}
        fields = [field for field in obj._meta.many_to_many if field.name in form.fields]
        return {
            field.name: sorted(str(pk) for pk in getattr(obj, field.name).values_list("pk", flat=True))
            for field in fields
        }

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        form.history_before = self._before(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        obj = form.instance
        before_m2m = self._m2m(obj, form) if change else {}
        super().save_related(request, form, formsets, change)
        after_m2m = self._m2m(obj, form)
        extra = {
            name: [before_m2m.get(name) or None, after or None]
            for name, after in after_m2m.items()
            if before_m2m.get(name, []) != after
        }
        before = getattr(form, "history_before", None)
        change_record(
            actor=staff_user(request),
            instance=obj,
            action=ChangeAction.UPDATE if change and before is not None else ChangeAction.CREATE,
            before=before,
            fields=self.history_fields,
            extra=extra or None,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {
            inline.instance.pk: history_snapshot(type(inline.instance)._default_manager.get(pk=inline.instance.pk))
            for inline in formset.initial_forms
            if inline.instance.pk and inline.has_changed()
        }
        for inline in formset.deleted_forms:
            if inline.instance.pk:
                change_record(actor=staff_user(request), instance=inline.instance, action=ChangeAction.DELETE)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            change_record(actor=staff_user(request), instance=obj, action=ChangeAction.CREATE)
        for obj, _fields in formset.changed_objects:
            change_record(
                actor=staff_user(request), instance=obj, action=ChangeAction.UPDATE, before=befores.get(obj.pk)
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        change_record(actor=staff_user(request), instance=obj, action=ChangeAction.DELETE, fields=self.history_fields)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            change_record(
                actor=staff_user(request), instance=obj, action=ChangeAction.DELETE, fields=self.history_fields
            )
        super().delete_queryset(request, queryset)


class HistoryAdmin(HistoryAdminMixin, admin.ModelAdmin[Any]):
    """An editable catalogue whose changes are in the change history."""


@admin.register(Municipality)
class MunicipalityAdmin(HistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Provider)
class ProviderAdmin(HistoryAdmin):
    list_display = ["name", "municipality"]
    list_select_related = ["municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(HistoryAdmin):
    list_display = ["name", "provider"]
    list_select_related = ["provider"]
    list_filter = ["provider"]
    search_fields = ["name", "provider__name"]


@admin.register(District)
class DistrictAdmin(HistoryAdmin):
    list_display = ["name", "municipality"]
    list_select_related = ["municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]


# A user's tracked fields: never the password hash or login bookkeeping.
USER_HISTORY_FIELDS = ["username", "first_name", "last_name", "email", "unit", "title", "is_active", "is_staff",
                       "is_superuser", "password_change_required"]  # fmt: skip


# Django's own UserAdmin declares them; the stubs allow None.
_DJANGO_USER_FIELDSETS = list(DjangoUserAdmin.fieldsets or [])


@admin.register(User)
class UserAdmin(HistoryAdminMixin, DjangoUserAdmin[User]):
    """Users and their roles. Permissions come from roles only (no per-user permissions here); the rules of
    separate duties are core.roles.roles_assignment_check, shown as a Swedish error on the form."""

    history_fields = USER_HISTORY_FIELDS
    list_display = ["username", "first_name", "last_name", "unit", "roles", "is_active", "is_staff"]
    list_select_related = ["unit"]
    list_filter = ["groups", "unit", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        *_DJANGO_USER_FIELDSETS[:2],
        (_("Arbetsplats"), {"fields": ["unit", "title"]}),
        (_("Behörighet"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "password_change_required"]}),
        (_("Viktiga datum"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "first_name", "last_name", "unit", "title"]}),
        (_("Lösenord"), {"classes": ["wide"], "fields": ["password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related(Prefetch("groups"))

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        readonly = ["last_login", "date_joined", "password_change_required"]  # set and cleared by the password pages
        if not request.user.is_superuser:
            readonly.append("is_superuser")  # a systemadministratör assigns roles but cannot make anyone superuser
        if obj is not None and obj.pk == request.user.pk:
            readonly += ["groups", "is_superuser", "is_staff", "is_active"]  # nobody changes their own access
        return readonly

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[User]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        actor, target = staff_user(request), obj

        # the separation-of-duties rule on the form, in Swedish (a class made per request: mypy cannot check it)
        class RoleCheckedForm(form):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                if "groups" in cleaned:
                    try:
                        roles_assignment_check(
                            actor=actor, user=target, roles=[group.name for group in cleaned["groups"]]
                        )
                    except ValidationError as error:
                        self.add_error("groups", error.messages)
                return cleaned

        return RoleCheckedForm

    @transaction.atomic
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Setting someone's password lets the setter log in as them: not for accounts with personal data,
        except by a superuser; a set password is recorded in the history (never the password)."""
        target = self.get_object(request, id)
        if target is not None and request.method == "POST":
            holds_personal_data = target.groups.filter(name__in=PERSONAL_DATA_ROLES).exists()
            if holds_personal_data and target.pk != request.user.pk and not request.user.is_superuser:
                raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if target is not None and request.method == "POST" and response.status_code == 302:
            user_password_set_in_admin(actor=staff_user(request), user=target)
        return response

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change and obj.has_usable_password():
            obj.password_change_required = True  # the administrator typed it: its owner changes it first
        super().save_model(request, obj, form, change)

    @admin.display(description=_("roller"))
    def roles(self, obj: User) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all()))


class _HistoryChangeList(ChangeList):
    """Puts a page of history entries into words in one pass (core.history), not one pass per row."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        rows = history_rows(self.result_list, identity_visible=False)
        # handed to the column functions of the same request (AdminChangeLogAdmin.get_list_display)
        request.admin_history_words = {row["entry"].pk: row for row in rows}  # type: ignore[attr-defined]


@admin.register(ChangeLog)
class AdminChangeLogAdmin(ReadOnlyAdmin):
    """The history of what was changed in the administration (users, roles, units, catalogues, agreements,
    gallring rules, API tokens); a person's history is on the person's page, never here."""

    list_select_related = ["actor"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"
    search_fields = ["actor__username", "=object_id"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChangeLog]:
        return (
            super()
            .get_queryset(request)
            .filter(object_type__in=ADMIN_MODELS | {"reporting.agreedvolume"})
            .filter(person_id__isnull=True, case_id__isnull=True)
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _HistoryChangeList

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        def words(obj: ChangeLog) -> dict[str, Any]:
            row: dict[str, Any] = (
                getattr(request, "admin_history_words", {}).get(obj.pk)
                or history_rows([obj], identity_visible=False)[0]
            )
            return row

        @admin.display(description=_("post"))
        def record(obj: ChangeLog) -> str:
            return f"{words(obj)['what']} ({obj.object_id})"

        @admin.display(description=_("ändringar"))
        def changes_in_words(obj: ChangeLog) -> SafeString:
            return format_html_join(
                "; ",
                "{}: {} → {}",
                ((change["field"], change["old"] or "–", change["new"] or "–") for change in words(obj)["changes"]),
            )

        return ["at", "actor", "action", record, changes_in_words]
