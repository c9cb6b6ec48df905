"""Forms of the access pages: loggkontroll filters, person look-up (POST only), grants."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, StaffChoiceField
from core.models import User


class AccessLogFilterForm(forms.Form):
    """GET filters. The person is an opaque UUID picked from a search result, never a typed personnummer."""

    user = StaffChoiceField(label=_("Användare"), queryset=User.objects.none(), required=False)
    person = forms.UUIDField(widget=forms.HiddenInput, required=False)
    since = forms.DateField(label=_("Från och med"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Till och med"), required=False, widget=DateInput())
    flagged = forms.BooleanField(label=_("Bara flaggade uppslag"), required=False)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["user"].queryset = staff

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("Slutdatum kan inte vara före startdatum."))
        return data


class PersonLookupForm(forms.Form):
    """Sent by POST so that a personnummer typed here never lands in a URL or a server log line."""

    query = forms.CharField(
        label=_("Sök person att granska"),
        max_length=100,
        help_text=_("Namn, personnummer eller ärendenummer."),
    )


class GrantForm(forms.Form):
    grantee = StaffChoiceField(label=_("Användare"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Skälet sparas i behörighetsloggen."),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["grantee"].queryset = candidates


class RevokeForm(GrantForm):
    pass


class JournalPrintForm(forms.Form):
    """The period of a journalutskrift, and whether it is only looked at or given out (then kept as an aktbilaga)."""

    PREVIEW = "preview"
    GIVE_OUT = "give_out"

    since = forms.DateField(label=_("Från och med"), widget=DateInput())
    until = forms.DateField(label=_("Till och med"), widget=DateInput())
    action = forms.ChoiceField(
        choices=[(PREVIEW, _("Förhandsgranska")), (GIVE_OUT, _("Lämna ut"))], widget=forms.HiddenInput, initial=PREVIEW
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("Slutdatum kan inte vara före startdatum."))
        return data

    @property
    def gives_out(self) -> bool:
        return self.cleaned_data["action"] == self.GIVE_OUT
