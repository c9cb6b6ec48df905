"""Helpers shared by the insats view modules: permission check, posting a form to its service, page forms."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from cases.models import Case
from core.forms import apply_service_errors
from interventions import selectors
from interventions.models import (
    CommunityServiceOrder,
    Mediation,
)

# ---------------------------------------------------------------- helpers


def require_perm(user, perm: str) -> None:
    # A visible case but an action the role may not take: answer like an unknown URL (deny by default).
    if not user.has_perm(perm):
        raise Http404


def order_of(case: Case) -> CommunityServiceOrder:
    return selectors.community_service_order_for_case(case=case)


def mediation_of(case: Case) -> Mediation:
    return selectors.mediation_for_case(case=case)


@dataclass(frozen=True)
class Action:
    form: Callable
    perm: str
    run: Callable
    message: str
    anchor: str
    insats: str | tuple[str, ...] | None = None  # the insats (or insatser) the action belongs to

    def fits(self, case: Case) -> bool:
        if not self.insats:
            return True
        allowed = (self.insats,) if isinstance(self.insats, str) else self.insats
        return case.insats_type.code in allowed


def cleaned(form) -> dict:
    return form.cleaned_data


def submit(request: HttpRequest, form, run: Callable, message: str | Callable) -> bool:
    """Validate a bound form and run its service with the cleaned data as keyword arguments. True when saved
    (the success message, or message(result), is queued); False when the form or the service refused, with
    the errors on the form."""
    if not form.is_valid():
        return False
    try:
        result = run(**form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    messages.success(request, message(result) if callable(message) else message)
    return True


# A page with several forms says in its POST which one was sent (hidden field "form").


def posted_to(request: HttpRequest, name: str):
    """The POST data for the form `name` when the POST is that form's, else None (the form stays unbound)."""
    return request.POST if request.POST.get("form") == name else None


def submit_chosen(request: HttpRequest, submits: dict[str, tuple]) -> bool:
    """submit the (form, run, message) of the form the POST names; False when it names none of them."""
    chosen = request.POST.get("form")
    return chosen in submits and submit(request, *submits[chosen])


FORM_TEXT = {
    "ungdomstjanst": (gettext_lazy("Dom och handledare"), gettext_lazy("Spara")),
    "arbetsplats": (gettext_lazy("Lägg till arbetsplats"), gettext_lazy("Lägg till arbetsplats")),
    "timmar": (gettext_lazy("Registrera utförda timmar"), gettext_lazy("Registrera timmar")),
    "ungdomstjanst-avslut": (gettext_lazy("Avsluta ungdomstjänsten"), gettext_lazy("Avsluta")),
    "rapport-ungdomstjanst": (
        gettext_lazy("Rapport till åklagare eller domstol (utlämnande)"),
        gettext_lazy("Registrera utlämnandet och skapa rapporten"),
    ),
    "medling": (gettext_lazy("Uppgifter om medlingen"), gettext_lazy("Spara")),
    "part": (gettext_lazy("Lägg till brottsoffer"), gettext_lazy("Lägg till brottsoffer")),
    "kontroller": (gettext_lazy("Kontroller enligt 5 § lagen om medling"), gettext_lazy("Spara kontrollerna")),
    "medling-start": (gettext_lazy("Påbörja medlingen"), gettext_lazy("Påbörja medling")),
    "samrad": (gettext_lazy("Samråd med förundersökningsledaren"), gettext_lazy("Registrera samråd")),
    "medlingsmote": (gettext_lazy("Registrera möte"), gettext_lazy("Registrera möte")),
    "medling-avslut": (gettext_lazy("Avsluta medlingen"), gettext_lazy("Avsluta medlingen")),
    "rapport-medling": (
        gettext_lazy("Rapport till åklagaren (utlämnande)"),
        gettext_lazy("Registrera utlämnandet och skapa rapporten"),
    ),
    "stod": (gettext_lazy("Brottet"), gettext_lazy("Spara")),
    "skk": (gettext_lazy("Kontaktperson"), gettext_lazy("Spara")),
    "hotbild": (gettext_lazy("Ny bedömning av hotbild och motivation"), gettext_lazy("Registrera bedömning")),
    "kopt-insats": (gettext_lazy("Registrera köpt insats"), gettext_lazy("Registrera köpt insats")),
    "aterfall": (gettext_lazy("Registrera återfall"), gettext_lazy("Registrera återfall")),
    "plan": (gettext_lazy("Ny genomförandeplan"), gettext_lazy("Skapa plan")),
    "samtycke": (gettext_lazy("Registrera samtycke"), gettext_lazy("Registrera samtycke")),
    "aterkalla": (gettext_lazy("Återkalla samtycke"), gettext_lazy("Återkalla samtycket")),
    "utlamnande": (gettext_lazy("Registrera utlämnande"), gettext_lazy("Registrera utlämnande")),
    "andra": (gettext_lazy("Ändra mål och uppföljningssätt"), gettext_lazy("Spara")),
    "aktor": (gettext_lazy("Lägg till aktör i planen"), gettext_lazy("Lägg till aktör")),
    "mal": (gettext_lazy("Lägg till mål"), gettext_lazy("Lägg till mål")),
    "aktivitet": (gettext_lazy("Lägg till aktivitet"), gettext_lazy("Lägg till aktivitet")),
    "aktivitet-klar": (gettext_lazy("Markera aktivitet som klar"), gettext_lazy("Markera som klar")),
    "godkannande": (gettext_lazy("Registrera godkännande av planen"), gettext_lazy("Registrera godkännande")),
    "tranare": (gettext_lazy("Personlig tränare"), gettext_lazy("Spara")),
    "uppfoljning-planera": (gettext_lazy("Planera uppföljning"), gettext_lazy("Planera uppföljning")),
    "uppfoljning": (gettext_lazy("Registrera genomförd uppföljning"), gettext_lazy("Registrera uppföljning")),
    "revidera": (gettext_lazy("Revidera planen (ny version)"), gettext_lazy("Skapa ny version")),
}


@dataclass
class PageForm:
    name: str
    form: object
    url: str
    title: str
    submit: str


def page_forms_for(forms_by_name: dict, url_name: str, obj_id) -> list[PageForm]:
    return [
        PageForm(name, form, reverse(url_name, args=[obj_id, name]), *FORM_TEXT[name])
        for name, form in forms_by_name.items()
    ]
