"""Ungdomstjänst on the insats page: its forms (judgment and supervisor, workplaces, hours, the end)."""

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

FORMS = (DETAILS, WORKPLACE, HOURS, END)
