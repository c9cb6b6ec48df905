"""Forms for ungdomstjänst."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import CaseForm, date_field
from core.forms import DecimalCommaField, WholeNumberField
from interventions.forms.common import CorrectionForm, DuplicateConfirmForm, VersionedForm
from interventions.models import (
    CommunityServiceStatus,
    CommunityServiceWorkplace,
)

# ---------------------------------------------------------------- Ungdomstjänst


class CommunityServiceForm(CaseForm, VersionedForm):
    ordered_hours = WholeNumberField(label=_("Utdömda timmar"), min_value=1, help_text=_("20–150 timmar."))
    judgment_on = date_field(_("Dom/beslut meddelat"))
    issued_by = forms.CharField(label=_("Domstol eller åklagarkammare"), max_length=200)
    report_to = forms.CharField(label=_("Rapport skickas till"), max_length=200, help_text=_("Åklagare eller domstol."))
    supervisor_name = forms.CharField(label=_("Handledare"), max_length=200, required=False)
    supervisor_phone = forms.CharField(label=_("Handledarens telefon"), max_length=30, required=False)


class CommunityServiceAssessmentForm(CaseForm, VersionedForm):
    assessment = forms.CharField(
        label=_("Bedömning"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Skrivs i rapporten till åklagare eller domstol: hur ungdomstjänsten har fungerat, "
            "till exempel närvaro, arbetsinsats och samarbete."
        ),
    )


class WorkplaceForm(CaseForm):
    name = forms.CharField(label=_("Arbetsplats"), max_length=200)
    contact = forms.CharField(label=_("Kontaktperson på arbetsplatsen"), max_length=200, required=False)


class SessionForm(CaseForm, DuplicateConfirmForm):
    workplace: forms.ModelChoiceField[CommunityServiceWorkplace] = forms.ModelChoiceField(
        label=_("Arbetsplats"), queryset=None
    )
    performed_on = date_field(_("Datum"))
    hours = DecimalCommaField(
        label=_("Timmar"), max_digits=4, decimal_places=1, min_value=0, help_text=_("Till exempel 1,5.")
    )
    note = forms.CharField(
        label=_("Anteckning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Krävs om det totala antalet timmar blir fler än de utdömda."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = getattr(self.case, "community_service", None)
        self.fields["workplace"].queryset = (
            order.workplaces.all() if order else CommunityServiceWorkplace.objects.none()
        )


class SessionCorrectForm(SessionForm, CorrectionForm):
    pass


class CommunityServiceEndForm(CaseForm):
    status = forms.ChoiceField(
        label=_("Avslut"),
        choices=[c for c in CommunityServiceStatus.choices if c[0] != CommunityServiceStatus.ONGOING],
        widget=forms.RadioSelect,
    )
    ended_on = date_field(_("Datum"))
    note = forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Krävs vid avbrott."),
    )
