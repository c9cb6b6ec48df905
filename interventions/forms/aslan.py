"""Forms for ASLAN groups."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from consent.forms import BaseForm, date_field


class AslanGroupForm(BaseForm):
    name = forms.CharField(label=_("Gruppens namn"), max_length=100)
    starts_on = date_field(_("Startar"))
    leaders = forms.CharField(label=_("Gruppledare"), max_length=200, required=False)


class AslanParticipantForm(BaseForm):
    case: forms.ModelChoiceField[Case] = forms.ModelChoiceField(label=_("Barn (ASLAN-ärende)"), queryset=None)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.person.display_name}"


class AslanMeetingForm(BaseForm):
    held_on = date_field(_("Datum"))
    topic = forms.CharField(label=_("Tema"), max_length=200, required=False)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = participants
        for participant in participants:
            name = participant.case.person.display_name
            self.fields[f"youth_{participant.pk}"] = forms.BooleanField(
                label=_("%(name)s närvarande") % {"name": name}, required=False
            )
            self.fields[f"parents_{participant.pk}"] = forms.IntegerField(
                label=_("Antal föräldrar till %(name)s närvarande") % {"name": name},
                min_value=0,
                max_value=4,
                initial=0,
            )

    def attendance(self) -> dict[int, tuple[bool, int]]:
        return {
            p.pk: (self.cleaned_data.get(f"youth_{p.pk}", False), self.cleaned_data.get(f"parents_{p.pk}") or 0)
            for p in self.participants
        }
