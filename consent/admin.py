"""Admin for consent: append-only. New rows go through consent.services; nothing is changed or deleted."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignKey, Min, Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cases.admin import MASKED
from cases.models import Custodian, Person
from cases.selectors import person_queryset_for_user
from consent.models import Actor, Consent, ConsentRevocation, Disclosure, LegalBasis, MaturityAssessment
from consent.services import consent_record, consent_revoke, maturity_assess
from core.access_log import Seen
from core.admin import AccessLoggedAdminMixin, AppendOnlyAdmin, ReadOnlyAdmin, register_remaining, staff_user
from core.forms import apply_service_errors
from core.models import User


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin[Actor]):
    list_display = ["name", "code", "needs_consent", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Actor | None = None) -> list[str]:
        return ["code"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Actor | None = None) -> bool:
        return False


class _DryRun(Exception):
    pass


if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups

    _FormBase = forms.ModelForm[Any]
else:
    _FormBase = object


class ServiceFormMixin(_FormBase):
    """Validates by running the service in a savepoint that is rolled back, so the service's Swedish
    messages land on the form; the admin's save_model then runs the service for real."""

    request_user: User  # set on the form class by ServiceAppendOnlyAdmin.get_form

    def create(self, *, user: User) -> Model:
        raise NotImplementedError

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                self.create(user=self.request_user)
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as error:
            apply_service_errors(self, error)
        return cleaned


class ConsentAdminForm(ServiceFormMixin, forms.ModelForm[Consent]):
    class Meta:
        model = Consent
        fields = ["person", "custodian", "actors", "given_on", "form", "valid_until", "note"]

    def create(self, *, user: User) -> Consent:
        data = self.cleaned_data
        return consent_record(
            actor=user,
            person=data["person"],
            custodian=data.get("custodian"),
            actors=list(data["actors"]),
            given_on=data["given_on"],
            form=data["form"],
            valid_until=data.get("valid_until"),
            note=data.get("note", ""),
        )


