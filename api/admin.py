"""Administrators create and revoke API tokens here. The key is shown once, right after creation."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from api.services import DEFAULT_VALID_DAYS, MAX_VALID_DAYS, api_token_create, api_token_revoke


class ApiTokenCreateForm(forms.ModelForm):
    valid_days = forms.IntegerField(
        label=_("giltig i dagar"), min_value=1, max_value=MAX_VALID_DAYS, initial=DEFAULT_VALID_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scope", "user", "municipality", "provider", "throttle_rate"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "scope", "user", "municipality", "provider", "expires_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["name", "key_prefix"]
    actions = ["revoke"]
    readonly_fields = ["key_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the token row stays as a record of who had access

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "name", "scope", "user", "municipality", "provider", "expires_at"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["throttle_rate"])
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
        except ValidationError as error:
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
