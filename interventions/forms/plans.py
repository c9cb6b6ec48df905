"""Forms for genomförandeplaner."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import CaseForm, custodian_for_giver, date_field, giver_choices, today, unit_staff
from consent.models import Actor
from core.models import User
from interventions.forms.common import VersionedForm
from interventions.models import (
    Attainment,
    FollowUp,
    Goal,
)

# ---------------------------------------------------------------- Plans


class PlanCreateForm(CaseForm):
    coordinator: forms.ModelChoiceField[User] = forms.ModelChoiceField(label=_("Samordnare"), queryset=None)
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
    goal: forms.ModelChoiceField[Goal] = forms.ModelChoiceField(label=_("Hör till mål"), queryset=None, required=False)
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

    follow_up: forms.ModelChoiceField[FollowUp] = forms.ModelChoiceField(label=_("Uppföljning"), queryset=None)
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


# ---------------------------------------------------------------- the plan in one sitting


class GoalRowForm(forms.Form):
    text = forms.CharField(label=_("Mål"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ActivityRowForm(forms.Form):
    """One activity row under a goal; an untouched row is skipped, a started one needs what, who and when."""

    what = forms.CharField(label=_("Vad ska göras"), max_length=1000, required=False)
    responsible = forms.ChoiceField(label=_("Vem ansvarar"), required=False)
    when = forms.CharField(label=_("När"), max_length=200, required=False)
    due_on = date_field(_("Klart senast"), required=False)

    def __init__(self, *args, actors: dict[str, Actor], **kwargs):
        # the actor catalogue is read once for all rows (PlanBuildForm), not once per row's select
        super().__init__(*args, **kwargs)
        self.actors = actors
        cast(forms.ChoiceField, self.fields["responsible"]).choices = [
            ("", "---------"),
            *((pk, a.name) for pk, a in actors.items()),
        ]

    def clean_responsible(self) -> Actor | None:
        return self.actors.get(self.cleaned_data["responsible"])

    def clean(self):
        data = super().clean()
        for name, message in (
            ("what", _("Beskriv vad som ska göras.")),
            ("responsible", _("Välj vem som ansvarar.")),
            ("when", _("Ange när det ska göras.")),
        ):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data


GoalRows = forms.formset_factory(GoalRowForm, extra=2, max_num=20, validate_max=True)
ActivityRows = forms.formset_factory(ActivityRowForm, extra=3, max_num=30, validate_max=True)


class PlanBuildForm(CaseForm, VersionedForm):
    """The whole plan on one form: the meeting it was written at, goals each with rows of activities (rows are
    added by static/js/rows.js, or a few empty rows without JS), the trainer, planned follow-ups and who signed
    it on paper, and when. Carries the plan's version (the trainer is a plan edit)."""

    meeting_on = date_field(_("Planmötet hölls"))
    trainer_name = forms.CharField(label=_("Personlig tränare"), max_length=200, required=False)
    trainer_phone = forms.CharField(label=_("Telefon till tränaren"), max_length=30, required=False)
    follow_up_1 = date_field(_("Första uppföljningen"), required=False)
    follow_up_2 = date_field(_("Andra uppföljningen"), required=False)
    approvers = forms.MultipleChoiceField(
        label=_("Har skrivit under planen"), widget=forms.CheckboxSelectMultiple, required=False
    )
    signed_on = date_field(
        _("Underskriven"),
        required=False,
        help_text=_("Datumet på underskriften, samma dag som mötet eller senare."),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["approvers"].choices = giver_choices(self.case)
        self.fields["meeting_on"].initial = today()
        self.fields["signed_on"].initial = today()
        rows = {"actors": {str(actor.pk): actor for actor in Actor.objects.order_by("sort_order", "name")}}
        self.goal_rows = GoalRows(data, prefix="mal")
        self.activity_rows = [
            ActivityRows(data, prefix=f"mal-{index}-akt", form_kwargs=rows)
            for index in range(self.goal_rows.total_form_count())
        ]
        # the empty goal and activity rows the script copies ("__prefix__" and "__goal__" are replaced)
        self.empty_goal = self.goal_rows.empty_form
        self.empty_goal_activities = ActivityRows(prefix="mal-__prefix__-akt", form_kwargs=rows)
        self.empty_activity = ActivityRows(prefix="mal-__goal__-akt", form_kwargs=rows).empty_form

    @property
    def goal_blocks(self):
        return list(zip(self.goal_rows.forms, self.activity_rows, strict=True))

    def is_valid(self) -> bool:
        valid = super().is_valid()
        rows_valid = self.goal_rows.is_valid()
        for rows in self.activity_rows:
            rows_valid = rows.is_valid() and rows_valid
        if rows_valid:
            for number, (goal, rows) in enumerate(self.goal_blocks, 1):
                if not (goal.cleaned_data.get("text") or "").strip() and any(r.has_changed() for r in rows.forms):
                    goal.add_error("text", _("Skriv mål %(n)s, aktiviteterna hör till det.") % {"n": number})
                    rows_valid = False
        if not rows_valid and valid:
            self.add_error(None, _("Rätta raderna som är markerade nedan."))
        return valid and rows_valid

    def approver_custodians(self) -> list:
        return [custodian_for_giver(self.case, giver) for giver in self.cleaned_data["approvers"]]

    def goals(self) -> list[tuple[str, list[dict]]]:
        goals = []
        for goal, rows in self.goal_blocks:
            text = (goal.cleaned_data.get("text") or "").strip()
            if text:
                activities = [row.cleaned_data for row in rows.forms if row.has_changed() and row.cleaned_data]
                goals.append((text, activities))
        return goals

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "meeting_on": data["meeting_on"],
            "goals": self.goals(),
            "trainer_name": data["trainer_name"],
            "trainer_phone": data["trainer_phone"],
            "follow_ups": [day for day in (data["follow_up_1"], data["follow_up_2"]) if day],
            "approvers": self.approver_custodians(),
            "signed_on": data["signed_on"],
            "expected_version": data["version"],
        }
