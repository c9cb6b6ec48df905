"""Forms for agreements, the period of a follow-up and the manager's commentary (Swedish labels)."""

import datetime
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import InsatsType
from core.forms import WholeNumberField
from reporting.figures import Period
from reporting.models import CommentarySection, ReportKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# The fields an agreement is created with (and edited, with renewal_decided_on and version)
AGREEMENT_FIELDS = ("name", "reference", "starts_on", "ends_on", "budget", "defection_budget", "notice_months")


class AgreementForm(forms.Form):
    scope = forms.ChoiceField(label=_("Gäller"), help_text=_("Hela utföraren eller den egna enheten."))
    name = forms.CharField(label=_("Benämning"), max_length=200)
    reference = forms.CharField(label=_("Diarienummer"), max_length=50, required=False)
    starts_on = forms.DateField(label=_("Gäller från"), widget=DateInput())
    ends_on = forms.DateField(label=_("Gäller till"), widget=DateInput())
    budget = WholeNumberField(label=_("Budget (kr per år)"), min_value=0)
    defection_budget = WholeNumberField(
        label=_("Budget för köpta insatser vid avhopp (kr per år)"), min_value=0, required=False
    )
    notice_months = forms.IntegerField(label=_("Uppsägningstid (månader)"), min_value=0, max_value=60, initial=12)
    renewal_decided_on = forms.DateField(
        label=_("Nämndens beslut om förlängning eller uppsägning fattat"),
        required=False,
        widget=DateInput(),
        help_text=_("Fyll i när nämnden har beslutat; då slutar påminnelsen att visas."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, scope_choices: list[tuple[str, str]], editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = scope_choices
        if editing:
            self.fields["scope"].disabled = True
            self.fields["scope"].required = False
        else:
            del self.fields["renewal_decided_on"]
        # one pair of fields per insats in the catalogue (eight rows): min and max per year
        self.volume_rows = []
        for insats in InsatsType.objects.order_by("sort_order", "name"):
            low = forms.IntegerField(
                label=_("%(insats)s, lägst per år") % {"insats": insats.name}, min_value=0, required=False
            )
            high = forms.IntegerField(
                label=_("%(insats)s, högst per år") % {"insats": insats.name}, min_value=0, required=False
            )
            self.fields[f"min_{insats.code}"] = low
            self.fields[f"max_{insats.code}"] = high
            self.volume_rows.append((insats, f"min_{insats.code}", f"max_{insats.code}"))

    def clean(self):
        data = super().clean()
        for _insats, low_name, high_name in self.volume_rows:
            low, high = data.get(low_name), data.get(high_name)
            if low is None and high is None:
                continue
            if low is None or high is None:
                self.add_error(high_name if high is None else low_name, _("Ange både lägsta och högsta volym."))
            elif low > high:
                self.add_error(high_name, _("Högsta volym får inte vara mindre än lägsta."))
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", _("Slutdatum måste vara efter startdatum."))
        return data

    @staticmethod
    def initial_from(agreement) -> dict:
        """The form's initial values for editing an agreement (volumes prefetched by the selector)."""
        initial = {
            "scope": f"unit-{agreement.unit_id}" if agreement.unit_id else f"provider-{agreement.provider_id}",
            "version": agreement.version,
        }
        initial |= {name: getattr(agreement, name) for name in AGREEMENT_FIELDS + ("renewal_decided_on",)}
        for volume in agreement.volumes.all():
            initial[f"min_{volume.insats_type.code}"] = volume.min_per_year
            initial[f"max_{volume.insats_type.code}"] = volume.max_per_year
        return initial

    def agreement_fields(self) -> dict:
        """The cleaned agreement fields, named as agreement_create and agreement_update take them."""
        return {name: self.cleaned_data[name] for name in AGREEMENT_FIELDS}

    def volumes(self) -> list[tuple[InsatsType, int, int]]:
        return [
            (insats, self.cleaned_data[low], self.cleaned_data[high])
            for insats, low, high in self.volume_rows
            if self.cleaned_data.get(low) is not None and self.cleaned_data.get(high) is not None
        ]

    @property
    def volume_fields(self):
        return [(insats, self[low], self[high]) for insats, low, high in self.volume_rows]


def _year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - 11, -1)]


class PeriodForm(forms.Form):
    """First or second half-year, a whole year, or any dates; and whose cases (scope)."""

    scope = forms.ChoiceField(label=_("Verksamhet"))
    kind = forms.ChoiceField(label=_("Period"), choices=ReportKind.choices, initial=ReportKind.FIRST_HALF)
    year = forms.TypedChoiceField(label=_("År"), coerce=int, required=False)
    start = forms.DateField(
        label=_("Från och med"), required=False, widget=DateInput(), help_text=_("Vid valfri period.")
    )
    end = forms.DateField(
        label=_("Till och med"), required=False, widget=DateInput(), help_text=_("Vid valfri period.")
    )

    def __init__(self, *args, scope_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = scope_choices
        cast(forms.TypedChoiceField, self.fields["year"]).choices = _year_choices()
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ReportKind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", _("Ange första dagen i perioden."))
            if not end:
                self.add_error("end", _("Ange sista dagen i perioden."))
            if start and end and end < start:
                self.add_error("end", _("Periodens slut kan inte vara före dess början."))
            if start and end and (end - start).days > 366 * 3:
                self.add_error("end", _("Välj en period på högst tre år."))
        elif kind and not data.get("year"):
            self.add_error("year", _("Välj år."))
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == ReportKind.CUSTOM:
            return Period(data["start"], data["end"])
        if kind == ReportKind.YEAR:
            return Period.year(data["year"])
        return Period.half_year(data["year"], 1 if kind == ReportKind.FIRST_HALF else 2)


def default_period_data(today: datetime.date | None = None) -> dict:
    """The half-year that ended last: what a manager usually wants to look at."""
    today = today or timezone.localdate()
    period = Period.last_ended_half_year(today)
    return {
        "kind": ReportKind.FIRST_HALF if period.start.month == 1 else ReportKind.SECOND_HALF,
        "year": period.start.year,
    }


class CommentaryForm(forms.Form):
    """The draft's diarienummer and commentary; carries the draft's version (optimistic locking)."""

    reference = forms.CharField(label=_("Diarienummer"), max_length=50, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in CommentarySection:
            self.fields[section.value] = forms.CharField(
                label=section.label, required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
            )

    def texts(self) -> dict[str, str]:
        return {section.value: self.cleaned_data.get(section.value, "") for section in CommentarySection}


class FinaliseConfirmForm(forms.Form):
    """The confirmation step before "Fastställ" (a page of its own: works without JavaScript). Carries the
    draft's version, so what is finalised is what the manager saw on that page."""

    confirm = forms.BooleanField(
        label=_(
            "Jag har granskat siffrorna och kommentarerna. Versionen fastställs och kan sedan inte ändras; "
            "ändringar görs i en ny version."
        ),
        error_messages={"required": _("Bekräfta att versionen ska fastställas.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def validate_scope_key(key: str, choices: list[tuple[str, str, object]]):
    for choice_key, _label, scope in choices:
        if choice_key == key:
            return scope
    raise ValidationError(_("Välj en verksamhet du ansvarar för."))
