"""Avhopp on the insats page (threat and motivation assessments, purchased insatser), återfall (SIG and avhopp),
and the purchased insatser summed per year."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases.models import InsatsCode
from core.policy import access_policy
from interventions import forms, selectors, services
from interventions.rules import REOFFENCE_INSATSER
from interventions.views.common import require_perm
from interventions.views.declarations import REOFFENCE, InsatsForm

ASSESSMENT = InsatsForm(
    name="hotbild",
    title=_("Ny bedömning av hotbild och motivation"),
    button=_("Registrera bedömning"),
    form=forms.DefectorAssessmentForm,
    perm="interventions.add_defectorassessment",
    run=lambda request, case, form: services.defector_assess(actor=request.user, case=case, **form.cleaned_data),
    message=_("Bedömningen är registrerad."),
    anchor="avhopp",
    insatser=(InsatsCode.AVHOPP,),
)
PURCHASE = InsatsForm(
    name="kopt-insats",
    title=_("Registrera köpt insats"),
    button=_("Registrera köpt insats"),
    form=forms.PurchaseForm,
    perm="interventions.add_purchasedservice",
    run=lambda request, case, form: services.purchased_service_add(actor=request.user, case=case, **form.cleaned_data),
    message=_("Den köpta insatsen är registrerad."),
    anchor="avhopp",
    insatser=(InsatsCode.AVHOPP,),
)
# Återfall (SIG and avhopp): the indicator of effect in the SIG special follow-up, in a section of its own
REOFFENCE_FORM = InsatsForm(
    name="aterfall",
    title=_("Registrera återfall"),
    button=_("Registrera återfall"),
    form=forms.ReoffenceForm,
    perm="interventions.add_reoffence",
    run=lambda request, case, form: services.reoffence_record(actor=request.user, case=case, **form.cleaned_data),
    message=_("Återfallet är registrerat."),
    anchor="aterfall",
    section=REOFFENCE,
    insatser=REOFFENCE_INSATSER,
)

FORMS = (ASSESSMENT, PURCHASE)


@access_policy("case")
@login_required
def avhopp_costs(request):
    """Purchased insatser for avhoppare summed per year over the cases the user may see (no names)."""
    require_perm(request.user, "interventions.view_purchasedservice")
    return render(
        request, "interventions/avhopp_costs.html", {"rows": selectors.purchased_costs_per_year(user=request.user)}
    )
