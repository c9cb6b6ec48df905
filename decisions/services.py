"""Writes for beslut: record a beslut under the delegationsordning, verkställighet, end, reason for delay.

Callers fetched the case through cases.selectors (visibility applied) and the beslut through
decisions.selectors. Errors are ValidationError with Swedish messages keyed by form field.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from cases.models import Basis, Case
from cases.services import CASE_CLOSED
from core.concurrency import version_check_and_bump
from core.history import change_record, history_snapshot
from core.models import ChangeAction, User
from decisions import letters
from decisions.models import GRANTING_OUTCOMES, Decision, DelegationRule, Lagrum, Outcome

# Key in the beslut's change history for the letter's checksum: not a field, so the history page shows the key
# itself as the label (records.selectors._field_label); hence Swedish words.
LETTER_CHECKSUM = "Beslutsbrev (SHA-256)"


def delegation_rule_for(*, outcome: str, case: Case) -> DelegationRule | None:
    """The line of the delegationsordning for this outcome and the case's insats (its own line first)."""
    rules = DelegationRule.objects.filter(
        Q(insats_type_id=case.insats_type_id) | Q(insats_type__isnull=True), outcome=outcome
    )
    ordered = sorted(rules.prefetch_related("roles"), key=lambda rule: rule.insats_type_id is None)
    return ordered[0] if ordered else None


def delegation_check(*, actor: User, outcome: str, case: Case) -> None:
    """Refuse (in Swedish) a delegat whose roles the delegationsordning does not name for this beslut."""
    rule = delegation_rule_for(outcome=outcome, case=case)
    allowed = {group.name for group in rule.roles.all()} if rule else set()
    if not allowed & set(actor.role_names):
        raise ValidationError(
            _(
                "Enligt delegationsordningen får du inte fatta beslut om %(outcome)s för %(insats)s. "
                "Beslutet är inte sparat; låt någon med delegation (%(roles)s) fatta det."
            )
            % {
                "outcome": Outcome(outcome).label.lower(),
                "insats": case.insats_type.name.lower(),
                "roles": ", ".join(sorted(allowed)) or _("ingen roll har delegation"),
            },
            code="delegation",
        )


def _not_future(day: datetime.date | None, field: str, errors: dict[str, StrOrPromise]) -> None:
    if day and day > timezone.localdate():
        errors[field] = _("Datumet kan inte ligga i framtiden.")


