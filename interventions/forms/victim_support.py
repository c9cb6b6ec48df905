"""Forms for stöd till unga brottsutsatta, the short case included."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.identity import IdKind
from cases.models import EntryKind, ReferralSource
from cases.services import CustodianData
from consent.forms import BaseForm, CaseForm, date_field
from interventions.models import (
    CrimeType,
)
from interventions.services.victim_support import ContactData, NewPersonData

# ---------------------------------------------------------------- Stöd, SKK, Avhopp


class VictimSupportForm(CaseForm):
    crime_type = forms.ChoiceField(label=_("Typ av brott"), choices=CrimeType.choices)
    crime_on = date_field(_("Brottsdatum"), required=False)
    reported_to_police = forms.BooleanField(label=_("Anmält till polisen"), required=False)


class ShortCaseForm(BaseForm):
    """One form for a whole short support case (stöd till unga brottsutsatta)."""

    existing_number = forms.CharField(
        label=_("Personnummer för en redan registrerad ungdom"),
        max_length=20,
        required=False,
        help_text=_("Fyll i detta ELLER uppgifterna för en ny ungdom nedan."),
    )
    id_kind = forms.ChoiceField(label=_("Typ av nummer"), choices=IdKind.choices, initial=IdKind.PERSONNUMMER)
    id_number = forms.CharField(label=_("Personnummer (ny ungdom)"), max_length=20, required=False)
    first_name = forms.CharField(label=_("Förnamn"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100, required=False)
    birth_date = date_field(_("Födelsedatum (bara för reservnummer)"), required=False)
    custodian_name = forms.CharField(label=_("Vårdnadshavare"), max_length=200, required=False)
    referral_source = forms.ChoiceField(label=_("Aktualiserad av"), choices=ReferralSource.choices)
    crime_type = forms.ChoiceField(label=_("Typ av brott"), choices=CrimeType.choices)
    crime_on = date_field(_("Brottsdatum"), required=False)
    reported_to_police = forms.BooleanField(label=_("Anmält till polisen"), required=False)
    contact1_on = date_field(_("Kontakt 1: datum"))
    contact1_kind = forms.ChoiceField(label=_("Kontakt 1: typ"), choices=EntryKind.choices[:4])
    contact1_text = forms.CharField(label=_("Kontakt 1: anteckning"), widget=forms.Textarea(attrs={"rows": 3}))
    contact2_on = date_field(_("Kontakt 2: datum"), required=False)
    contact2_kind = forms.ChoiceField(label=_("Kontakt 2: typ"), choices=EntryKind.choices[:4], required=False)
    contact2_text = forms.CharField(
        label=_("Kontakt 2: anteckning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    closed_on = date_field(_("Avslutas"))
    closure_note = forms.CharField(label=_("Kommentar till avslut"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if not data.get("existing_number") and not (
            data.get("id_number") and data.get("first_name") and data.get("last_name")
        ):
            self.add_error(
                "existing_number",
                _("Ange personnumret för en registrerad ungdom, eller nummer och namn för en ny ungdom."),
            )
        if data.get("contact2_on") and not data.get("contact2_text"):
            self.add_error("contact2_text", _("Skriv en anteckning för kontakt 2."))
        return data

    def case_data(self) -> dict:
        """The valid form as the arguments of services.victim_support_short_case, the person aside (a new
        person's details only when no registered person's number was given)."""
        data = self.cleaned_data
        contacts = [ContactData(data["contact1_on"], data["contact1_kind"], data["contact1_text"])]
        if data["contact2_on"]:
            contacts.append(ContactData(data["contact2_on"], data["contact2_kind"] or "samtal", data["contact2_text"]))
        new_person = None
        if not data["existing_number"]:
            new_person = NewPersonData(
                id_kind=data["id_kind"],
                id_number=data["id_number"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
                custodians=(CustodianData(name=data["custodian_name"]),) if data["custodian_name"] else (),
            )
        case_fields = ("referral_source", "crime_type", "crime_on", "reported_to_police", "closed_on", "closure_note")
        return {"new_person": new_person, "contacts": contacts, **{name: data[name] for name in case_fields}}
