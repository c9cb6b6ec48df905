"""Forms for medling."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import CaseForm, date_field, unit_staff
from core.models import User
from interventions.models import (
    MediationOutcome,
    MeetingKind,
)

# ---------------------------------------------------------------- Medling


class MediationForm(CaseForm):
    offence = forms.CharField(label=_("Brottet"), widget=forms.Textarea(attrs={"rows": 3}))
    offence_on = date_field(_("Brottsdatum"), required=False)
    police_reference = forms.CharField(label=_("Polisens diarienummer"), max_length=50, required=False)
    prosecutor = forms.CharField(label=_("Åklagare (rapport till)"), max_length=200, required=False)
    mediator: forms.ModelChoiceField[User] = forms.ModelChoiceField(label=_("Medlare"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = unit_staff(self.case)


class PartyForm(CaseForm):
    """A victim: the offender (the case's young person) is a party from the start."""

    name = forms.CharField(label=_("Brottsoffrets namn"), max_length=200)
    id_number = forms.CharField(
        label=_("Personnummer"), max_length=20, required=False, help_text=_("Om det finns; kan lämnas tomt.")
    )
    birth_year = forms.IntegerField(label=_("Födelseår"), required=False)
    contact = forms.CharField(label=_("Kontaktuppgift"), max_length=200, required=False)


class ChecksForm(CaseForm):
    """The § 5 checks. Each box is a statement that holds or not, so none is marked "(frivilligt)"."""

    offender_volunteers = forms.BooleanField(label=_("Gärningspersonen deltar frivilligt"), required=False)
    victim_volunteers = forms.BooleanField(label=_("Brottsoffret deltar frivilligt"), required=False)
    reported_to_police = forms.BooleanField(label=_("Brottet är anmält till polisen"), required=False)
    offender_admitted = forms.BooleanField(label=_("Gärningspersonen har erkänt gärningen"), required=False)
    suitability_assessed = forms.BooleanField(label=_("Lämpligheten är bedömd"), required=False)
    suitability_note = forms.CharField(
        label=_("Lämplighetsbedömning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    under_12_reason = forms.CharField(
        label=_("Synnerliga skäl om gärningspersonen är under 12 år"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    recorded_on = date_field(
        _("Datum för kontrollerna"), required=False, help_text=_("Lämnas tomt: dagens datum första gången.")
    )


class StartForm(CaseForm):
    started_on = date_field(_("Medlingen påbörjas"))


class ConsultationForm(CaseForm):
    consulted_on = date_field(_("Datum för samrådet"))
    with_whom = forms.CharField(label=_("Förundersökningsledare"), max_length=200)
    note = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MediationMeetingForm(CaseForm):
    kind = forms.ChoiceField(label=_("Typ av möte"), choices=MeetingKind.choices)
    held_on = date_field(_("Datum"))
    note = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MediationEndForm(CaseForm):
    outcome = forms.ChoiceField(label=_("Utfall"), choices=MediationOutcome.choices, widget=forms.RadioSelect)
    ended_on = date_field(_("Datum"))
    reason = forms.CharField(
        label=_("Varför"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Krävs när ingen överenskommelse nåddes eller medlingen avbröts."),
    )
    agreement_text = forms.CharField(
        label=_("Överenskommelsen"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
