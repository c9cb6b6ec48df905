"""{{ item|todo_url }}: the link of a to-do item (interventions.views.todo_links, from the form declarations)."""

from django import template

from interventions.views.todo_links import todo_url as _todo_url

register = template.Library()


@register.filter
def todo_url(item) -> str:
    return _todo_url(item)
