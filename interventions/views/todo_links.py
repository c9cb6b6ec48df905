"""Where each kind of to-do item leads: the form (or section) of the declaration that does the next step, so a
renamed form or anchor cannot leave a dead link in Mina ärenden, Planering or the caseload page."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from interventions import todo
from interventions.todo import TodoItem
from interventions.views import insats_page, mediation, plans

TODO_LINKS: dict[str, Callable[[TodoItem], str]] = {
    todo.CASE_FOLLOW_UP: lambda item: reverse("case_detail", args=[item.case.pk]) + "#facts-heading",
    todo.PLAN_FOLLOW_UP: lambda item: plans.FOLLOW_UP_RECORD.place(item.plan_id),
    todo.ACTIVITY: lambda item: plans.ACTIVITY_DONE.place(item.plan_id),
    todo.MISSING_PLAN: lambda item: plans.CREATE.place(item.case),
    todo.MEDIATION: lambda item: mediation.MEETING.place(item.case),
    todo.CONSENT: lambda item: insats_page.CONSENT_RECORD.place(item.case),
}
if set(TODO_LINKS) != set(todo.KINDS):
    raise ImproperlyConfigured(f"To-do kinds without a link: {set(todo.KINDS) - set(TODO_LINKS)}.")


def todo_url(item: TodoItem) -> str:
    """The page, and place on it, where the item's next action is done."""
    return TODO_LINKS[item.kind](item)
