"""Forms for beslut: record a beslut, and the three changes of a granted beslut (each carries the version)."""

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from decisions.models import Lagrum, Outcome


class LagrumChoiceField(forms.ModelChoiceField[Lagrum]):
    def label_from_instance(self, obj: Lagrum) -> str:
        return str(obj)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslut"), choices=Outcome.choices, widget=forms.RadioSelect)
    lagrum = LagrumChoiceField(label=_("Lagrum"), queryset=Lagrum.objects.none(), empty_label=_("Välj lagrum"))
    applied_for = forms.CharField(label=_("Ansökan avser"), widget=forms.Textarea(attrs={"rows": 3}))
    granted = forms.CharField(
        label=_("Beviljat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vid bifall och delvis bifall: vad som beviljas och i vilken omfattning."),
    )
    period_from = forms.DateField(label=_("Beviljat från och med"), required=False, widget=DateInput())
    period_to = forms.DateField(label=_("Beviljat till och med"), required=False, widget=DateInput())
    reasoning = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 5}))
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput())

    def __init__(self, *args: Any, lagrum: QuerySet[Lagrum], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(LagrumChoiceField, self.fields["lagrum"]).queryset = lagrum
        self.fields["decided_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class VersionedDecisionForm(forms.Form):
    """Changes a beslut: carries the version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def service_fields(self) -> dict[str, Any]:
        fields = dict(self.cleaned_data)
        fields["expected_version"] = fields.pop("version")
        return fields


class ExecuteForm(VersionedDecisionForm):
    executed_on = forms.DateField(
        label=_("Datum då insatsen började"),
        widget=DateInput(),
        help_text=_("Beslutet är verkställt den dag insatsen faktiskt började."),
    )


class EndForm(VersionedDecisionForm):
    ended_on = forms.DateField(label=_("Avslutat datum"), widget=DateInput())
    end_reason = forms.CharField(
        label=_("Orsak"), max_length=200, help_text=_("Till exempel: ungdomen tackade nej, flyttade.")
    )


class DelayReasonForm(VersionedDecisionForm):
    delay_reason = forms.CharField(
        label=_("Orsak till dröjsmål"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Rapporteras till IVO och nämnden varje kvartal tills beslutet är verkställt eller avslutat."),
    )


def quarter_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The last eight quarters, newest first, as "2026-3" → "2026 kvartal 3"."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _step in range(8):
        choices.append((f"{year}-{quarter}", _("%(year)s kvartal %(quarter)s") % {"year": year, "quarter": quarter}))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return choices
