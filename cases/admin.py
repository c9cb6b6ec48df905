"""Admin for people, cases and the journal: view-only, scoped by cases.selectors, identities masked.

Writes to these records go through cases.services (validation, case numbers, locks), so the admin only
reads them. A protected person is never unmasked here and is never found by name or number in the
admin search (a hit would confirm the identity).
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.identity import search_forms
from cases.models import (
    MASKED_NAME,
    Case,
    CaseNumberSequence,
    CaseUserObjectPermission,
    Custodian,
    InsatsType,
    JournalEntry,
    Person,
    PersonUserObjectPermission,
)
from cases.selectors import case_queryset_for_user, person_queryset_for_user
from core.access_log import Seen
from core.admin import AccessLoggedAdminMixin, ReadOnlyAdmin, register_remaining

MASKED = "–"


def search_unprotected_people(queryset, search_term: str, *, prefix: str = ""):
    """Rows whose (unprotected) person matches a name or any form of a personnummer."""
    term = search_term.strip()
    if not term:
        return queryset
    number = search_forms(term)
    if number:
        match = Q(**{f"{prefix}id_number": number})
    else:
        match = Q()
        for word in term.split():
            match &= Q(**{f"{prefix}first_name__icontains": word}) | Q(**{f"{prefix}last_name__icontains": word})
        match |= Q(**{f"{prefix}id_number": term.upper()})
    return queryset.filter(match, **{f"{prefix}protection": ""})


@admin.register(InsatsType)
class InsatsTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "min_age", "max_age", "has_individual_cases", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # the code is referenced by the rest of the product

    def has_delete_permission(self, request, obj=None):
        return False


class CustodianInline(admin.TabularInline):
    model = Custodian
    fields = ["name", "relation", "phone", "email"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    list_display = ["masked_name", "masked_id_number", "masked_birth_date", "gender", "masked_district", "protection"]
    list_select_related = ["district"]
    list_filter = ["protection", "gender", "id_kind", "district", "unit"]
    search_fields = ["last_name"]  # replaced by get_search_results below
    readonly_fields = ["masked_name", "masked_id_number", "masked_birth_date", "masked_district", "masked_address"]
    inlines = [CustodianInline]

    def get_queryset(self, request):
        return person_queryset_for_user(request.user)

    def get_search_results(self, request, queryset, search_term):
        return search_unprotected_people(queryset, search_term), False

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_protected:
            return ["masked_name", "masked_id_number", "protection", "unit", "created_at"]
        return [
            "masked_name",
            "masked_id_number",
            "id_kind",
            "birth_date",
            "gender",
            "masked_address",
            "district",
            "protection",
            "unit",
            "created_at",
        ]

    def get_inlines(self, request, obj):
        # custodians' names would point at a protected child's family
        return [] if obj is None or obj.is_protected else self.inlines

    def seen_for(self, obj):
        return [Seen(person_id=obj.pk)]

    @admin.display(description=_("namn"), ordering="last_name")
    def masked_name(self, obj):
        return obj.display_name

    @admin.display(description=_("personnummer"))
    def masked_id_number(self, obj):
        return obj.display_id_number

    @admin.display(description=_("födelsedatum"))
    def masked_birth_date(self, obj):
        return MASKED if obj.is_protected else obj.birth_date

    @admin.display(description=_("område"))
    def masked_district(self, obj):
        return MASKED if obj.is_protected else obj.district

    @admin.display(description=_("adress"))
    def masked_address(self, obj):
        return obj.display_address


class OpenClosedFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("Pågående")), ("closed", _("Avslutade"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(closed_on__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_on__isnull=False)
        return queryset


@admin.register(Case)
class CaseAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    list_display = [
        "number",
        "person",
        "insats_type",
        "unit",
        "handler",
        "opened_on",
        "closed_on",
        "closure_reason",
    ]
    list_select_related = ["person", "insats_type", "unit", "handler"]
    list_filter = [OpenClosedFilter, "insats_type", "unit", "basis", "referral_source", "closure_reason"]
    date_hierarchy = "opened_on"
    search_fields = ["number"]
    fields = [
        "number",
        "person",
        "insats_type",
        "unit",
        "handler",
        "referral_source",
        "basis",
        "opened_on",
        "closed_on",
        "closure_reason",
        "closure_note",
        "next_follow_up_on",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        return case_queryset_for_user(request.user)

    def get_search_results(self, request, queryset, search_term):
        by_number = queryset.filter(number__iexact=search_term.strip())
        by_person = search_unprotected_people(queryset, search_term, prefix="person__")
        return (by_number | by_person) if search_term.strip() else queryset, False

    def seen_for(self, obj):
        return [Seen(person_id=obj.person_id, case_id=obj.pk)]


class SignedFilter(admin.SimpleListFilter):
    title = _("signerad")
    parameter_name = "signerad"

    def lookups(self, request, model_admin):
        return [("ja", _("Signerad")), ("nej", _("Utkast"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(signed_at__isnull=False)
        if self.value() == "nej":
            return queryset.filter(signed_at__isnull=True)
        return queryset


@admin.register(JournalEntry)
class JournalEntryAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    """Read-only: a signed entry is never changed (corrections are new entries, via the case page)."""

    list_display = ["case", "occurred_on", "kind", "author", "is_signed", "corrects"]
    list_select_related = ["case", "author", "corrects"]
    list_filter = [SignedFilter, "kind"]
    date_hierarchy = "occurred_on"
    search_fields = ["=case__number"]
    fields = ["case", "kind", "occurred_on", "text", "author", "created_at", "signed_at", "corrects"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=case_queryset_for_user(request.user))

    def seen_for(self, obj):
        return [Seen(person_id=obj.case.person_id, case_id=obj.case_id)]

    @admin.display(description=_("signerad"), boolean=True)
    def is_signed(self, obj):
        return obj.is_signed


@admin.register(CaseNumberSequence)
class CaseNumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ["year", "last_number"]


@admin.register(CaseUserObjectPermission)
class CaseGrantAdmin(ReadOnlyAdmin):
    """Per-case shares across units (granted in the app by the enhetschef)."""

    list_display = ["content_object", "user", "permission_codename"]
    list_select_related = ["content_object", "user", "permission"]
    search_fields = ["content_object__number", "user__username"]

    @admin.display(description=_("behörighet"))
    def permission_codename(self, obj):
        return obj.permission.codename


@admin.register(PersonUserObjectPermission)
class PersonGrantAdmin(ReadOnlyAdmin):
    """Grants on a person (e.g. view_protected_identity); the person is shown masked."""

    list_display = ["person_masked", "user", "permission_codename"]
    list_select_related = ["content_object", "user", "permission"]
    search_fields = ["user__username"]

    @admin.display(description=_("ungdom"))
    def person_masked(self, obj):
        return obj.content_object.display_name if obj.content_object else MASKED_NAME

    @admin.display(description=_("behörighet"))
    def permission_codename(self, obj):
        return obj.permission.codename


register_remaining("cases")
