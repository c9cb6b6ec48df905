"""Consent writes. History is append-only: consents are recorded and revoked, never edited."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Custodian, Person
from consent.models import Actor, Consent, ConsentRevocation, Disclosure, LegalBasis, MaturityAssessment
from consent.selectors import open_actor_links, sharing_decision
from core.access_log import Seen, access_log_record
from core.history import change_record
from core.models import AccessAction, ChangeAction, User


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
    change_record(
        actor=actor,
        instance=consent,
        action=ChangeAction.CREATE,
        extra={"actors": [None, ", ".join(sorted(a.code for a in actors))]},
    )
    return consent


@transaction.atomic
def consents_record(
    *,
    actor: User,
    person: Person,
    custodians: list[Custodian | None],
    actors: list[Actor],
    given_on: datetime.date,
    form: str,
    valid_until: datetime.date | None = None,
    note: str = "",
) -> list[Consent]:
    """The same consent from several givers (the young person and custodians) at one meeting: one consent per
    giver, each with its history row, all or none."""
    if not custodians:
        raise ValidationError({"givers": _("Välj vem eller vilka som lämnar samtycket.")})
    return [
        consent_record(
            actor=actor,
            person=person,
            custodian=custodian,
            actors=actors,
            given_on=given_on,
            form=form,
            valid_until=valid_until,
            note=note,
        )
        for custodian in custodians
    ]


@transaction.atomic
def consent_revoke(
    *,
    actor: User,
    consent: Consent,
    revoked_on: datetime.date,
    reason: str = "",
    actors: Iterable[Actor] | None = None,
) -> ConsentRevocation:
    """Revoke a consent from a date, for some of its actors (`actors`) or for all it still covers (None or
    empty); it stops counting for them at once and goes on counting for the others. The consent row is left
    as it was; each actor is revoked once."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    given_for = {a.pk: a for a in locked.actors.order_by("sort_order", "name")}
    still = set(open_actor_links().filter(consent=locked).values_list("actor_id", flat=True))
    already = set(given_for) - still
    remaining = [a for pk, a in given_for.items() if pk in still]
    if not remaining:
        raise ValidationError(_("Samtycket är redan återkallat."), code="revoked")
    chosen = list(actors or [])
    errors = {}
    outside = [a.name for a in chosen if a.pk not in given_for]
    twice = [a.name for a in chosen if a.pk in already]
    if outside:
        errors["actors"] = _("Samtycket gäller inte %(actors)s.") % {"actors": ", ".join(outside)}
    elif twice:
        errors["actors"] = _("Samtycket är redan återkallat för %(actors)s.") % {"actors": ", ".join(twice)}
    if revoked_on < locked.given_on:
        errors["revoked_on"] = _("Återkallelsen kan inte vara före datumet då samtycket lämnades.")
    if errors:
        raise ValidationError(errors)
    revoked = [a for a in remaining if a.pk in {c.pk for c in chosen}] if chosen else remaining
    revocation = ConsentRevocation.objects.create(
        consent=locked, revoked_on=revoked_on, reason=reason, recorded_by=actor
    )
    revocation.actors.set(revoked)
    change_record(
        actor=actor,
        instance=revocation,
        action=ChangeAction.CREATE,
        person_id=locked.person_id,
        extra={"actors": [None, ", ".join(sorted(a.code for a in revoked))]},
    )
    return revocation


@transaction.atomic
def maturity_assess(
    *, actor: User, person: Person, assessed_on: datetime.date, mature: bool, reasoning: str
) -> MaturityAssessment:
    """Record whether a child under the consent age is mature enough to consent themself."""
    if not reasoning.strip():
        raise ValidationError({"reasoning": _("Motivera bedömningen.")})
    assessment = MaturityAssessment.objects.create(
        person=person, assessed_on=assessed_on, mature=mature, reasoning=reasoning.strip(), assessed_by=actor
    )
    change_record(actor=actor, instance=assessment, action=ChangeAction.CREATE)
    return assessment


@transaction.atomic
def disclosure_record(
    *,
    actor: User,
    person: Person,
    case: Case | None,
    recipient: Actor,
    recipient_detail: str = "",
    what_sent: str,
    legal_basis: LegalBasis,
    disclosed_on: datetime.date,
    decided_by: User,
) -> Disclosure:
    """Record an utlämnande to another authority. A consent-based disclosure needs valid consent that day
    (consent.selectors.sharing_decision). The disclosure also writes an access-log row (loggkontroll)."""
    errors = {}
    if case is not None and case.person_id != person.pk:
        errors["case"] = _("Ärendet hör inte till den här personen.")
    if not what_sent.strip():
        errors["what_sent"] = _("Beskriv vad som lämnades ut.")
    if not legal_basis.active:
        errors["legal_basis"] = _("Den rättsliga grunden används inte längre. Välj en annan.")
    if disclosed_on > timezone.localdate():
        errors["disclosed_on"] = _("Datumet kan inte ligga i framtiden.")
    if legal_basis.is_consent and "disclosed_on" not in errors:
        decision = sharing_decision(person=person, actor=recipient, on=disclosed_on)
        if not decision.allowed:
            errors["legal_basis"] = _(
                "Utlämnande till %(recipient)s med stöd av samtycke går inte: %(message)s "
                "Registrera samtycke eller välj en annan rättslig grund."
            ) % {"recipient": recipient.name, "message": decision.message}
    if errors:
        raise ValidationError(errors)
    disclosure = Disclosure(
        person=person,
        case=case,
        recipient=recipient,
        recipient_detail=recipient_detail.strip(),
        what_sent=what_sent.strip(),
        legal_basis=legal_basis,
        disclosed_on=disclosed_on,
        decided_by=decided_by,
        recorded_by=actor,
    )
    disclosure.full_clean()
    disclosure.save()
    change_record(actor=actor, instance=disclosure, action=ChangeAction.CREATE)
    access_log_record(
        user=actor,
        seen=[Seen(person_id=person.pk, case_id=case.pk if case else None)],
        action=AccessAction.EXPORT,
        what=f"utlamnande:{disclosure.pk}",
    )
    return disclosure
