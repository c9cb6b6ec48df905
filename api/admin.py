"""API tokens are created and revoked here. The key is shown once, right after creation.

A token acts as its user: it is made for oneself or, as a statistics token, for a dedicated statistics-client
account (api.services.api_token_create); the user list offers only those. Creation and revocation are in the
change history."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from api.services import (
    DEFAULT_VALID_DAYS,
    MAX_VALID_DAYS,
    TOKEN_HISTORY_FIELDS,
    api_token_create,
    api_token_owner_errors,
    api_token_revoke,
)
from core.history import change_record, history_snapshot
from core.models import ChangeAction, Role, User


class ApiTokenCreateForm(forms.ModelForm):
    valid_days = forms.IntegerField(
        label=_("giltig i dagar"), min_value=1, max_value=MAX_VALID_DAYS, initial=DEFAULT_VALID_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scope", "user", "municipality", "provider", "throttle_rate"]

    actor: User | None = None  # set per request by ApiTokenAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("user") is not None and cleaned.get("scope"):
            for field, message in api_token_owner_errors(
                actor=self.actor, user=cleaned["user"], scope=cleaned["scope"]
            ).items():
                self.add_error(field, message)
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "scope", "user", "municipality", "provider", "expires_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["name", "key_prefix"]
    actions = ["revoke"]
    readonly_fields = ["key_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the token row stays as a record of who had access

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # oneself, or a dedicated statistics-client account (the service checks it again)
            statistics_clients = User.objects.filter(
                groups__name=Role.STATISTICS, is_active=True, is_staff=False, is_superuser=False
            ).exclude(groups__name__in=[role for role in Role if role != Role.STATISTICS])
            kwargs["queryset"] = User.objects.filter(pk=request.user.pk) | statistics_clients
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type("ApiTokenCreateFormFor", (ApiTokenCreateForm,), {"actor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "name", "scope", "user", "municipality", "provider", "expires_at"]

    def save_model(self, request, obj, form, change):
        if change:
            before = history_snapshot(ApiToken.objects.get(pk=obj.pk), TOKEN_HISTORY_FIELDS)
            obj.save(update_fields=["throttle_rate"])
            change_record(
                actor=request.user, instance=obj, action=ChangeAction.UPDATE, before=before, fields=TOKEN_HISTORY_FIELDS
            )
            return
        try:
            token, key = api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                user=form.cleaned_data["user"],
                municipality=form.cleaned_data.get("municipality"),
                provider=form.cleaned_data.get("provider"),
                valid_days=form.cleaned_data["valid_days"],
                throttle_rate=form.cleaned_data.get("throttle_rate") or "",
            )
        except ValidationError as error:  # checked again in the form's clean, so this is a race only
            raise forms.ValidationError(error.messages) from error
        obj.pk = token.pk
        obj.__dict__.update(ApiToken.objects.get(pk=token.pk).__dict__)
        messages.warning(
            request,
            _("API-nyckeln visas bara nu. Kopiera den och lämna den säkert till klienten: %(key)s") % {"key": key},
        )

    @admin.action(description=_("Återkalla valda API-nycklar"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("Nycklarna är återkallade."))
