"""The insats panel of a case (details of its insats, plans, disclosures) for the insats page and the case page."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    F,
    Prefetch,
)
from django.utils import timezone

from cases.models import Case, EntryKind, InsatsCode, JournalEntry
from consent.selectors import PersonConsentState, disclosure_list_for_case
from interventions.models import (
    Activity,
    AslanAttendance,
    AslanParticipant,
    CommunityServiceOrder,
    CommunityServiceSession,
    DefectorAssessment,
    FollowUp,
    Mediation,
    PlanParticipant,
    PlanVersion,
    PurchasedService,
    SkkAssignment,
    VictimSupport,
)
from interventions.rules import (
    Routing,
    avhopp_routing,
    mediation_start_problems,
    mediation_waiting_days,
    purchase_cost_by_year,
)
from interventions.selectors.plans import PlanState, plan_states_for_versions


def _panel_plans(*, case: Case, on: datetime.date, consent_state: PersonConsentState | None) -> list[PlanState]:
    """plan_states of a case's plans with what the case page's plan summary and the consent check read: the
    current versions with plan, coordinator and number of goals, then their participants and activities (each
    with its actor) and the follow-ups not held, one query each whatever the plans hold (none without a plan)."""
    versions = list(
        PlanVersion.objects.filter(plan__case=case, superseded_at__isnull=True)
        .select_related("plan__coordinator")
        .annotate(goal_count=Count("goals"))  # the summary shows how many goals, not which
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=PlanParticipant.objects.select_related("actor").order_by("actor__sort_order", "id"),
            ),
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("actor").order_by(F("due_on").asc(nulls_last=True), "id"),
            ),
            # the summary shows the next follow-up not held: only those are loaded
            Prefetch("follow_ups", queryset=FollowUp.objects.filter(held_on__isnull=True).order_by("due_on", "id")),
        )
        .order_by("-plan__created_at", "plan_id")
    )
    for version in versions:
        version.plan.case = case  # the case already fetched (permissions applied, logged)
    return plan_states_for_versions(
        plans=[version.plan for version in versions],
        versions={version.plan_id: version for version in versions},
        on=on,
        consent_state=consent_state,
    )


# ---------------------------------------------------------------- the case section


@dataclass
class CaseInsatsPanel:
    case: Case
    code: str
    community_service: CommunityServiceOrder | None = None
    performed_hours: Decimal = Decimal("0")
    mediation: Mediation | None = None
    mediation_waiting: int | None = None
    mediation_problems: list[str] = field(default_factory=list)
    victim_support: VictimSupport | None = None
    contacts: int = 0
    skk: SkkAssignment | None = None
    aslan: list[AslanParticipant] = field(default_factory=list)
    assessments: list[DefectorAssessment] = field(default_factory=list)
    routing: Routing | None = None
    purchases: list[PurchasedService] = field(default_factory=list)
    purchases_total: Decimal = Decimal("0")
    purchases_per_year: list[dict] = field(default_factory=list)
    plans: list[PlanState] = field(default_factory=list)
    disclosures: list = field(default_factory=list)


def case_insats_panel(
    *,
    case: Case,
    on: datetime.date | None = None,
    consent_state: PersonConsentState | None = None,
    journal_entries: list[JournalEntry] | None = None,
) -> CaseInsatsPanel:
    """Everything the case page shows about the insats, plans and disclosures of a case already fetched
    through case_get_for_user (no further logging). The number of queries depends on the insats, not on
    how many records the case has.

    The case page passes what it has already loaded, so nothing is read twice: `consent_state`
    (consent.selectors.person_consent_state of the case's person on `on`) decides the plans' consent flags,
    and `journal_entries` (all entries of the case) gives the number of contacts."""
    on = on or timezone.localdate()
    if consent_state is not None and consent_state.on != on:
        consent_state = None
    code = case.insats_type.code
    panel = CaseInsatsPanel(case=case, code=code)
    if code == InsatsCode.COMMUNITY_SERVICE:
        panel.community_service = (
            CommunityServiceOrder.objects.filter(case=case)
            .prefetch_related(
                "workplaces", Prefetch("sessions", queryset=CommunityServiceSession.objects.select_related("workplace"))
            )
            .first()
        )
        if panel.community_service:
            panel.performed_hours = sum((s.hours for s in panel.community_service.sessions.all()), Decimal("0"))
    elif code == InsatsCode.MEDIATION:
        panel.mediation = (
            Mediation.objects.filter(case=case)
            .select_related("mediator")
            .prefetch_related("parties", "consultations", "meetings")
            .first()
        )
        if panel.mediation:
            panel.mediation.case = case
            panel.mediation_waiting = mediation_waiting_days(mediation=panel.mediation, opened_on=case.opened_on, on=on)
            if not panel.mediation.started_on:
                panel.mediation_problems = mediation_start_problems(panel.mediation, on)
        elif case.is_open and (on - case.opened_on).days > settings.MEDIATION_REMINDER_DAYS:
            panel.mediation_waiting = (on - case.opened_on).days
    elif code == InsatsCode.VICTIM_SUPPORT:
        panel.victim_support = VictimSupport.objects.filter(case=case).first()
        contact_kinds = [EntryKind.CONVERSATION, EntryKind.PHONE, EntryKind.MEETING, EntryKind.HOME_VISIT]
        if journal_entries is not None:
            panel.contacts = sum(1 for entry in journal_entries if entry.kind in contact_kinds)
        else:
            panel.contacts = JournalEntry.objects.filter(case=case, kind__in=contact_kinds).count()
    elif code == InsatsCode.SKK:
        panel.skk = SkkAssignment.objects.filter(case=case).first()
    elif code == InsatsCode.ASLAN:
        panel.aslan = list(
            AslanParticipant.objects.filter(case=case)
            .select_related("group")
            .prefetch_related(
                "parents", Prefetch("attendance", queryset=AslanAttendance.objects.select_related("meeting"))
            )
        )
    elif code == InsatsCode.AVHOPP:
        panel.assessments = list(DefectorAssessment.objects.filter(case=case).select_related("assessed_by"))
        if panel.assessments:
            latest = panel.assessments[0]
            panel.routing = avhopp_routing(
                age=case.person.age_on(on), motivated=latest.motivated, threat_level=latest.threat_level
            )
        panel.purchases = list(PurchasedService.objects.filter(case=case))
        panel.purchases_total = sum((p.cost for p in panel.purchases), Decimal("0"))
        per_year: dict[int, Decimal] = defaultdict(Decimal)
        for purchase in panel.purchases:
            for year, cost in purchase_cost_by_year(
                price_unit=purchase.price_unit,
                price=purchase.price,
                starts_on=purchase.starts_on,
                ends_on=purchase.ends_on,
            ).items():
                per_year[year] += cost
        panel.purchases_per_year = [{"year": y, "total": t} for y, t in sorted(per_year.items())]
    panel.plans = _panel_plans(case=case, on=on, consent_state=consent_state)
    panel.disclosures = list(disclosure_list_for_case(case=case))
    return panel
