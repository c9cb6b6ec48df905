"""Forms for case work. They only parse and label input; the rules live in cases.services, whose
ValidationErrors (keyed by field, Swedish) are attached back to these forms by the views."""

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.identity import Gender, IdKind, parse_id_number
from cases.models import Basis, Case, ClosureReason, EntryKind, InsatsType, Person, ProtectionLevel, ReferralSource
from cases.services import IDENTITY_FIELDS
from core.models import District, Unit, User


class DateInput(forms.DateInput):
    """Native date picker; the value is ISO (2024-03-15), which is also the Swedish format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.unit})" if obj.unit_id else name


class PersonSearchForm(forms.Form):
    # not required: an empty search shows the empty form again, not an error
    q = forms.CharField(
        label=_("Namn, personnummer eller ärendenummer"),
        max_length=100,
        required=False,
        help_text=_("Personnummer går att skriva med 10 eller 12 siffror, med eller utan bindestreck."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class PersonRegisterForm(forms.Form):
    id_kind = forms.ChoiceField(label=_("Typ av nummer"), choices=IdKind.choices, initial=IdKind.PERSONNUMMER)
    id_number = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_("ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN. Reservnummer skrivs som det tilldelats."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    birth_date = forms.DateField(
        label=_("Födelsedatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Behövs bara för reservnummer; annars hämtas det ur personnumret."),
    )
    gender = forms.ChoiceField(
        label=_("Kön"),
        required=False,
        choices=[("", _("Hämta ur personnumret")), *Gender.choices],
    )
    district = forms.ModelChoiceField(
        label=_("Område"), required=False, queryset=District.objects.none(), empty_label=_("Inget valt")
    )
    street_address = forms.CharField(label=_("Gatuadress"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postnummer"), max_length=10, required=False)
    city = forms.CharField(label=_("Postort"), max_length=100, required=False)
    protection = forms.ChoiceField(
        label=_("Skyddade personuppgifter"), choices=ProtectionLevel.choices, required=False, initial=""
    )

    # shown once the service has warned that the age is outside the target group (cases.rules)
    age_confirmed = forms.BooleanField(
        label=_("Jag bekräftar att personen ska registreras trots åldern."), required=False
    )

    def __init__(self, *args: Any, unit_id: int | None, **kwargs: Any) -> None:
        """unit_id: the registering unit, whose municipality's districts are offered."""
        super().__init__(*args, **kwargs)
        districts = District.objects.of_unit(unit_id).order_by("name")
        cast("forms.ModelChoiceField[District]", self.fields["district"]).queryset = districts

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as person_register takes them ("Hämta ur personnumret" is no gender given)."""
        return {**self.cleaned_data, "gender": self.cleaned_data["gender"] or None}


class PersonEditForm(forms.Form):
    """A person's details after registration; the version the user saw goes with it (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    id_kind = PersonRegisterForm.base_fields["id_kind"]
    id_number = PersonRegisterForm.base_fields["id_number"]
    first_name = PersonRegisterForm.base_fields["first_name"]
    last_name = PersonRegisterForm.base_fields["last_name"]
    birth_date = PersonRegisterForm.base_fields["birth_date"]
    gender = forms.ChoiceField(label=_("Kön"), choices=Gender.choices)
    protection = PersonRegisterForm.base_fields["protection"]
    street_address = PersonRegisterForm.base_fields["street_address"]
    postal_code = PersonRegisterForm.base_fields["postal_code"]
    city = PersonRegisterForm.base_fields["city"]
    district = forms.ModelChoiceField(
        label=_("Område"), required=False, queryset=District.objects.none(), empty_label=_("Inget valt")
    )

    def __init__(self, *args: Any, identity: bool, unit_id: int | None, **kwargs: Any) -> None:
        """identity False: the person's identity is protected from this user; only the rest is offered. unit_id: the
        unit that registered the person, whose municipality's districts are offered."""
        super().__init__(*args, **kwargs)
        districts = District.objects.of_unit(unit_id).order_by("name")
        cast("forms.ModelChoiceField[District]", self.fields["district"]).queryset = districts
        if not identity:
            for name in list(self.fields):
                if name not in ("version", "gender"):
                    del self.fields[name]

    @staticmethod
    def initial_from(person: Person) -> dict[str, Any]:
        """The form's initial values: the person's details, only gender and version when the identity is hidden."""
        initial: dict[str, Any] = {"gender": person.gender, "version": person.version}
        if not person.shows_identity:
            return initial
        initial |= {name: getattr(person, name) for name in IDENTITY_FIELDS if name != "district"}
        initial["district"] = person.district_id
        if person.id_kind != IdKind.RESERVE:
            initial["birth_date"] = None  # taken from the number
        return initial

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as person_update takes them: the version the user saw and the changes."""
        changes = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        return {"expected_version": self.cleaned_data["version"], "changes": changes}


class CustodianForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200, required=False)
    id_number = forms.CharField(label=_("Personnummer"), max_length=20, required=False)
    relation = forms.CharField(label=_("Relation"), max_length=50, required=False, help_text=_("Till exempel mamma."))
    phone = forms.CharField(
        label=_("Telefon"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label=_("E-post"), required=False)

    def clean_id_number(self) -> str:
        number: str = self.cleaned_data["id_number"].strip()
        if number:
            parse_id_number(number)  # raises a Swedish ValidationError tied to this custodian's field
        return number

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        other = [data.get(key) for key in ("id_number", "relation", "phone", "email")]
        if any(other) and not data.get("name"):
            self.add_error("name", _("Ange vårdnadshavarens namn."))
        return data


CustodianFormSet = forms.formset_factory(CustodianForm, extra=2, max_num=4)


class CustodianEditForm(CustodianForm):
    """One custodian added or changed after registration; `version` only when changing one."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    valid_from = forms.DateField(
        label=_("Vårdnadshavare från"),
        required=False,
        widget=DateInput(),
        help_text=_("Till exempel datum för beslut om ändrad vårdnad. Lämna tomt om det inte är känt."),
    )

    def __init__(self, *args: Any, adding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        if not adding:  # the start of a guardianship is recorded when it is added; an end is its own step
            del self.fields["valid_from"]


class CustodianEndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    valid_to = forms.DateField(
        label=_("Sista dag som vårdnadshavare"),
        widget=DateInput(),
        help_text=_("Vårdnadshavaren och de samtycken hen har lämnat finns kvar i historiken."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_to"].initial = timezone.localdate()


class CaseOpenForm(forms.Form):
    insats_type = forms.ModelChoiceField(
        label=_("Insats"), queryset=InsatsType.objects.none(), empty_label=_("Välj insats")
    )
    referral_source = forms.ChoiceField(
        label=_("Aktualiserad av"), choices=[("", _("Välj källa")), *ReferralSource.choices]
    )
    basis = forms.ChoiceField(label=_("Grund"), choices=Basis.choices, widget=forms.RadioSelect)
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=Unit.objects.none(), empty_label=None)
    handler = StaffChoiceField(label=_("Handläggare"), queryset=User.objects.none(), empty_label=None)
    opened_on = forms.DateField(label=_("Aktualiseringsdatum"), widget=DateInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[InsatsType]", self.fields["insats_type"]).queryset = InsatsType.objects.filter(
            has_individual_cases=True
        )
        # The user's own provider: cases are opened in a unit the user works beside.
        units = Unit.objects.filter(provider__units=user.unit_id) if user.unit_id else Unit.objects.none()
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset = units.distinct().order_by("name")
        cast("forms.ModelChoiceField[User]", self.fields["handler"]).queryset = (
            User.objects.filter(is_active=True, unit__in=units).select_related("unit").distinct()
        )
        self.fields["unit"].initial = user.unit_id
        self.fields["handler"].initial = user.pk
        self.fields["opened_on"].initial = timezone.localdate()


SIGN_CONFIRM_LABEL = _(
    "Jag bekräftar att anteckningen är färdig. En signerad anteckning kan inte ändras eller tas bort."
)
SIGN_CONFIRM_MISSING = _("Bekräfta att anteckningen ska signeras, eller spara den som utkast.")


class JournalEntryForm(forms.Form):
    """A new entry; signing it at once ("Spara och signera", `sign`) needs the confirmation ticked."""

    kind = forms.ChoiceField(
        label=_("Typ av anteckning"),
        choices=[choice for choice in EntryKind.choices if choice[0] != EntryKind.CORRECTION],
    )
    occurred_on = forms.DateField(label=_("Datum"), widget=DateInput())
    text = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 6}))
    confirm_sign = forms.BooleanField(
        label=SIGN_CONFIRM_LABEL, required=False, help_text=_("Behövs bara för Spara och signera.")
    )

    def __init__(self, *args: Any, sign: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sign = sign
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.sign and not data.get("confirm_sign"):
            self.add_error("confirm_sign", SIGN_CONFIRM_MISSING)
        return data

    def entry_fields(self) -> dict[str, Any]:
        """The cleaned entry as journal_entry_create takes it (the confirmation is the form's own)."""
        return {key: self.cleaned_data[key] for key in ("kind", "occurred_on", "text")}


class SignConfirmForm(forms.Form):
    """The confirmation step before a draft is signed (a page of its own: works without JavaScript)."""

    confirm_sign = forms.BooleanField(
        label=SIGN_CONFIRM_LABEL, error_messages={"required": _("Bekräfta att anteckningen ska signeras.")}
    )


class JournalEntryEditForm(forms.Form):
    """Edit a draft; carries the version the author opened (a second tab's save is not overwritten)."""

    occurred_on = forms.DateField(label=_("Datum"), widget=DateInput())
    text = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": _("Formuläret saknar versionsuppgift. Ladda om sidan och försök igen.")},
    )

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as journal_entry_update takes them."""
        fields = dict(self.cleaned_data)
        fields["expected_version"] = fields.pop("version")
        return fields


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Rättelse"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Skriv vad som är fel och vad som gäller. Den ursprungliga anteckningen finns kvar."),
    )
    # a correction is signed when saved
    confirm_sign = forms.BooleanField(
        label=_("Jag bekräftar att rättelsen är färdig. Den signeras och kan inte ändras eller tas bort."),
        error_messages={"required": _("Bekräfta att rättelsen ska signeras.")},
    )


class VersionedCaseForm(forms.Form):
    """A form that changes a case: it carries the version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as the case's services take them: the version the user saw as expected_version."""
        fields = dict(self.cleaned_data)
        fields["expected_version"] = fields.pop("version")
        return fields


