"""Ungdomstjänst on the insats page: its forms (judgment and supervisor, workplaces, hours, the end, the report's
assessment)."""

from django.utils.translation import gettext_lazy as _

from cases.models import Case, InsatsCode
from interventions import forms, selectors, services
from interventions.models import CommunityServiceOrder, CommunityServiceStatus
from interventions.selectors import CaseInsatsPanel
from interventions.views.declarations import InsatsForm, fields_of

PERM = "interventions.change_communityserviceorder"
ANCHOR = "ungdomstjanst"


def order_ongoing(panel: CaseInsatsPanel) -> bool:
    """Not yet registered, or ongoing: a finished (fullgjord or avbruten) ungdomstjänst offers no more forms."""
    order = panel.community_service
    return order is None or order.status == CommunityServiceStatus.ONGOING


def order_registered(panel: CaseInsatsPanel) -> bool:
    return panel.community_service is not None


def _order(case: Case) -> CommunityServiceOrder:
    """The case's ungdomstjänst (ValidationError on the form while the judgment is not registered)."""
    return selectors.community_service_order_for_case(case=case)


DETAILS = InsatsForm(
    name="ungdomstjanst",
    title=_("Dom och handledare"),
    button=_("Spara"),
    form=forms.CommunityServiceForm,
    perm=PERM,
    run=lambda request, case, form: services.community_service_set(
        actor=request.user, case=case, **form.service_data()
    ),
    message=_("Uppgifterna om ungdomstjänsten är sparade."),
    anchor=ANCHOR,
    insatser=(InsatsCode.COMMUNITY_SERVICE,),
    applies=order_ongoing,
    initial=fields_of("community_service", forms.CommunityServiceForm),
)
WORKPLACE = InsatsForm(
    name="arbetsplats",
    title=_("Lägg till arbetsplats"),
    button=_("Lägg till arbetsplats"),
    form=forms.WorkplaceForm,
    perm=PERM,
    run=lambda request, case, form: services.community_service_workplace_add(
        actor=request.user, order=_order(case), **form.cleaned_data
    ),
    message=_("Arbetsplatsen är tillagd."),
    anchor=ANCHOR,
    insatser=(InsatsCode.COMMUNITY_SERVICE,),
    applies=order_ongoing,
)
HOURS = InsatsForm(
    name="timmar",
    title=_("Registrera utförda timmar"),
    button=_("Registrera timmar"),
    form=forms.SessionForm,
    perm=PERM,
    run=lambda request, case, form: services.community_service_session_add(
        actor=request.user, order=_order(case), **form.cleaned_data
    ),
    message=_("Timmarna är registrerade."),
    anchor=ANCHOR,
    insatser=(InsatsCode.COMMUNITY_SERVICE,),
    applies=order_ongoing,
)
END = InsatsForm(
    name="ungdomstjanst-avslut",
    title=_("Avsluta ungdomstjänsten"),
    button=_("Avsluta"),
    form=forms.CommunityServiceEndForm,
    perm=PERM,
    run=lambda request, case, form: services.community_service_end(
        actor=request.user, order=_order(case), **form.cleaned_data
    ),
    message=_("Ungdomstjänsten är avslutad."),
    anchor=ANCHOR,
    insatser=(InsatsCode.COMMUNITY_SERVICE,),
    applies=order_ongoing,
)
# the report's assessment: also once the ungdomstjänst or the case has ended, since the report follows the end
ASSESSMENT = InsatsForm(
    name="ungdomstjanst-bedomning",
    title=_("Bedömning i rapporten"),
    button=_("Spara bedömningen"),
    form=forms.CommunityServiceAssessmentForm,
    perm=PERM,
    run=lambda request, case, form: services.community_service_assessment_set(
        actor=request.user, order=_order(case), **form.service_data()
    ),
    message=_("Bedömningen är sparad. Den skrivs ut i rapporten till åklagare eller domstol."),
    anchor=ANCHOR,
    insatser=(InsatsCode.COMMUNITY_SERVICE,),
    applies=order_registered,
    initial=fields_of("community_service", forms.CommunityServiceAssessmentForm),
    after_close=True,
)

FORMS = (DETAILS, WORKPLACE, HOURS, END, ASSESSMENT)
