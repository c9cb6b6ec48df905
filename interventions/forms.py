"""Forms for insatser and plans: they parse input only; the rules live in interventions.services."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.identity import IdKind
from cases.models import Case, EntryKind, ReferralSource
from cases.services import CustodianData
from consent.models import Actor, Consent, ConsentForm, LegalBasis
from consent.selectors import custodian_label, custodian_name, open_actor_links
from core.forms import DecimalCommaField, WholeNumberField
from core.models import District
from interventions.models import (
    Attainment,
    CommunityServiceStatus,
    CommunityServiceWorkplace,
    CrimeType,
    FollowUp,
    Goal,
    MediationOutcome,
    MeetingKind,
    Plan,
    PurchaseKind,
    ReoffenceKind,
    SkkOrderedBy,
    ThreatLevel,
)
from interventions.services import REPORT_DEFAULT_BASIS, REPORT_RECIPIENTS, ContactData, NewPersonData

YOUNG_PERSON = "ungdomen"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


def today():
    return timezone.localdate()


class BaseForm(forms.Form):
    """Field ids carry the form's name, so several forms on one page never share an id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower().removesuffix('form')}_%s")
        super().__init__(*args, **kwargs)


class DuplicateConfirmForm(BaseForm):
    """A registration that may look like a copy of a row already recorded: the service refuses an exact copy
    unless confirmed. The box stays hidden until the service has raised that question."""

    confirm_duplicate = forms.BooleanField(
        label=_("Ja, det är en egen registrering (inte en dubblett)"), required=False, widget=forms.HiddenInput
    )

    def add_error(self, field, error):
        if field == "confirm_duplicate" or (isinstance(error, dict) and "confirm_duplicate" in error):
            self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
        super().add_error(field, error)


