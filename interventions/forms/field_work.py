"""Forms for fältverksamhet: shifts, polare, områdesinsatser."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from consent.forms import BaseForm, date_field, today
from core.forms import DecimalCommaField
from core.models import District, User
from interventions.forms.common import CorrectionForm, DuplicateConfirmForm
from interventions.models import AreaEffort, Polare, PolareNight, PolareNightStatus

# ---------------------------------------------------------------- Field work and ASLAN


class FieldShiftForm(DuplicateConfirmForm):
    worked_on = date_field(_("Datum"))
    starts_at = forms.TimeField(
        label=_("Passet började"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("Passet slutade"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Ett pass som slutar efter midnatt slutar före starttiden."),
    )
    district = forms.ModelChoiceField(label=_("Område"), queryset=District.objects.none(), required=False)
    area = forms.CharField(label=_("Plats"), max_length=200)
    staff: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        label=_("Personal"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    youths_met = forms.IntegerField(label=_("Antal ungdomar mötta"), min_value=0)
    youths_talked = forms.IntegerField(label=_("Antal ungdomar samtal med"), min_value=0)
    notes = forms.CharField(label=_("Iakttagelser"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = get_user_model().objects.filter(unit_id=user.unit_id, is_active=True)
        self.fields["district"].queryset = District.objects.of_unit(user.unit_id)
        self.fields["worked_on"].initial = today()


class FieldShiftCorrectForm(FieldShiftForm, CorrectionForm):
    pass


class PolareForm(BaseForm):
    name = forms.CharField(label=_("Namn"), max_length=200)
    birth_date = date_field(_("Födelsedatum"))
    service_started_on = date_field(_("Polare sedan"))


class PolareNightForm(BaseForm):
    polare: forms.ModelChoiceField[Polare] = forms.ModelChoiceField(label=_("Polare"), queryset=None)
    worked_on = date_field(_("Kväll"))

    def __init__(self, *args, polare_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["polare"].queryset = polare_queryset.filter(active=True)


class PolareNightStatusForm(BaseForm):
    night: forms.ModelChoiceField[PolareNight] = forms.ModelChoiceField(
        label=_("Kväll"), queryset=None, widget=forms.HiddenInput
    )
    status = forms.ChoiceField(label=_("Status"), choices=PolareNightStatus.choices)

    def __init__(self, *args, nights, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["night"].queryset = nights


class AreaEffortForm(DuplicateConfirmForm):
    district = forms.ModelChoiceField(label=_("Område"), queryset=District.objects.none())
    starts_on = date_field(_("Startar"))
    weeks = forms.IntegerField(label=_("Antal veckor (1–12)"), min_value=0)
    reason = forms.CharField(label=_("Anledning"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.of_unit(user.unit_id)


class PolareNightCorrectForm(CorrectionForm):
    worked_on = date_field(_("Kväll"))
    fee = DecimalCommaField(
        label=_("Arvode (kr)"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        help_text=_("Från arvodestabellen när kvällen bokades; ändra om polaren ska ha ett annat arvode."),
    )


class AreaEffortCorrectForm(AreaEffortForm, CorrectionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["confirm_duplicate"]  # a correction changes one effort; it does not start another
        self.fields["weeks"].label = _("Antal veckor från start (1–12), utan förlängningar")


class AreaEffortExtendForm(BaseForm):
    effort: forms.ModelChoiceField[AreaEffort] = forms.ModelChoiceField(label=_("Områdesinsats"), queryset=None)
    weeks = forms.IntegerField(label=_("Förläng med antal veckor"), min_value=0)
    reason = forms.CharField(label=_("Anledning"), widget=forms.Textarea(attrs={"rows": 2}))


def area_effort_extend_form(data, *, efforts):
    form = AreaEffortExtendForm(data)
    form.fields["effort"].queryset = efforts
    form.fields["effort"].label_from_instance = lambda e: (
        f"{e.district} ({e.starts_on.isoformat()}–{e.ends_on.isoformat()})"
    )
    return form
