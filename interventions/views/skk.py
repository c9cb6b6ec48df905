"""SKK (särskilt kvalificerad kontaktperson) on the insats page: the contact person's form."""

from django.utils.translation import gettext_lazy as _

from cases.models import InsatsCode
from core.http import signed_in_user
from interventions import forms, services
from interventions.views.declarations import InsatsForm, fields_of

CONTACT_PERSON = InsatsForm(
    name="skk",
    title=_("Kontaktperson"),
    button=_("Spara"),
    form=forms.SkkForm,
    perm="interventions.change_skkassignment",
    run=lambda request, case, form: services.skk_set(actor=signed_in_user(request), case=case, **form.cleaned_data),
    message=_("Uppgifterna om kontaktpersonen är sparade."),
    anchor="skk",
    insatser=(InsatsCode.SKK,),
    initial=fields_of("skk", forms.SkkForm),
)

FORMS = (CONTACT_PERSON,)