class CorrectionForm(BaseForm):
    """Why a recorded row is corrected; last on the form."""

    change_reason = forms.CharField(
        label=_("Varför rättas uppgifterna"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": _("Skriv varför uppgifterna rättas.")},
        help_text=_("Sparas i ändringshistoriken tillsammans med de tidigare värdena."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_reason"] = self.fields.pop("change_reason")


class RemoveForm(BaseForm):
    change_reason = forms.CharField(
        label=_("Varför tas raden bort"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": _("Skriv varför raden tas bort.")},
        help_text=_("Raden försvinner ur listor och summor; ändringshistoriken behåller den och skälet."),
    )


class CaseForm(BaseForm):
    """A form bound to a case (and, for plan forms, a plan)."""

    def __init__(self, *args, case: Case, plan: Plan | None = None, **kwargs):
        self.case = case
        self.plan = plan
        super().__init__(*args, **kwargs)


def unit_staff(case: Case):
    return get_user_model().objects.filter(unit_id=case.unit_id, is_active=True).order_by("last_name", "first_name")


def giver_choices(case: Case):
    """Who may give a consent: the young person and the custodians whose guardianship holds today (masked
    for a user who sees the person masked)."""
    today = timezone.localdate()
    current = [c for c in case.person.custodians.all() if c.is_current(today)]
    choices = [(YOUNG_PERSON, _("Ungdomen själv"))]
    choices += [
        (str(c.pk), custodian_label(c, case.person, position=position)) for position, c in enumerate(current, 1)
    ]
    return choices


# ---------------------------------------------------------------- Ungdomstjänst


class CommunityServiceForm(CaseForm):
    ordered_hours = WholeNumberField(label=_("Utdömda timmar"), min_value=1, help_text=_("20–150 timmar."))
    judgment_on = date_field(_("Dom/beslut meddelat"))
    issued_by = forms.CharField(label=_("Domstol eller åklagarkammare"), max_length=200)
    report_to = forms.CharField(label=_("Rapport skickas till"), max_length=200, help_text=_("Åklagare eller domstol."))
    supervisor_name = forms.CharField(label=_("Handledare"), max_length=200, required=False)
    supervisor_phone = forms.CharField(label=_("Handledarens telefon"), max_length=30, required=False)


class WorkplaceForm(CaseForm):
    name = forms.CharField(label=_("Arbetsplats"), max_length=200)
    contact = forms.CharField(label=_("Kontaktperson på arbetsplatsen"), max_length=200, required=False)


class SessionForm(CaseForm, DuplicateConfirmForm):
    workplace = forms.ModelChoiceField(label=_("Arbetsplats"), queryset=None)
    performed_on = date_field(_("Datum"))
    hours = DecimalCommaField(
        label=_("Timmar"), max_digits=4, decimal_places=1, min_value=0, help_text=_("Till exempel 1,5.")
    )
    note = forms.CharField(
        label=_("Anteckning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Krävs om det totala antalet timmar blir fler än de utdömda."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = getattr(self.case, "community_service", None)
        self.fields["workplace"].queryset = (
            order.workplaces.all() if order else CommunityServiceWorkplace.objects.none()
        )


class SessionCorrectForm(SessionForm, CorrectionForm):
    pass


class CommunityServiceEndForm(CaseForm):
    status = forms.ChoiceField(
        label=_("Avslut"),
        choices=[c for c in CommunityServiceStatus.choices if c[0] != CommunityServiceStatus.ONGOING],
        widget=forms.RadioSelect,
    )
    ended_on = date_field(_("Datum"))
    note = forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Krävs vid avbrott."),
    )


# ---------------------------------------------------------------- Medling


class MediationForm(CaseForm):
    offence = forms.CharField(label=_("Brottet"), widget=forms.Textarea(attrs={"rows": 3}))
    offence_on = date_field(_("Brottsdatum"), required=False)
    police_reference = forms.CharField(label=_("Polisens diarienummer"), max_length=50, required=False)
    prosecutor = forms.CharField(label=_("Åklagare (rapport till)"), max_length=200, required=False)
    mediator = forms.ModelChoiceField(label=_("Medlare"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = unit_staff(self.case)


class PartyForm(CaseForm):
    """A victim: the offender (the case's young person) is a party from the start."""

    name = forms.CharField(label=_("Brottsoffrets namn"), max_length=200)
    id_number = forms.CharField(
        label=_("Personnummer"), max_length=20, required=False, help_text=_("Om det finns; kan lämnas tomt.")
    )
    birth_year = forms.IntegerField(label=_("Födelseår"), required=False)
    contact = forms.CharField(label=_("Kontaktuppgift"), max_length=200, required=False)


class ChecksForm(CaseForm):
    """The § 5 checks. Each box is a statement that holds or not, so none is marked "(frivilligt)"."""

    offender_volunteers = forms.BooleanField(label=_("Gärningspersonen deltar frivilligt"), required=False)
    victim_volunteers = forms.BooleanField(label=_("Brottsoffret deltar frivilligt"), required=False)
    reported_to_police = forms.BooleanField(label=_("Brottet är anmält till polisen"), required=False)
    offender_admitted = forms.BooleanField(label=_("Gärningspersonen har erkänt gärningen"), required=False)
    suitability_assessed = forms.BooleanField(label=_("Lämpligheten är bedömd"), required=False)
    suitability_note = forms.CharField(
        label=_("Lämplighetsbedömning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    under_12_reason = forms.CharField(
        label=_("Synnerliga skäl om gärningspersonen är under 12 år"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    recorded_on = date_field(
        _("Datum för kontrollerna"), required=False, help_text=_("Lämnas tomt: dagens datum första gången.")
    )


class StartForm(CaseForm):
    started_on = date_field(_("Medlingen påbörjas"))


class ConsultationForm(CaseForm):
    consulted_on = date_field(_("Datum för samrådet"))
    with_whom = forms.CharField(label=_("Förundersökningsledare"), max_length=200)
    note = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MediationMeetingForm(CaseForm):
    kind = forms.ChoiceField(label=_("Typ av möte"), choices=MeetingKind.choices)
    held_on = date_field(_("Datum"))
    note = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MediationEndForm(CaseForm):
    outcome = forms.ChoiceField(label=_("Utfall"), choices=MediationOutcome.choices, widget=forms.RadioSelect)
    ended_on = date_field(_("Datum"))
    reason = forms.CharField(
        label=_("Varför"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Krävs när ingen överenskommelse nåddes eller medlingen avbröts."),
    )
    agreement_text = forms.CharField(
        label=_("Överenskommelsen"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


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


class SkkForm(CaseForm):
    contact_person = forms.CharField(label=_("Kontaktperson"), max_length=200)
    contact_phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    hours_per_month = DecimalCommaField(label=_("Timmar per månad"), max_digits=5, decimal_places=1)
    ordered_by = forms.ChoiceField(label=_("Beslutad av"), choices=SkkOrderedBy.choices, widget=forms.RadioSelect)
    decided_on = date_field(_("Beslutsdatum"))
    ends_on = date_field(_("Gäller till"), required=False)


class DefectorAssessmentForm(CaseForm):
    assessed_on = date_field(_("Bedömningsdatum"))
    threat_level = forms.ChoiceField(label=_("Hotbild"), choices=ThreatLevel.choices, widget=forms.RadioSelect)
    motivated = forms.BooleanField(label=_("Ungdomen är motiverad att lämna"), required=False)
    note = forms.CharField(label=_("Underlag"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PurchaseForm(CaseForm, DuplicateConfirmForm):
    kind = forms.ChoiceField(label=_("Typ av köpt insats"), choices=PurchaseKind.choices)
    provider = forms.CharField(label=_("Leverantör"), max_length=200)
    starts_on = date_field(_("Från"))
    ends_on = date_field(_("Till"), required=False)
    cost = DecimalCommaField(
        label=_("Kostnad (kr)"), max_digits=12, decimal_places=2, min_value=0, help_text=_("Till exempel 62 500,50.")
    )
    note = forms.CharField(label=_("Anteckning"), max_length=200, required=False)


class PurchaseCorrectForm(PurchaseForm, CorrectionForm):
    pass


class ReoffenceForm(CaseForm):
    noted_on = date_field(_("Känt för handläggaren"), help_text=_("Datum då du fick kännedom om återfallet."))
    offence_on = date_field(_("Brottsdatum"), required=False, help_text=_("Om det är känt."))
    kind = forms.ChoiceField(label=_("Typ av uppgift"), choices=ReoffenceKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["noted_on"].initial = today()


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["giver"].choices = giver_choices(self.case)
        self.fields["given_on"].initial = today()


class ConsentRevokeForm(CaseForm):
    consent = forms.ModelChoiceField(label=_("Samtycke som återkallas"), queryset=None)
    actors = forms.ModelMultipleChoiceField(
        label=_("Aktörer som återkallas"),
        queryset=Actor.objects.filter(needs_consent=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Välj de aktörer samtycket inte längre ska gälla. Välj ingen för att återkalla hela samtycket."),
    )
    revoked_on = date_field(_("Återkallat"))
    reason = forms.CharField(label=_("Anledning"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # consents with an actor not yet revoked, each labelled with the actors it still covers: the choices
        # come from one query on the consent-actor links; the queryset validates the posted choice
        open_links = open_actor_links().filter(consent__person=self.case.person)
        self.fields["consent"].queryset = Consent.objects.filter(
            person=self.case.person, pk__in=open_links.values("consent_id")
        )
        links = list(
            open_links.select_related("consent__custodian", "actor").order_by(
                "-consent__given_on", "consent_id", "actor__sort_order", "actor__name"
            )
        )
        self.fields["consent"].choices = self._consent_choices(links, self.case.person)
        # only actors some consent still covers can be revoked
        actors = {link.actor_id: link.actor for link in links}
        self.fields["actors"].choices = [
            (actor.pk, actor.name) for actor in sorted(actors.values(), key=lambda a: (a.sort_order, a.name))
        ]
        self.fields["revoked_on"].initial = today()

    @staticmethod
    def _consent_choices(links, person) -> list[tuple]:
        labels: dict[int, tuple[Consent, list[str]]] = {}
        for link in links:
            labels.setdefault(link.consent_id, (link.consent, []))[1].append(link.actor.name)
        choices = [("", "---------")]
        for consent, actors in labels.values():
            who = custodian_name(consent.custodian, person) if consent.custodian_id else _("Ungdomen")
            choices.append((consent.pk, f"{who}: {', '.join(actors)} ({consent.given_on.isoformat()})"))
        return choices


class DisclosureForm(CaseForm):
    recipient = forms.ModelChoiceField(label=_("Mottagare"), queryset=Actor.objects.filter(needs_consent=True))
    recipient_detail = forms.CharField(label=_("Myndighet/enhet"), max_length=200, required=False)
    what_sent = forms.CharField(label=_("Vad som lämnades ut"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.ModelChoiceField(label=_("Rättslig grund"), queryset=LegalBasis.objects.filter(active=True))
    disclosed_on = date_field(_("Datum"))
    decided_by = forms.ModelChoiceField(label=_("Beslutat av"), queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = unit_staff(self.case)
        self.fields["decided_by"].initial = user.pk if user else None
        self.fields["disclosed_on"].initial = today()


class ReportForm(CaseForm):
    """The report on an ungdomstjänst or a medling: to whom and under which legal basis (an utlämnande).
    Choices are keyed by catalogue code, so the defaults need no query."""

    recipient = forms.ModelChoiceField(
        label=_("Mottagare"),
        queryset=Actor.objects.filter(code__in=REPORT_RECIPIENTS),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        initial="aklagare",
    )
    recipient_detail = forms.CharField(
        label=_("Myndighet/enhet"), max_length=200, required=False, help_text=_("Till exempel åklagarkammaren.")
    )
    legal_basis = forms.ModelChoiceField(
        label=_("Rättslig grund"),
        queryset=LegalBasis.objects.filter(active=True),
        to_field_name="code",
        initial=REPORT_DEFAULT_BASIS,
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


class PlanEditForm(CaseForm):
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


class TrainerForm(CaseForm):
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


# ---------------------------------------------------------------- Field work and ASLAN


class FieldShiftForm(DuplicateConfirmForm):
    worked_on = date_field(_("Datum"))
    district = forms.ModelChoiceField(label=_("Område"), queryset=District.objects.all(), required=False)
    area = forms.CharField(label=_("Plats"), max_length=200)
    staff = forms.ModelMultipleChoiceField(label=_("Personal"), queryset=None, widget=forms.CheckboxSelectMultiple)
    youths_met = forms.IntegerField(label=_("Antal ungdomar mötta"), min_value=0)
    youths_talked = forms.IntegerField(label=_("Antal ungdomar samtal med"), min_value=0)
    notes = forms.CharField(label=_("Iakttagelser"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = get_user_model().objects.filter(unit_id=user.unit_id, is_active=True)
        self.fields["worked_on"].initial = today()


class FieldShiftCorrectForm(FieldShiftForm, CorrectionForm):
    pass


class PolareForm(BaseForm):
    name = forms.CharField(label=_("Namn"), max_length=200)
    birth_date = date_field(_("Födelsedatum"))
    service_started_on = date_field(_("Polare sedan"))


class PolareNightForm(BaseForm):
    polare = forms.ModelChoiceField(label=_("Polare"), queryset=None)
    worked_on = date_field(_("Kväll"))

    def __init__(self, *args, polare_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["polare"].queryset = polare_queryset.filter(active=True)


class AreaEffortForm(DuplicateConfirmForm):
    district = forms.ModelChoiceField(label=_("Område"), queryset=District.objects.all())
    starts_on = date_field(_("Startar"))
    weeks = forms.IntegerField(label=_("Antal veckor (1–12)"), min_value=0)
    reason = forms.CharField(label=_("Anledning"), widget=forms.Textarea(attrs={"rows": 2}))


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
    effort = forms.ModelChoiceField(label=_("Områdesinsats"), queryset=None)
    weeks = forms.IntegerField(label=_("Förläng med antal veckor"), min_value=0)
    reason = forms.CharField(label=_("Anledning"), widget=forms.Textarea(attrs={"rows": 2}))


class AslanGroupForm(BaseForm):
    name = forms.CharField(label=_("Gruppens namn"), max_length=100)
    starts_on = date_field(_("Startar"))
    leaders = forms.CharField(label=_("Gruppledare"), max_length=200, required=False)


class AslanParticipantForm(BaseForm):
    case = forms.ModelChoiceField(label=_("Barn (ASLAN-ärende)"), queryset=None)

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


def area_effort_extend_form(data, *, efforts):
    form = AreaEffortExtendForm(data)
    form.fields["effort"].queryset = efforts
    form.fields["effort"].label_from_instance = lambda e: (
        f"{e.district} ({e.starts_on.isoformat()}–{e.ends_on.isoformat()})"
    )
    return form
