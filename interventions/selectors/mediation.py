"""Reads for medling. A read that a form's action needs raises ValidationError when it finds nothing."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Case
from interventions.models import (
    Mediation,
)


def mediation_for_case(*, case: Case) -> Mediation:
    """The medling of a case already fetched through case_for_insats; ValidationError while its details
    are not registered (parties, checks, start, meetings and the end need them)."""
    mediation = Mediation.objects.filter(case=case).first()
    if mediation is None:
        raise ValidationError(_("Registrera först uppgifterna om medlingen."))
    mediation.case = case
    return mediation