class RevocationAdminForm(ServiceFormMixin, forms.ModelForm[ConsentRevocation]):
    class Meta:
        model = ConsentRevocation
        fields = ["consent", "actors", "revoked_on", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "actors" in self.fields:
            self.fields["actors"].required = False
            self.fields["actors"].help_text = _("Tomt: hela samtycket återkallas.")

    def create(self, *, user: User) -> ConsentRevocation:
        data = self.cleaned_data
        return consent_revoke(
            actor=user,
            consent=data["consent"],
            revoked_on=data["revoked_on"],
            reason=data["reason"],
            actors=list(data.get("actors") or []),
        )


class MaturityAdminForm(ServiceFormMixin, forms.ModelForm[MaturityAssessment]):
    class Meta:
        model = MaturityAssessment
        fields = ["person", "assessed_on", "mature", "reasoning"]

    def create(self, *, user: User) -> MaturityAssessment:
        data = self.cleaned_data
        return maturity_assess(
            actor=user,
            person=data["person"],
            assessed_on=data["assessed_on"],
            mature=data["mature"],
            reasoning=data["reasoning"],
        )


class ServiceAppendOnlyAdmin(AccessLoggedAdminMixin, AppendOnlyAdmin):
    """Add through the service (in the form's clean), view, never change or delete."""

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        form = super().get_form(request, obj, change, **kwargs)
        if issubclass(form, ServiceFormMixin):
            form.request_user = staff_user(request)
        return form

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        user = staff_user(request)
        if db_field.related_model is Person:
            kwargs["queryset"] = person_queryset_for_user(user)
        elif db_field.related_model is Custodian:
            kwargs["queryset"] = Custodian.objects.filter(
                person__in=person_queryset_for_user(user), person__protection=""
            )
        elif db_field.related_model is Consent:
            kwargs["queryset"] = Consent.objects.filter(person__in=person_queryset_for_user(user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Model, form: ServiceFormMixin, change: bool) -> None:
        created = form.create(user=staff_user(request))
        obj.pk = created.pk  # the admin's messages and redirect point at the row the service made

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the service set the many-to-many rows


@admin.register(Consent)
class ConsentAdmin(ServiceAppendOnlyAdmin):
    form = ConsentAdminForm
    list_display = ["person", "given_by", "given_on", "form", "valid_until", "revoked_on", "recorded_by"]
    list_select_related = ["person", "custodian", "recorded_by"]
    list_filter = ["form", "actors"]
    date_hierarchy = "given_on"
    raw_id_fields = ["person", "custodian"]
    filter_horizontal = ["actors"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Consent]:
        consents: QuerySet[Consent] = (
            super()
            .get_queryset(request)
            .filter(person__in=person_queryset_for_user(staff_user(request)))
            .annotate(first_revoked_on=Min("revocations__revoked_on"))
        )
        return consents

    def get_fields(self, request: HttpRequest, obj: Consent | None = None) -> "_FieldGroups":
        if obj is None:
            return list(ConsentAdminForm.Meta.fields)
        return ["person", "given_by", "actor_names", "given_on", "form", "valid_until", "note", "recorded_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Consent | None = None) -> list[str]:
        return ["given_by", "actor_names", "revoked_on"] if obj else []

    def seen_for(self, obj: Consent) -> Iterable[Seen]:
        return [Seen(person_id=obj.person_id)]

    @admin.display(description=_("lämnat av"))
    def given_by(self, obj: Consent) -> str:
        if obj.custodian is None:
            return str(_("Ungdomen"))
        return MASKED if obj.person.is_protected else obj.custodian.name

    @admin.display(description=_("aktörer"))
    def actor_names(self, obj: Consent) -> str:
        return ", ".join(actor.name for actor in obj.actors.all())

    @admin.display(description=_("återkallat"))
    def revoked_on(self, obj: Consent) -> datetime.date | None:
        """The first revocation (it may have withdrawn some actors only: see the revocations)."""
        first: datetime.date | None = getattr(obj, "first_revoked_on", None)
        return first


@admin.register(ConsentRevocation)
class ConsentRevocationAdmin(ServiceAppendOnlyAdmin):
    form = RevocationAdminForm
    list_display = ["consent", "person", "revoked_on", "recorded_by"]
    filter_horizontal = ["actors"]
    list_select_related = ["consent__person", "recorded_by"]
    date_hierarchy = "revoked_on"
    raw_id_fields = ["consent"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentRevocation]:
        return super().get_queryset(request).filter(consent__person__in=person_queryset_for_user(staff_user(request)))

    def seen_for(self, obj: ConsentRevocation) -> Iterable[Seen]:
        return [Seen(person_id=obj.consent.person_id)]

    @admin.display(description=_("ungdom"))
    def person(self, obj: ConsentRevocation) -> Person:
        return obj.consent.person


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(ServiceAppendOnlyAdmin):
    form = MaturityAdminForm
    list_display = ["person", "assessed_on", "mature", "assessed_by"]
    list_select_related = ["person", "assessed_by"]
    list_filter = ["mature"]
    date_hierarchy = "assessed_on"
    raw_id_fields = ["person"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MaturityAssessment]:
        return super().get_queryset(request).filter(person__in=person_queryset_for_user(staff_user(request)))

    def seen_for(self, obj: MaturityAssessment) -> Iterable[Seen]:
        return [Seen(person_id=obj.person_id)]


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin[LegalBasis]):
    """The editable list of legal bases for utlämnanden (interventions helper); retired with `active`, never deleted."""

    list_display = ["name", "reference", "is_consent", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    search_fields = ["name", "reference"]

    def get_readonly_fields(self, request: HttpRequest, obj: LegalBasis | None = None) -> list[str]:
        return ["code", "is_consent"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: LegalBasis | None = None) -> bool:
        return False


@admin.register(Disclosure)
class DisclosureAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    """Utlämnanden: recorded on the case page with their legal basis; append-only, read-only here."""

    list_display = ["disclosed_on", "person", "case", "recipient", "legal_basis", "decided_by"]
    list_select_related = ["person", "case", "recipient", "legal_basis", "decided_by"]
    list_filter = ["recipient", "legal_basis"]
    date_hierarchy = "disclosed_on"
    search_fields = ["=case__number"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Disclosure]:
        return super().get_queryset(request).filter(person__in=person_queryset_for_user(staff_user(request)))

    def seen_for(self, obj: Disclosure) -> Iterable[Seen]:
        return [Seen(person_id=obj.person_id, case_id=obj.case_id)]


register_remaining("consent")