class FollowUpForm(VersionedCaseForm):
    next_follow_up_on = forms.DateField(
        label=_("Planera nästa uppföljning"),
        required=False,
        widget=DateInput(),
        help_text=_("Lämna tomt om ingen uppföljning är planerad."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the date picker offers no day that has passed (the service refuses one all the same)
        self.fields["next_follow_up_on"].widget.attrs["min"] = timezone.localdate().isoformat()


class CaseCloseForm(VersionedCaseForm):
    reason = forms.ChoiceField(label=_("Avslutsorsak"), choices=ClosureReason.choices, widget=forms.RadioSelect)
    closed_on = forms.DateField(label=_("Avslutsdatum"), widget=DateInput())
    note = forms.CharField(label=_("Kommentar till avslutet"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()


class CaseReassignForm(VersionedCaseForm):
    handler = StaffChoiceField(label=_("Ny handläggare"), queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["handler"]).queryset = (
            User.objects.filter(is_active=True, unit_id=case.unit_id)
            .filter(Q(groups__permissions__codename="view_case") | Q(is_superuser=True))
            .select_related("unit")
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["handler"].initial = case.handler_id


class IdentityRequestForm(forms.Form):
    """Ask the enhetschef to be named for a protected person's identity."""

    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=5,
        max_length=1000,
        help_text=_("T.ex. att du är ansvarig handläggare. Skälet sparas i ändringshistoriken."),
    )
