"""Reads for stöd till unga brottsutsatta: the person a short case is for."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.identity import search_forms
from cases.models import Person
from cases.selectors import (
    person_find_by_id_number,
)
from core.models import User


def short_case_person(*, user: User, number: str) -> Person:
    """The registered young person a short support case is for: visible to the user and found by any common
    form of the number; else a ValidationError on the form's field (the same whether it exists or not)."""
    normalised = search_forms(number)
    person = normalised and person_find_by_id_number(user=user, id_number=normalised)
    if not person:
        raise ValidationError(
            {"existing_number": _("Ingen ungdom med det numret finns bland dem du har tillgång till.")}
        )
    return person
