"""Forms for avhopp (assessments, purchased insatser) and återfall."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import CaseForm, date_field, today
from core.forms import DecimalCommaField
from interventions.forms.common import CorrectionForm, DuplicateConfirmForm
from interventions.models import (
    PriceUnit,
    PurchaseKind,
    ReoffenceKind,
    ThreatLevel,
)


class DefectorAssessmentForm(CaseForm):
    assessed_on = date_field(_("Bedömningsdatum"))
    threat_level = forms.ChoiceField(label=_("Hotbild"), choices=ThreatLevel.choices, widget=forms.RadioSelect)
    motivated = forms.BooleanField(label=_("Ungdomen är motiverad att lämna"), required=False)
    note = forms.CharField(label=_("Underlag"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PurchaseForm(CaseForm, DuplicateConfirmForm):
    kind = forms.ChoiceField(label=_("Typ av köpt insats"), choices=PurchaseKind.choices)
    provider = forms.CharField(label=_("Leverantör"), max_length=200)
    starts_on = date_field(_("Från"))
    ends_on = date_field(_("Till"), required=False)
    price = DecimalCommaField(
        label=_("Pris (kr)"), max_digits=12, decimal_places=2, min_value=0, help_text=_("Till exempel 62 500,50.")
    )
    price_unit = forms.ChoiceField(
        label=_("Priset gäller"),
        choices=PriceUnit.choices,
        initial=PriceUnit.PERIOD,
        widget=forms.RadioSelect,
        help_text=_("Per månad och per dygn räknas kostnaden fram över perioden; ange då slutdatum."),
    )
    note = forms.CharField(label=_("Anteckning"), max_length=200, required=False)


class PurchaseCorrectForm(PurchaseForm, CorrectionForm):
    pass


class ReoffenceForm(CaseForm):
    noted_on = date_field(_("Känt för handläggaren"), help_text=_("Datum då du fick kännedom om återfallet."))
    offence_on = date_field(_("Brottsdatum"), required=False, help_text=_("Om det är känt."))
    kind = forms.ChoiceField(label=_("Typ av uppgift"), choices=ReoffenceKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["noted_on"].initial = today()
