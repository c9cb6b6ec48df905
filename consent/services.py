"""Consent writes. History is append-only: consents are recorded and revoked, never edited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Custodian, Person
from consent.models import Actor, Consent, ConsentRevocation, MaturityAssessment
from core.models import User


@transaction.atomic
def consent_record(
    *,
    actor: User,
    person: Person,
    custodian: Custodian | None,
    actors: list[Actor],
    given_on: datetime.date,
    form: str,
    valid_until: datetime.date | None = None,
    note: str = "",
) -> Consent:
    """Record a consent from the young person (custodian None) or one of their custodians."""
    errors = {}
    if not actors:
        errors["actors"] = _("Välj minst en aktör som samtycket gäller.")
    if custodian is not None and custodian.person_id != person.pk:
        errors["custodian"] = _("Vårdnadshavaren hör inte till den här personen.")
    if given_on > timezone.localdate():
        errors["given_on"] = _("Datumet kan inte ligga i framtiden.")
    if valid_until is not None and valid_until < given_on:
        errors["valid_until"] = _("Giltigt till kan inte vara före datumet då samtycket lämnades.")
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        person=person,
        custodian=custodian,
        given_on=given_on,
        form=form,
        valid_until=valid_until,
        note=note,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    consent.actors.set(actors)
    return consent


@transaction.atomic
def consent_revoke(*, actor: User, consent: Consent, revoked_on: datetime.date, reason: str = "") -> ConsentRevocation:
    """Revoke a consent from a date; it stops counting at once. The consent row is left as it was."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if ConsentRevocation.objects.filter(consent=locked).exists():
        raise ValidationError(_("Samtycket är redan återkallat."), code="revoked")
    if revoked_on < locked.given_on:
        raise ValidationError({"revoked_on": _("Återkallelsen kan inte vara före datumet då samtycket lämnades.")})
    return ConsentRevocation.objects.create(consent=locked, revoked_on=revoked_on, reason=reason, recorded_by=actor)


@transaction.atomic
def maturity_assess(
    *, actor: User, person: Person, assessed_on: datetime.date, mature: bool, reasoning: str
) -> MaturityAssessment:
    """Record whether a child under the consent age is mature enough to consent themself."""
    if not reasoning.strip():
        raise ValidationError({"reasoning": _("Motivera bedömningen.")})
    return MaturityAssessment.objects.create(
        person=person, assessed_on=assessed_on, mature=mature, reasoning=reasoning.strip(), assessed_by=actor
    )
