"""Medling on the insats page: its forms (details, the victim as party, the checks of § 5, start, consultations
with the förundersökningsledare, meetings, the end). The checks and the start apply until the mediation has
started; nothing applies once it has ended."""

from django.utils.translation import gettext_lazy as _

from cases.models import Case, InsatsCode
from interventions import forms, selectors, services
from interventions.models import Mediation, MediationStatus, PartyRole
from interventions.selectors import CaseInsatsPanel
from interventions.views.declarations import InsatsForm, fields_of

PERM = "interventions.change_mediation"
ANCHOR = "medling"


def _mediation(case: Case) -> Mediation:
    """The case's medling (ValidationError on the form while its details are not registered)."""
    return selectors.mediation_for_case(case=case)


def mediation_open(panel: CaseInsatsPanel) -> bool:
    """Not ended (or not yet registered)."""
    return panel.mediation is None or panel.mediation.status != MediationStatus.ENDED


def mediation_not_started(panel: CaseInsatsPanel) -> bool:
    """Neither started nor ended (the checks of § 5 and the start apply only then)."""
    return mediation_open(panel) and (panel.mediation is None or not panel.mediation.started_on)


DETAILS = InsatsForm(
    name="medling",
    title=_("Uppgifter om medlingen"),
    button=_("Spara"),
    form=forms.MediationForm,
    perm=PERM,
    run=lambda request, case, form: services.mediation_set(actor=request.user, case=case, **form.cleaned_data),
    message=_("Uppgifterna om medlingen är sparade."),
    anchor=ANCHOR,
    insatser=(InsatsCode.MEDIATION,),
    applies=mediation_open,
    initial=fields_of("mediation", forms.MediationForm, mediator="mediator_id"),
)
PARTY = InsatsForm(
    name="part",
    title=_("Lägg till brottsoffer"),
    button=_("Lägg till brottsoffer"),
    form=forms.PartyForm,
    perm=PERM,
    run=lambda request, case, form: services.mediation_party_add(
        actor=request.user, mediation=_mediation(case), role=PartyRole.VICTIM, **form.cleaned_data
    ),
    message=_("Brottsoffret är tillagt som part."),
    anchor=ANCHOR,
    insatser=(InsatsCode.MEDIATION,),
    applies=mediation_open,
)
CHECKS = InsatsForm(
    name="kontroller",
    title=_("Kontroller enligt 5 § lagen om medling"),
    button=_("Spara kontrollerna"),
    form=forms.ChecksForm,
    perm=PERM,
    run=lambda request, case, form: services.mediation_checks_record(
        actor=request.user, mediation=_mediation(case), **form.cleaned_data
    ),
    message=_("Kontrollerna enligt 5 § är registrerade."),
    anchor=ANCHOR,
    insatser=(InsatsCode.MEDIATION,),
    applies=mediation_not_started,
    # the form's name for the date differs from the model's
    initial=fields_of("mediation", forms.ChecksForm, recorded_on="checks_recorded_on"),
)
START = InsatsForm(
    name="medling-start",
    title=_("Påbörja medlingen"),
    button=_("Påbörja medling"),
    form=forms.StartForm,
    perm=PERM,
    run=lambda request, case, form: services.mediation_start(
        actor=request.user, mediation=_mediation(case), **form.cleaned_data
    ),
    message=_("Medlingen är påbörjad."),
    anchor=ANCHOR,
    insatser=(InsatsCode.MEDIATION,),
    applies=mediation_not_started,
)
CONSULTATION = InsatsForm(
    name="samrad",
    title=_("Samråd med förundersökningsledaren"),
    button=_("Registrera samråd"),
    form=forms.ConsultationForm,
    perm=PERM,
    run=lambda request, case, form: services.mediation_consultation_add(
        actor=request.user, mediation=_mediation(case), **form.cleaned_data
    ),
    message=_("Samrådet är registrerat."),
    anchor=ANCHOR,
    insatser=(InsatsCode.MEDIATION,),
    applies=mediation_open,
)
MEETING = InsatsForm(
    name="medlingsmote",
    title=_("Registrera möte"),
    button=_("Registrera möte"),
    form=forms.MediationMeetingForm,
    perm=PERM,
    run=lambda request, case, form: services.mediation_meeting_add(
        actor=request.user, mediation=_mediation(case), **form.cleaned_data
    ),
    message=_("Mötet är registrerat."),
    anchor=ANCHOR,
    insatser=(InsatsCode.MEDIATION,),
    applies=mediation_open,
)
END = InsatsForm(
    name="medling-avslut",
    title=_("Avsluta medlingen"),
    button=_("Avsluta medlingen"),
    form=forms.MediationEndForm,
    perm=PERM,
    run=lambda request, case, form: services.mediation_end(
        actor=request.user, mediation=_mediation(case), **form.cleaned_data
    ),
    message=_("Medlingen är avslutad."),
    anchor=ANCHOR,
    insatser=(InsatsCode.MEDIATION,),
    applies=mediation_open,
)

FORMS = (DETAILS, PARTY, CHECKS, START, CONSULTATION, MEETING, END)
