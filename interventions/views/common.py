"""Helpers shared by the interventions view modules: the permission check and posting a form to its service."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from core.forms import apply_service_errors


def require_perm(user, perm: str) -> None:
    # A visible case but an action the role may not take: answer like an unknown URL (deny by default).
    if not user.has_perm(perm):
        raise Http404


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
