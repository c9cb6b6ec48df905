"""The report on an ungdomstjänst or a medling to åklagare/domstol."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import CaseForm
from consent.models import Actor, LegalBasis
from interventions.services.reports import REPORT_DEFAULT_BASIS, REPORT_RECIPIENTS


class ReportForm(CaseForm):
    """The report on an ungdomstjänst or a medling: to whom and under which legal basis (an utlämnande).
    Choices are keyed by catalogue code, so the defaults need no query."""

    recipient = forms.ModelChoiceField(
        label=_("Mottagare"),
        queryset=Actor.objects.filter(code__in=REPORT_RECIPIENTS),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        initial="aklagare",
    )
    recipient_detail = forms.CharField(
        label=_("Myndighet/enhet"), max_length=200, required=False, help_text=_("Till exempel åklagarkammaren.")
    )
    legal_basis = forms.ModelChoiceField(
        label=_("Rättslig grund"),
        queryset=LegalBasis.objects.filter(active=True),
        to_field_name="code",
        initial=REPORT_DEFAULT_BASIS,
    )
