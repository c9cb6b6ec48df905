"""{% insats_panel case as panel %}: the data for templates/interventions/case_section.html, which the case
page includes with a case already fetched (and access-logged) through cases.selectors.case_get_for_user."""

from django import template

from interventions.selectors import case_insats_panel

register = template.Library()


@register.simple_tag
def insats_panel(case):
    return case_insats_panel(case=case)
