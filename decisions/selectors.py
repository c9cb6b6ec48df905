"""Reads of beslut: a case's beslut (the case fetched through cases.selectors), the enhetschef's list of beslut
not verkställda within three months, and the quarterly report to IVO and the nämnd.

The list and the IVO rows are of the manager's own unit (cases of the unit they may see); the list names people
(masked by cases.selectors.mark_identity_visibility) and writes an access-log row per person shown, the IVO file
one per person exported. The nämnd table holds counts only.
"""

import datetime
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from cases.models import Case, InsatsType
from cases.selectors import case_list_log, case_queryset_for_user
from core.access_log import Seen, access_log_record
from core.models import AccessAction, User
from decisions.models import GRANTING_OUTCOMES, Decision, Lagrum
from decisions.rules import execution_deadline, quarter_bounds, reported_in_quarter


def case_decisions(*, case: Case) -> list[Decision]:
    """The beslut of a case fetched (and access-logged) through cases.selectors.case_get_for_user, newest first."""
    return list(Decision.objects.filter(case=case).select_related("lagrum", "delegate"))


def decision_get(*, case: Case, decision_id: UUID) -> Decision:
    """One beslut of a visible case; 404 when it is not that case's."""
    decision = Decision.objects.filter(case=case, pk=decision_id).select_related("lagrum", "delegate").first()
    if decision is None:
        raise Http404
    decision.case = case  # the person as the case selector loaded and masked it
    return decision


def lagrum_choices() -> QuerySet[Lagrum]:
    return Lagrum.objects.filter(active=True)


def _unit_decisions(user: User) -> QuerySet[Decision]:
    """Granted beslut of the cases of the user's own unit that the user may see."""
    if not user.has_perm("decisions.view_unexecuted_report") or user.unit_id is None:
        return Decision.objects.none()
    cases = case_queryset_for_user(user).filter(unit_id=user.unit_id)
    return Decision.objects.filter(case__in=cases, outcome__in=GRANTING_OUTCOMES)


@dataclass(frozen=True)
class WaitingDecision:
    decision: Decision
    case: Case
    deadline: datetime.date
    days_waiting: int


def unexecuted_list_for_manager(
    *, user: User, today: datetime.date, request: HttpRequest | None = None
) -> list[WaitingDecision]:
    """Granted beslut of the unit neither verkställda nor ended three months after the beslut, longest waiting
    first; the people shown are masked as the user may see them and access-logged."""
    # the exact three-month rule runs on the (few) waiting beslut of one unit: month arithmetic is Python's
    waiting = (
        _unit_decisions(user)
        .filter(executed_on__isnull=True, ended_on__isnull=True, decided_on__lt=today)
        .select_related("lagrum", "case__person", "case__insats_type", "case__handler")
        .order_by("decided_on", "case__number")
    )
    rows = [
        WaitingDecision(
            decision=decision,
            case=decision.case,
            deadline=execution_deadline(decision.decided_on),
            days_waiting=(today - decision.decided_on).days,
        )
        for decision in waiting
        if execution_deadline(decision.decided_on) < today
    ]
    case_list_log(user=user, cases=[row.case for row in rows], request=request, what="unexecuted_decisions")
    return rows


@dataclass(frozen=True)
class QuarterRow:
    """One beslut in a quarter's report: what IVO asks for, and nothing that names the person."""

    decided_on: datetime.date
    insats: str
    lagrum: str
    gender: str
    gender_label: str
    delay_reason: str
    executed_on: datetime.date | None
    ended_on: datetime.date | None
    person_id: UUID
    case_id: UUID


@dataclass
class QuarterReport:
    year: int
    quarter: int
    start: datetime.date
    end: datetime.date
    rows: list[QuarterRow] = field(default_factory=list)


def _quarter_rows(user: User, year: int, quarter: int) -> QuarterReport:
    start, end = quarter_bounds(year, quarter)
    candidates = (
        _unit_decisions(user)
        .filter(decided_on__lt=end)
        .exclude(Q(executed_on__lt=start) | Q(ended_on__lt=start))
        .select_related("lagrum", "case__person", "case__insats_type")
        .order_by("decided_on", "case__number")
    )
    report = QuarterReport(year=year, quarter=quarter, start=start, end=end)
    for decision in candidates:
        if not reported_in_quarter(
            decided_on=decision.decided_on,
            executed_on=decision.executed_on,
            ended_on=decision.ended_on,
            start=start,
            end=end,
        ):
            continue
        person = decision.case.person
        report.rows.append(
            QuarterRow(
                decided_on=decision.decided_on,
                insats=decision.case.insats_type.name,
                lagrum=f"{decision.lagrum.section} {decision.lagrum.law}",
                gender=person.gender,
                gender_label=str(person.get_gender_display()),
                delay_reason=decision.delay_reason,
                executed_on=decision.executed_on if decision.executed_on and decision.executed_on <= end else None,
                ended_on=decision.ended_on if decision.ended_on and decision.ended_on <= end else None,
                person_id=person.pk,
                case_id=decision.case_id,
            )
        )
    return report


def quarter_report_for_ivo(*, user: User, year: int, quarter: int, request: HttpRequest | None = None) -> QuarterReport:
    """The beslut of the user's unit to report for a quarter, one row per beslut (IVO's e-service asks for each);
    no name or number, but each row is about a person, so the export is access-logged."""
    report = _quarter_rows(user, year, quarter)
    access_log_record(
        user=user,
        request=request,
        action=AccessAction.EXPORT,
        what="ivo_unexecuted_report",
        seen=[Seen(person_id=row.person_id, case_id=row.case_id) for row in report.rows],
    )
    return report


@dataclass(frozen=True)
class NamndLine:
    insats: str
    waiting_at_end: int  # not verkställt when the quarter ended
    executed: int  # verkställt during the quarter, after the three months
    ended: int  # ended without verkställighet during the quarter


def quarter_report_for_namnd(*, user: User, year: int, quarter: int) -> tuple[QuarterReport, list[NamndLine]]:
    """Counts per insats for the nämnd (no personal data: the template shows 1–4 as "<5"). Every insats of the
    catalogue is listed, with zeros, so an absent line tells nothing."""
    report = _quarter_rows(user, year, quarter)
    lines = []
    for insats in InsatsType.objects.filter(has_individual_cases=True).order_by("sort_order", "name"):
        rows = [row for row in report.rows if row.insats == insats.name]
        lines.append(
            NamndLine(
                insats=insats.name,
                waiting_at_end=sum(1 for row in rows if row.executed_on is None and row.ended_on is None),
                executed=sum(1 for row in rows if row.executed_on is not None),
                ended=sum(1 for row in rows if row.ended_on is not None),
            )
        )
    return report, lines
