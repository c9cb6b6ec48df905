"""Forms for SKK."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import CaseForm, date_field
from core.forms import DecimalCommaField
from interventions.models import (
    SkkOrderedBy,
)


class SkkForm(CaseForm):
    contact_person = forms.CharField(label=_("Kontaktperson"), max_length=200)
    contact_phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    hours_per_month = DecimalCommaField(label=_("Timmar per månad"), max_digits=5, decimal_places=1)
    ordered_by = forms.ChoiceField(label=_("Beslutad av"), choices=SkkOrderedBy.choices, widget=forms.RadioSelect)
    decided_on = date_field(_("Beslutsdatum"))
    ends_on = date_field(_("Gäller till"), required=False)