@transaction.atomic
def decision_record(
    *,
    actor: User,
    case: Case,
    outcome: str,
    lagrum: Lagrum,
    applied_for: str,
    granted: str,
    reasoning: str,
    decided_on: datetime.date,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
) -> Decision:
    """Record a beslut on an open bistånd case, the actor being the delegat (delegationsordning). An avslag gets
    its letter with besvärshänvisning, kept through letters.letter_keep."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(CASE_CLOSED, code="closed")
    if locked.basis != Basis.ASSISTANCE:
        raise ValidationError(
            _("Beslut fattas bara i biståndsärenden; ärendet gäller en insats utan behovsprövning (service)."),
            code="not_assistance",
        )
    delegation_check(actor=actor, outcome=outcome, case=case)
    errors: dict[str, StrOrPromise] = {}
    _not_future(decided_on, "decided_on", errors)
    if decided_on and decided_on < locked.opened_on:
        errors["decided_on"] = _("Beslutet kan inte vara fattat före aktualiseringen.")
    if not lagrum.active:
        errors["lagrum"] = _("Lagrummet kan inte väljas för nya beslut.")
    elif decided_on and not lagrum.in_force_on(decided_on):
        errors["lagrum"] = _("Lagrummet gällde inte på beslutsdatumet; välj lagrum ur den lag som gällde då.")
    if outcome in GRANTING_OUTCOMES:
        if not granted.strip():
            errors["granted"] = _("Ange vad som beviljas.")
        if period_from is None:
            errors["period_from"] = _("Ange från vilket datum insatsen beviljas.")
        elif decided_on and period_from < decided_on:
            errors["period_from"] = _("Perioden kan inte börja före beslutet.")
        if period_from and period_to and period_to < period_from:
            errors["period_to"] = _("Perioden kan inte sluta innan den börjar.")
    else:
        granted, period_from, period_to = "", None, None  # an avslag grants nothing
    if not reasoning.strip():
        errors["reasoning"] = _("Ange motiveringen till beslutet.")
    if errors:
        raise ValidationError(errors)
    decision = Decision(
        case=locked,
        outcome=outcome,
        lagrum=lagrum,
        applied_for=applied_for.strip(),
        granted=granted.strip(),
        reasoning=reasoning.strip(),
        decided_on=decided_on,
        period_from=period_from,
        period_to=period_to,
        delegate=actor,
    )
    decision.full_clean(exclude=["case"])
    decision.save()
    extra = None
    if outcome == Outcome.REFUSED:
        decision.case = case  # the person as the selector loaded it (masking decided for this user)
        content = letters.avslag_letter_pdf(decision=decision, case=case)
        digest = letters.letter_keep(
            actor=actor,
            case=case,
            kind=letters.LETTER_KIND,
            filename=letters.letter_filename(decision),
            content=content,
        )
        extra = {LETTER_CHECKSUM: [None, digest]}
    change_record(actor=actor, instance=decision, action=ChangeAction.CREATE, extra=extra)
    return decision


def _lock_waiting(
    decision: Decision,
    expected_version: int | str | None,
    submitted: dict[str, object],
    *,
    closed_case_ok: bool = False,
) -> Decision:
    """Lock a granted beslut still waiting; the version the user's form showed must still be the saved one.
    On a closed case only ending it is possible (a beslut never verkställt must leave the IVO report)."""
    locked = Decision.objects.select_for_update().select_related("case").get(pk=decision.pk)
    version_check_and_bump(instance=locked, expected_version=expected_version, submitted=submitted)
    if not closed_case_ok and not locked.case.is_open:
        raise ValidationError(CASE_CLOSED, code="closed")
    if not locked.is_granting:
        raise ValidationError(_("Ett avslag verkställs inte."), code="refused")
    if locked.executed_on or locked.ended_on:
        raise ValidationError(_("Beslutet är redan verkställt eller avslutat."), code="done")
    return locked


@transaction.atomic
def decision_execute(
    *, actor: User, decision: Decision, executed_on: datetime.date, expected_version: int | str | None
) -> Decision:
    """Verkställighet: the day the granted insats actually started (not before the beslut or its period)."""
    locked = _lock_waiting(decision, expected_version, {"executed_on": executed_on})
    errors: dict[str, StrOrPromise] = {}
    _not_future(executed_on, "executed_on", errors)
    if executed_on < locked.decided_on:
        errors["executed_on"] = _("Insatsen kan inte ha börjat före beslutet (%(date)s).") % {
            "date": locked.decided_on.isoformat()
        }
    elif locked.period_from and executed_on < locked.period_from:
        errors["executed_on"] = _("Insatsen kan inte ha börjat före den beviljade perioden (%(date)s).") % {
            "date": locked.period_from.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    before = history_snapshot(locked)
    locked.executed_on = executed_on
    locked.save(update_fields=["executed_on", "version"])
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def decision_end(
    *, actor: User, decision: Decision, ended_on: datetime.date, end_reason: str, expected_version: int | str | None
) -> Decision:
    """A granted beslut that will not be verkställt (the young person declined, moved, …) ends here; the
    quarterly report lists it once more with this date."""
    locked = _lock_waiting(
        decision, expected_version, {"ended_on": ended_on, "end_reason": end_reason}, closed_case_ok=True
    )
    errors: dict[str, StrOrPromise] = {}
    _not_future(ended_on, "ended_on", errors)
    if ended_on < locked.decided_on:
        errors["ended_on"] = _("Datumet kan inte vara före beslutet.")
    if not end_reason.strip():
        errors["end_reason"] = _("Ange varför beslutet inte verkställs.")
    if errors:
        raise ValidationError(errors)
    before = history_snapshot(locked)
    locked.ended_on = ended_on
    locked.end_reason = end_reason.strip()
    locked.save(update_fields=["ended_on", "end_reason", "version"])
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def decision_delay_reason_record(
    *, actor: User, decision: Decision, delay_reason: str, expected_version: int | str | None
) -> Decision:
    """Why a granted beslut is not yet verkställt (reported to IVO and the nämnd each quarter); earlier reasons
    stay in the change history."""
    locked = _lock_waiting(decision, expected_version, {"delay_reason": delay_reason})
    if not delay_reason.strip():
        raise ValidationError({"delay_reason": _("Ange orsaken till dröjsmålet.")})
    before = history_snapshot(locked)
    locked.delay_reason = delay_reason.strip()
    locked.save(update_fields=["delay_reason", "version"])
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    return locked
