"""Admin for consent: append-only. New rows go through consent.services; nothing is changed or deleted."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from cases.admin import MASKED
from cases.models import Custodian, Person
from cases.selectors import person_queryset_for_user
from consent.models import Actor, Consent, ConsentRevocation, Disclosure, LegalBasis, MaturityAssessment
from consent.services import consent_record, consent_revoke, maturity_assess
from core.access_log import Seen
from core.admin import AccessLoggedAdminMixin, AppendOnlyAdmin, ReadOnlyAdmin, register_remaining
from core.forms import apply_service_errors


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "needs_consent", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


class _DryRun(Exception):
    pass


class ServiceFormMixin:
    """Validates by running the service in a savepoint that is rolled back, so the service's Swedish
    messages land on the form; the admin's save_model then runs the service for real."""

    def create(self, *, user):
        raise NotImplementedError

    def clean(self):
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


class ConsentAdminForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["person", "custodian", "actors", "given_on", "form", "valid_until", "note"]

    def create(self, *, user):
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


class RevocationAdminForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = ConsentRevocation
        fields = ["consent", "actors", "revoked_on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "actors" in self.fields:
            self.fields["actors"].required = False
            self.fields["actors"].help_text = _("Tomt: hela samtycket återkallas.")

    def create(self, *, user):
        data = self.cleaned_data
        return consent_revoke(
            actor=user,
            consent=data["consent"],
            revoked_on=data["revoked_on"],
            reason=data["reason"],
            actors=list(data.get("actors") or []),
        )


class MaturityAdminForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = MaturityAssessment
        fields = ["person", "assessed_on", "mature", "reasoning"]

    def create(self, *, user):
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Person:
            kwargs["queryset"] = person_queryset_for_user(request.user)
        elif db_field.related_model is Custodian:
            kwargs["queryset"] = Custodian.objects.filter(
                person__in=person_queryset_for_user(request.user), person__protection=""
            )
        elif db_field.related_model is Consent:
            kwargs["queryset"] = Consent.objects.filter(person__in=person_queryset_for_user(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        created = form.create(user=request.user)
        obj.pk = created.pk  # the admin's messages and redirect point at the row the service made

    def save_related(self, request, form, formsets, change):
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

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(person__in=person_queryset_for_user(request.user))
            .annotate(first_revoked_on=Min("revocations__revoked_on"))
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ConsentAdminForm.Meta.fields
        return ["person", "given_by", "actor_names", "given_on", "form", "valid_until", "note", "recorded_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["given_by", "actor_names", "revoked_on"] if obj else []

    def seen_for(self, obj):
        return [Seen(person_id=obj.person_id)]

    @admin.display(description=_("lämnat av"))
    def given_by(self, obj):
        if obj.custodian_id is None:
            return _("Ungdomen")
        return MASKED if obj.person.is_protected else obj.custodian.name

    @admin.display(description=_("aktörer"))
    def actor_names(self, obj):
        return ", ".join(actor.name for actor in obj.actors.all())

    @admin.display(description=_("återkallat"))
    def revoked_on(self, obj):
        """The first revocation (it may have withdrawn some actors only: see the revocations)."""
        return getattr(obj, "first_revoked_on", None)


@admin.register(ConsentRevocation)
class ConsentRevocationAdmin(ServiceAppendOnlyAdmin):
    form = RevocationAdminForm
    list_display = ["consent", "person", "revoked_on", "recorded_by"]
    filter_horizontal = ["actors"]
    list_select_related = ["consent__person", "recorded_by"]
    date_hierarchy = "revoked_on"
    raw_id_fields = ["consent"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(consent__person__in=person_queryset_for_user(request.user))

    def seen_for(self, obj):
        return [Seen(person_id=obj.consent.person_id)]

    @admin.display(description=_("ungdom"))
    def person(self, obj):
        return obj.consent.person


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(ServiceAppendOnlyAdmin):
    form = MaturityAdminForm
    list_display = ["person", "assessed_on", "mature", "assessed_by"]
    list_select_related = ["person", "assessed_by"]
    list_filter = ["mature"]
    date_hierarchy = "assessed_on"
    raw_id_fields = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(person__in=person_queryset_for_user(request.user))

    def seen_for(self, obj):
        return [Seen(person_id=obj.person_id)]


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    """The editable list of legal bases for utlämnanden (interventions helper); retired with `active`, never deleted."""

    list_display = ["name", "reference", "is_consent", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    search_fields = ["name", "reference"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "is_consent"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disclosure)
class DisclosureAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    """Utlämnanden: recorded on the case page with their legal basis; append-only, read-only here."""

    list_display = ["disclosed_on", "person", "case", "recipient", "legal_basis", "decided_by"]
    list_select_related = ["person", "case", "recipient", "legal_basis", "decided_by"]
    list_filter = ["recipient", "legal_basis"]
    date_hierarchy = "disclosed_on"
    search_fields = ["=case__number"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(person__in=person_queryset_for_user(request.user))

    def seen_for(self, obj):
        return [Seen(person_id=obj.person_id, case_id=obj.case_id)]


register_remaining("consent")
