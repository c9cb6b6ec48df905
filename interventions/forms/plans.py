"""Forms for genomförandeplaner."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import CaseForm, date_field, giver_choices, today, unit_staff
from consent.models import Actor
from interventions.forms.common import VersionedForm
from interventions.models import (
    Attainment,
    FollowUp,
    Goal,
)

# ---------------------------------------------------------------- Plans


class PlanCreateForm(CaseForm):
    coordinator = forms.ModelChoiceField(label=_("Samordnare"), queryset=None)
    overall_goal = forms.CharField(
        label=_("Övergripande mål"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    follow_up_method = forms.CharField(
        label=_("Så följs planen upp"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = unit_staff(self.case)
        self.fields["coordinator"].initial = user.pk if user else None


class PlanEditForm(CaseForm, VersionedForm):
    overall_goal = forms.CharField(label=_("Övergripande mål"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_method = forms.CharField(label=_("Så följs planen upp"), widget=forms.Textarea(attrs={"rows": 2}))


class ParticipantForm(CaseForm):
    actor = forms.ModelChoiceField(label=_("Aktör"), queryset=Actor.objects.all())
    contact = forms.CharField(label=_("Kontaktperson"), max_length=200, required=False)


class GoalForm(CaseForm):
    text = forms.CharField(label=_("Mål"), widget=forms.Textarea(attrs={"rows": 2}))


class ActivityForm(CaseForm):
    goal = forms.ModelChoiceField(label=_("Hör till mål"), queryset=None, required=False)
    what = forms.CharField(label=_("Vad ska göras"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ModelChoiceField(label=_("Vem ansvarar"), queryset=Actor.objects.all())
    when = forms.CharField(label=_("När"), max_length=200, help_text=_("Till exempel: varje tisdag, i mars."))
    due_on = date_field(_("Klart senast"), required=False)

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = version.goals.all() if version else Goal.objects.none()


class ActivityDoneForm(CaseForm):
    """Mark one not yet done activity of the current version as done. The choices come from the version's
    activities already loaded for the plan page, so the form adds no query."""

    activity = forms.ChoiceField(label=_("Aktivitet"))
    done_on = date_field(_("Klar"))

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_activities = {
            str(a.pk): a for a in (version.activities.all() if version else []) if a.done_on is None
        }
        self.fields["activity"].choices = [(pk, a.what[:80]) for pk, a in self.open_activities.items()]
        self.fields["done_on"].initial = today()

    def clean_activity(self):
        return self.open_activities[self.cleaned_data["activity"]]


class AgreementForm(CaseForm):
    giver = forms.ChoiceField(label=_("Vem godkänner planen"))
    agreed_on = date_field(_("Datum"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["giver"].choices = giver_choices(self.case)
        self.fields["agreed_on"].initial = today()


class TrainerForm(CaseForm, VersionedForm):
    name = forms.CharField(label=_("Personlig tränare"), max_length=200)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    assigned_on = date_field(_("Utsedd"), required=False)


class FollowUpScheduleForm(CaseForm):
    due_on = date_field(_("Datum för uppföljning"))


class FollowUpRecordForm(CaseForm):
    """A held follow-up with one attainment field (and comment) per goal of the current version."""

    follow_up = forms.ModelChoiceField(label=_("Uppföljning"), queryset=None)
    held_on = date_field(_("Hölls"))
    note = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(version.goals.all()) if version else []
        open_follow_ups = [f for f in version.follow_ups.all() if f.held_on is None] if version else []
        self.fields["follow_up"].queryset = (
            version.follow_ups.filter(held_on__isnull=True) if version else FollowUp.objects.none()
        )
        self.fields["follow_up"].label_from_instance = lambda f: f.due_on.isoformat()
        if open_follow_ups:
            self.fields["follow_up"].initial = open_follow_ups[0].pk
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=_("Mål %(n)s: %(text)s") % {"n": goal.position, "text": goal.text[:80]},
                choices=[("", "—"), *Attainment.choices],
                required=False,
            )
            self.fields[f"goal_{goal.pk}_comment"] = forms.CharField(
                label=_("Kommentar till mål %(n)s") % {"n": goal.position}, required=False, max_length=500
            )

    def attainments(self) -> dict[int, tuple[str, str]]:
        return {
            goal.pk: (
                self.cleaned_data.get(f"goal_{goal.pk}") or "",
                self.cleaned_data.get(f"goal_{goal.pk}_comment") or "",
            )
            for goal in self.goals
        }


class ReviseForm(CaseForm):
    reason = forms.CharField(label=_("Varför revideras planen"), widget=forms.Textarea(attrs={"rows": 2}))
