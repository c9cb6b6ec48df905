"""Admin for the consent catalogues (actors, legal bases). Consents, revocations, maturity assessments and
utlämnanden are personal data: recorded on the case and person pages through consent.services."""

from django.contrib import admin
from django.http import HttpRequest

from consent.models import Actor, LegalBasis
from core.admin import HistoryAdmin


@admin.register(Actor)
class ActorAdmin(HistoryAdmin):
    list_display = ["name", "code", "needs_consent", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Actor | None = None) -> list[str]:
        return ["code"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Actor | None = None) -> bool:
        return False


@admin.register(LegalBasis)
class LegalBasisAdmin(HistoryAdmin):
    """The editable list of legal bases for utlämnanden; retired with `active`, never deleted."""

    list_display = ["name", "reference", "is_consent", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    search_fields = ["name", "reference"]

    def get_readonly_fields(self, request: HttpRequest, obj: LegalBasis | None = None) -> list[str]:
        return ["code", "is_consent"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: LegalBasis | None = None) -> bool:
        return False
