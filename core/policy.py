"""Declared access policies: every URL's view says who may reach it (deny by default).

tests/test_url_policies.py walks every URL pattern and fails when a view has no declared policy.
Declaring a policy documents the rule; the enforcement is the decorator/permission on the view plus
the app's selectors (which turn anything not visible into a 404).
"""

from collections.abc import Callable
from typing import TypeVar

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

_View = TypeVar("_View", bound=Callable[..., object])

# name -> what it means (README "Who sees what (deny by default)" describes the rule)
POLICIES: dict[str, StrPromise] = {
    "public": _("Öppen utan inloggning (inloggning, hälsokontroller)."),
    "authenticated": _("Inloggad personal; visar inga personuppgifter utöver användarens egna."),
    "case": _("Ärende som användaren får se: egen enhet eller delat ärende (annars 404)."),
    "person": _("Person som användaren får se: registrerad av egen enhet eller med synligt ärende (annars 404)."),
    "manager": _("Enhetschef (behörighet per åtgärd), bara den egna enhetens uppgifter."),
    "statistics": _("Aggregerad statistik utan personuppgifter; små tal undertrycks."),
    "administrator": _("Systemadministratör: användare, enheter och kataloger."),
    "api_token": _("API-klient med token; behörighet enligt tokenens omfattning."),
}


def access_policy(policy: str) -> Callable[[_View], _View]:
    """Mark a view function or class with its access policy (one of POLICIES)."""
    if policy not in POLICIES:
        raise ValueError(f"Unknown access policy: {policy}")

    def mark(view: _View) -> _View:
        view.access_policy = policy  # type: ignore[attr-defined]  # a marker attribute on any callable
        return view

    return mark


def policy_of(callback: object) -> str | None:
    """The declared policy of a resolved URL callback (function view, class-based view or DRF view)."""
    for candidate in (callback, getattr(callback, "view_class", None), getattr(callback, "cls", None)):
        policy = getattr(candidate, "access_policy", None) if candidate is not None else None
        if policy:
            return str(policy)
    return None
