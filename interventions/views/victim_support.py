"""Stöd till unga brottsutsatta: the offence form of the insats page, and a whole short case in one form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import InsatsCode
from core.forms import apply_service_errors
from core.http import signed_in_user
from core.policy import access_policy
from interventions import forms, selectors, services
from interventions.views.common import require_perm
from interventions.views.declarations import InsatsForm, fields_of

OFFENCE = InsatsForm(
    name="stod",
    title=gettext_lazy("Brottet"),
    button=gettext_lazy("Spara"),
    form=forms.VictimSupportForm,
    perm="interventions.change_victimsupport",
    run=lambda request, case, form: services.victim_support_set(
        actor=signed_in_user(request), case=case, **form.cleaned_data
    ),
    message=gettext_lazy("Uppgifterna är sparade."),
    anchor="stod",
    insatser=(InsatsCode.VICTIM_SUPPORT,),
    initial=fields_of("victim_support", forms.VictimSupportForm),
)

FORMS = (OFFENCE,)


@access_policy("person")
@login_required
def short_case(request):
    """Record a whole short support case (register or pick the person, open, 1–2 contacts, close)."""
    require_perm(request.user, "cases.add_case")
    form = forms.ShortCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["existing_number"]
        try:
            person = selectors.short_case_person(user=request.user, number=number) if number else None
            case = services.victim_support_short_case(actor=request.user, person=person, **form.case_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Ärendet %(number)s är registrerat och avslutat.") % {"number": case.number})
            return redirect("interventions:case", case_id=case.pk)
    return render(request, "interventions/short_case.html", {"form": form}, status=400 if form.errors else 200)
