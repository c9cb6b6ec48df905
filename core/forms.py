"""Form helpers any app may use: a date input, a staff choice labelled with the unit, service errors on a
form, and the Swedish number fields every form with hours, costs or fees uses."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import User

# ---------------------------------------------------------------- Swedish numbers in forms
#
# A type=number input drops what the browser's locale does not know: Chromium without the Swedish locale pack
# silently turns "1,5" into 15. These fields are text inputs (inputmode shows the number keyboard on phones)
# that read the number the way Swedish staff write it.

# Spaces people and programs put between groups of thousands: space, no-break, narrow no-break, thin, figure.
_GROUP_SPACES = "[ \u00a0\u202f\u2009\u2007]"
_SWEDISH_NUMBER = re.compile(
    rf"""
    (?P<sign>[-+\u2212]?)
    (?P<whole>\d{{1,3}}(?:{_GROUP_SPACES}\d{{3}})+|\d+)?   # 62 500 or 62500
    (?:[,.](?P<fraction>\d+))?                           # decimal comma (or point)
    """,
    re.VERBOSE,
)
_UNIT_SUFFIX = re.compile(r"\s*(?:kr|:-)\s*$", re.IGNORECASE)


def parse_swedish_number(text: str) -> Decimal:
    """ "1,5" / "1.5" / "62 500,50" (any kind of space between thousands) / "62 500 kr" -> Decimal.

    Raises ValueError for anything else, e.g. "1,5,0", "62.500,50" or "1 5" (a space that does not group
    thousands is more likely a typo than a thousands separator)."""
    cleaned = _UNIT_SUFFIX.sub("", text.strip())
    match = _SWEDISH_NUMBER.fullmatch(cleaned)
    if match is None or (match["whole"] is None and match["fraction"] is None):
        raise ValueError(text)
    whole = re.sub(_GROUP_SPACES, "", match["whole"] or "0")
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    try:
        return Decimal(f"{sign}{whole}.{match['fraction'] or '0'}" if match["fraction"] else f"{sign}{whole}")
    except InvalidOperation as error:  # pragma: no cover - the pattern admits digits only
        raise ValueError(text) from error


def format_swedish_number(value: object) -> object:
    """The value as an input shows it: decimal comma, no grouping ("62500,50"), so it reads back unchanged;
    anything but a number (the text the user typed, None) as it is."""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return f"{Decimal(str(value)):f}".replace(".", ",")
    return value


class DecimalCommaField(forms.DecimalField):
    """A decimal (hours, kronor) typed the Swedish way: "1,5", "62 500,50", also "1.5"."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Skriv ett tal, till exempel 1,5 eller 62 500,50.")}

    def to_python(self, value: object) -> Decimal | None:  # type: ignore[override]  # the stubs say int | None, as for IntegerField
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_swedish_number(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def prepare_value(self, value: object) -> object:
        return format_swedish_number(value)


class WholeNumberField(forms.IntegerField):
    """A whole number of hours or kronor typed the Swedish way: "62 500" (also "62 500,00")."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Skriv ett heltal, till exempel 80 eller 62 500.")}

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            number = parse_swedish_number(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}


# ---------------------------------------------------------------- access pages


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        unit = f" ({obj.unit})" if obj.unit_id else ""
        return f"{obj.get_full_name() or obj.username}{unit}"


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
