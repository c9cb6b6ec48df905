"""Reads for genomförandeplaner: current version with its live consent problems, versions, the daily flag scan.

The consent flag of a plan is computed here from the current consent state (consent.selectors), so a
revocation or an expiry shows at once; the daily job only keeps a dated trace of it."""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Person
from consent.models import Actor
from consent.selectors import PersonConsentState, sharing_decisions
from interventions.models import (
    Activity,
    FollowUp,
    Goal,
    GoalAttainment,
    Plan,
    PlanParticipant,
    PlanVersion,
)

# ---------------------------------------------------------------- plans


@dataclass
class ConsentProblem:
    actor: Actor
    message: str


@dataclass
class PlanState:
    plan: Plan
    version: PlanVersion
    problems: list[ConsentProblem] = field(default_factory=list)
    next_follow_up: FollowUp | None = None  # the first one not held, even when its date has passed
    # where the version's follow-ups are loaded (plan page, PDF): the first not held on or after the day,
    # and the earliest not held before it
    upcoming_follow_up: FollowUp | None = None
    overdue_follow_up: FollowUp | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.problems)

    @property
    def blocked_actor_ids(self) -> set[int]:
        """Actors of the plan that may not receive information now (consent missing, revoked or expired)."""
        return {problem.actor.pk for problem in self.problems}

    @property
    def sharing_participants(self) -> list[PlanParticipant]:
        """The plan's actors that socialtjänsten may really share information with now."""
        blocked = self.blocked_actor_ids
        return [p for p in self.version.participants.all() if p.actor_id not in blocked]

    @property
    def blocked_activities(self) -> list[Activity]:
        blocked = self.blocked_actor_ids
        return [a for a in self.version.activities.all() if a.actor_id in blocked]


def _version_queryset() -> QuerySet[PlanVersion]:
    return PlanVersion.objects.select_related("created_by").prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("position", "id")),
        Prefetch("activities", queryset=Activity.objects.select_related("actor", "goal").order_by("due_on", "id")),
        Prefetch("participants", queryset=PlanParticipant.objects.select_related("actor")),
        Prefetch("agreements"),
        Prefetch(
            "follow_ups",
            queryset=FollowUp.objects.prefetch_related(
                Prefetch("attainments", queryset=GoalAttainment.objects.select_related("goal"))
            ).order_by("due_on", "id"),
        ),
    )


def _consent_version_queryset() -> QuerySet[PlanVersion]:
    """What a PlanState reads (the consent flag's actors, the follow-ups not held), without the goals, agreements and
    attainments the plan page shows."""
    return PlanVersion.objects.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.select_related("actor").order_by("due_on", "id")),
        Prefetch("participants", queryset=PlanParticipant.objects.select_related("actor")),
        Prefetch("follow_ups", queryset=FollowUp.objects.order_by("due_on", "id")),
    )


def _actors_needing_consent(version: PlanVersion) -> list[Actor]:
    actors = {p.actor_id: p.actor for p in version.participants.all()}
    actors.update({a.actor_id: a.actor for a in version.activities.all()})
    return [actor for actor in actors.values() if actor.needs_consent]


def plan_states(
    *,
    plans: list[Plan],
    on: datetime.date,
    consent_state: PersonConsentState | None = None,
    flags_only: bool = False,
) -> list[PlanState]:
    """Current version and live consent problems for each plan (constant number of queries).

    Plans must come with `case__person` loaded. A plan is flagged when an actor in it (participant or
    responsible for an activity) needs consent and sharing_decision does not allow it on `on`.
    `consent_state` (consent.selectors.person_consent_state of the plans' one person on `on`) decides
    without further queries when the caller already has it (the case page). `flags_only`: the versions carry
    only what the states read, not the goals, agreements and attainments (Planering's list of plans lacking
    consent shows none of them).
    """
    queryset = _consent_version_queryset() if flags_only else _version_queryset()
    versions = {v.plan_id: v for v in queryset.filter(plan__in=plans, superseded_at__isnull=True)}
    return plan_states_for_versions(plans=plans, versions=versions, on=on, consent_state=consent_state)


def plan_states_for_versions(
    *, plans: list[Plan], versions: dict, on: datetime.date, consent_state: PersonConsentState | None
) -> list[PlanState]:
    if consent_state is not None and (
        consent_state.on != on or any(plan.case.person_id != consent_state.person.pk for plan in plans)
    ):
        consent_state = None  # not this person's state on this date: decide from the database
    if consent_state is not None:
        decisions = {
            (consent_state.person.pk, actor.pk): consent_state.decision(actor)
            for version in versions.values()
            for actor in _actors_needing_consent(version)
        }
    else:
        pairs: list[tuple[Person, Actor]] = []
        for plan in plans:
            version = versions.get(plan.pk)
            if version:
                pairs.extend((plan.case.person, actor) for actor in _actors_needing_consent(version))
        decisions = sharing_decisions(pairs=pairs, on=on)
    states = []
    for plan in plans:
        version = versions.get(plan.pk)
        if version is None:
            continue
        state = PlanState(plan=plan, version=version)
        for actor in _actors_needing_consent(version):
            decision = decisions[(plan.case.person.pk, actor.pk)]
            if not decision.allowed:
                state.problems.append(
                    ConsentProblem(
                        actor=actor,
                        message=_(
                            "Samtycket för %(actor)s gäller inte längre (återkallat eller utgånget). %(message)s "
                            "Nya aktiviteter för %(actor)s är spärrade."
                        )
                        % {"actor": actor.name, "message": decision.message},
                    )
                )
        not_held = [f for f in version.follow_ups.all() if f.held_on is None]  # in due_on order
        state.next_follow_up = next(iter(not_held), None)
        state.upcoming_follow_up = next((f for f in not_held if f.due_on >= on), None)
        state.overdue_follow_up = next((f for f in not_held if f.due_on < on), None)
        states.append(state)
    return states


def plan_detail(*, plan: Plan, version_number: int | None = None, on: datetime.date | None = None) -> PlanState:
    """The plan with the requested version (default: current) and its live consent state."""
    on = on or timezone.localdate()
    state = plan_states(plans=[plan], on=on)[0]
    if version_number is not None and version_number != state.version.number:
        version = _version_queryset().filter(plan=plan, number=version_number).first()
        if version is None:
            raise Http404
        state.version = version
    return state


def plan_versions(*, plan: Plan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan=plan).only("id", "plan_id", "number", "created_at", "superseded_at")


def plans_flag_scan(*, on: datetime.date) -> tuple[set, set]:
    """For the daily job: ids of all plans on open cases and of those lacking needed consent today."""
    plans = list(Plan.objects.filter(case__closed_on__isnull=True).select_related("case__person"))
    states = plan_states(plans=plans, on=on)
    return {s.plan.pk for s in states if s.flagged}, {p.pk for p in plans}
