"""{% insats_panel case as panel %}: the data for templates/interventions/case_section.html, which the case
page includes with a case already fetched (and access-logged) through cases.selectors.case_get_for_user."""

from django import template

from interventions.selectors import case_insats_panel

register = template.Library()


@register.simple_tag
def insats_panel(case, consent_summary=None, journal_entries=None):
    """The case page passes its consent summary and journal entries so they are not read again."""
    state = getattr(consent_summary, "state", None)
    return case_insats_panel(
        case=case, on=state.on if state else None, consent_state=state, journal_entries=journal_entries
    )
