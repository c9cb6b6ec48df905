"""`{% load akt %}`: the aktbilagor kept of an utlämnande, for its row on the case page."""

from django import template

register = template.Library()


@register.filter
def kept_for(akt, disclosure) -> list:
    """`akt|kept_for:disclosure`: from the case page's loaded akt (documents.selectors.CaseAkt), no query; an
    empty list where the page has no akt (the insats page)."""
    if akt is None or disclosure is None:
        return []
    return akt.kept_for(disclosure.pk)
