"""Forms for consent and utlämnanden, and the bases of every case-bound form (the insats forms build on them).

The forms parse input only; the rules live in consent.services."""

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from cases.models import Case, Custodian, Person
from consent.models import Actor, Consent, ConsentForm, LegalBasis
from consent.selectors import custodian_label, custodian_name, open_actor_links
from core.models import User

YOUNG_PERSON = "ungdomen"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


def today() -> datetime.date:
    return timezone.localdate()


class BaseForm(forms.Form):
    """Field ids carry the form's name, so several forms on one page never share an id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower().removesuffix('form')}_%s")
        super().__init__(*args, **kwargs)


class CaseForm(BaseForm):
    """A form bound to a case (and, for plan forms, a plan)."""

    # plan: an interventions Plan (an app above consent, so not named here)
    def __init__(self, *args: Any, case: Case, plan: Any = None, **kwargs: Any) -> None:
        self.case = case
        self.plan = plan
        super().__init__(*args, **kwargs)


def unit_staff(case: Case) -> QuerySet[User]:
    return User.objects.filter(unit_id=case.unit_id, is_active=True).order_by("last_name", "first_name")


def custodian_for_giver(case: Case, giver: str) -> Custodian | None:
    """The custodian a posted `giver` names (None: the young person); a ValidationError on the field otherwise."""
    if giver == YOUNG_PERSON:
        return None
    custodian = next((c for c in case.person.custodians.all() if str(c.pk) == giver), None)
    if custodian is None:
        raise ValidationError({"giver": gettext_now("Välj ungdomen eller en av vårdnadshavarna.")})
    return custodian


def giver_choices(case: Case) -> list[tuple[str, StrOrPromise]]:
    """Who may give a consent: the young person and the custodians whose guardianship holds today (masked
    for a user who sees the person masked)."""
    today = timezone.localdate()
    current = [c for c in case.person.custodians.all() if c.is_current(today)]
    choices: list[tuple[str, StrOrPromise]] = [(YOUNG_PERSON, _("Ungdomen själv"))]
    choices += [
        (str(c.pk), custodian_label(c, case.person, position=position)) for position, c in enumerate(current, 1)
    ]
    return choices


# ---------------------------------------------------------------- Consent and disclosure


class ConsentRecordForm(CaseForm):
    giver = forms.ChoiceField(label=_("Vem lämnar samtycket"), widget=forms.RadioSelect)
    actors = forms.ModelMultipleChoiceField(
        label=_("Aktörer som samtycket gäller"),
        queryset=Actor.objects.filter(needs_consent=True),
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = date_field(_("Lämnat"))
    form = forms.ChoiceField(label=_("Form"), choices=ConsentForm.choices, widget=forms.RadioSelect)
    valid_until = date_field(_("Giltigt till"), required=False)
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["giver"]).choices = giver_choices(self.case)
        self.fields["given_on"].initial = today()


class ConsentRevokeForm(CaseForm):
    consent: forms.ModelChoiceField[Consent] = forms.ModelChoiceField(label=_("Samtycke som återkallas"), queryset=None)
    actors = forms.ModelMultipleChoiceField(
        label=_("Aktörer som återkallas"),
        queryset=Actor.objects.filter(needs_consent=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Välj de aktörer samtycket inte längre ska gälla. Välj ingen för att återkalla hela samtycket."),
    )
    revoked_on = date_field(_("Återkallat"))
    reason = forms.CharField(label=_("Anledning"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # consents with an actor not yet revoked, each labelled with the actors it still covers: the choices
        # come from one query on the consent-actor links; the queryset validates the posted choice
        open_links = open_actor_links().filter(consent__person=self.case.person)
        cast("forms.ModelChoiceField[Consent]", self.fields["consent"]).queryset = Consent.objects.filter(
            person=self.case.person, pk__in=open_links.values("consent_id")
        )
        links = list(
            open_links.select_related("consent__custodian", "actor").order_by(
                "-consent__given_on", "consent_id", "actor__sort_order", "actor__name"
            )
        )
        cast(forms.ChoiceField, self.fields["consent"]).choices = self._consent_choices(links, self.case.person)
        # only actors some consent still covers can be revoked
        actors = {link.actor_id: link.actor for link in links}
        cast(forms.ChoiceField, self.fields["actors"]).choices = [
            (actor.pk, actor.name) for actor in sorted(actors.values(), key=lambda a: (a.sort_order, a.name))
        ]
        self.fields["revoked_on"].initial = today()

    @staticmethod
    def _consent_choices(links: list[Any], person: Person) -> list[tuple[int | str, str]]:
        labels: dict[int, tuple[Consent, list[str]]] = {}
        for link in links:
            labels.setdefault(link.consent_id, (link.consent, []))[1].append(link.actor.name)
        choices: list[tuple[int | str, str]] = [("", "---------")]
        for consent, actors in labels.values():
            who = custodian_name(consent.custodian, person) if consent.custodian is not None else _("Ungdomen")
            choices.append((consent.pk, f"{who}: {', '.join(actors)} ({consent.given_on.isoformat()})"))
        return choices


class DisclosureForm(CaseForm):
    recipient = forms.ModelChoiceField(label=_("Mottagare"), queryset=Actor.objects.filter(needs_consent=True))
    recipient_detail = forms.CharField(label=_("Myndighet/enhet"), max_length=200, required=False)
    what_sent = forms.CharField(label=_("Vad som lämnades ut"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.ModelChoiceField(label=_("Rättslig grund"), queryset=LegalBasis.objects.filter(active=True))
    disclosed_on = date_field(_("Datum"))
    decided_by: forms.ModelChoiceField[User] = forms.ModelChoiceField(label=_("Beslutat av"), queryset=None)

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["decided_by"]).queryset = unit_staff(self.case)
        self.fields["decided_by"].initial = user.pk if user else None
        self.fields["disclosed_on"].initial = today()
