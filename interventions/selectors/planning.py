"""Planering: the to-do list per responsible user and the plans lacking consent per samordnare."""

import datetime
from dataclasses import dataclass, field

from django.http import HttpRequest

from cases.selectors import (
    case_queryset_for_user,
)
from core.models import User
from interventions.models import (
    Plan,
)
from interventions.selectors.plans import PlanState, plan_states
from interventions.todo import TodoItem, todo_consent_flags, todo_list, todo_log


@dataclass
class OwnerPlanning:
    """Planering for one responsible user: their to-do items and the plans they coordinate lacking consent."""

    owner: User
    items: list[TodoItem] = field(default_factory=list)
    lacking_consent: list[PlanState] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


def planning_for_user(
    *, user: User, on: datetime.date, request: HttpRequest | None = None, only_mine: bool = False
) -> list[OwnerPlanning]:
    """Planering: the to-do list (interventions.todo) of every responsible user on the open cases the user
    may see, or only the user's own (the list Mina ärenden shows), plus plans lacking needed consent per
    samordnare. Rows shown are access-logged as one list."""
    visible = case_queryset_for_user(user)
    owner = user if only_mine else None
    items = todo_list(cases=visible, on=on, owner=owner)
    todo_consent_flags(items=items, on=on)  # the same flags as on Mina ärenden
    plans = Plan.objects.filter(case__in=visible.filter(closed_on__isnull=True)).select_related(
        "coordinator", "case__person", "case__insats_type"
    )
    if only_mine:
        plans = plans.filter(coordinator=user)
    flagged = [state for state in plan_states(plans=list(plans.order_by("case__number")), on=on) if state.flagged]
    owner_ids = {item.owner_id for item in items} - {state.plan.coordinator_id for state in flagged}
    owners = {state.plan.coordinator_id: state.plan.coordinator for state in flagged}
    owners.update({u.pk: u for u in User.objects.filter(pk__in=owner_ids)} if owner_ids else {})
    groups = {pk: OwnerPlanning(owner=owner) for pk, owner in owners.items()}
    for item in items:
        groups[item.owner_id].items.append(item)
    for state in flagged:
        groups[state.plan.coordinator_id].lacking_consent.append(state)
    todo_log(user=user, items=items, request=request, what="planning", with_cases=[s.plan.case for s in flagged])
    return sorted(groups.values(), key=lambda g: (g.owner.pk != user.pk, g.owner.last_name, g.owner.first_name))
