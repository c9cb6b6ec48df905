"""Form helpers any app may use: a date input, a staff choice labelled with the unit, service errors on a form."""

from django import forms
from django.core.exceptions import ValidationError

from core.models import User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        unit = f" ({obj.unit})" if obj.unit_id else ""
        return f"{obj.get_full_name() or obj.username}{unit}"


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
