"""Links to forms from their declarations: {{ item|todo_url }} (a to-do item, interventions.views.todo_links) and
{{ case|form_place:"rapport-medling" }} (a form of the insats page, opened)."""

from django import template

from interventions.views.insats_page import INSATS_FORMS
from interventions.views.todo_links import todo_url as _todo_url

register = template.Library()


@register.filter
def todo_url(item) -> str:
    return _todo_url(item)


@register.filter
def form_place(case, name: str) -> str:
    """The insats page with the form `name` opened; an unknown name is an error, never a dead link."""
    declaration = INSATS_FORMS.get(name)
    if declaration is None:
        raise template.TemplateSyntaxError(f"No form {name!r} on the insats page.")
    return declaration.place(case)
