"""{% person_consent_summary person as consent_summary %}: the data for templates/consent/person_section.html,
which the person page includes with a person already fetched (and access-logged) through cases.selectors.
The case page gets its summary from consent.case_page instead (shared with the plans there)."""

from django import template

from cases.models import Person
from consent.selectors import ConsentSummary, consent_summary

register = template.Library()


@register.simple_tag
def person_consent_summary(person: Person) -> ConsentSummary:
    """Every actor that needs consent, with whether it may receive information today, and the history."""
    return consent_summary(person=person, all_actors=True)
