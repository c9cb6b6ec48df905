"""Planering: counts of the to-do list per responsible user, one page of the list itself, and the plans of that
page lacking consent."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Q
from django.http import Http404, HttpRequest

from cases.selectors import case_queryset_parts_for_user
from core.models import User
from interventions.models import (
    Plan,
)
from interventions.selectors.my_cases import KnownCountPaginator
from interventions.selectors.plans import PlanState, plan_states
from interventions.todo import (
    TodoCounts,
    TodoItem,
    todo_consent_flags,
    todo_log,
    todo_overview,
    unit_staff,
)

PLANNING_PAGE_SIZE = 50


@dataclass
class OwnerPlanning:
    """Planering for one responsible user on the page: their to-do items and the plans they coordinate lacking
    consent."""

    owner: User
    items: list[TodoItem] = field(default_factory=list)
    lacking_consent: list[PlanState] = field(default_factory=list)


@dataclass(frozen=True)
class OwnerOverview:
    """One responsible user in Planering's overview: counts only, no young people."""

    owner: User
    counts: TodoCounts


@dataclass
class Planning:
    """Planering: the overview of every responsible user, and one page of the list (all users', or `owner`'s)
    grouped per responsible user."""

    overview: list[OwnerOverview]
    page: Page
    groups: list[OwnerPlanning]
    owner: User | None


def _by_name(user: User, first: User):
    return (user.pk != first.pk, user.last_name, user.first_name, user.pk)


def planning_for_user(
    *,
    user: User,
    on: datetime.date,
    request: HttpRequest | None = None,
    owner_id: int | None = None,
    page_number=1,
) -> Planning:
    """Planering over the open cases the user may see: the to-do list (interventions.todo) counted per
    responsible user, and one page of it, of everyone or only of `owner_id` (404 unless that user has items
    here or is staff of the user's unit). The plans lacking needed consent are those of the page's cases (of
    `owner_id`'s when given): deciding it for every open plan of a large unit costs seconds. Only the page's rows
    are access-logged, as one list."""
    visible = case_queryset_parts_for_user(user)
    todo = todo_overview(cases=visible, on=on)  # every responsible user's counts and items, in one query
    counts = todo.counts
    listed = Q(pk__in=list(counts)) | (unit_staff(user.unit_id) if user.unit_id else Q(pk=user.pk))
    listed_people = sorted(User.objects.filter(listed).distinct(), key=lambda person: _by_name(person, user))
    overview = [OwnerOverview(owner=person, counts=counts.get(person.pk, TodoCounts())) for person in listed_people]
    people = {user.pk: user} | {person.pk: person for person in listed_people}
    owner = people.get(owner_id) if owner_id is not None else None
    if owner_id is not None and owner is None:
        raise Http404

    total = counts.get(owner.pk, TodoCounts()).total if owner else sum(row.total for row in counts.values())
    paginator = KnownCountPaginator(range(total), PLANNING_PAGE_SIZE, count=total)
    number = paginator.get_page(page_number).number
    offset = (number - 1) * PLANNING_PAGE_SIZE
    items = todo.items(owner_id=owner.pk if owner else None, offset=offset, limit=PLANNING_PAGE_SIZE)
    todo_consent_flags(items=items, on=on)  # the same flags as on Mina ärenden
    plans = Plan.objects.filter(case__in={item.case.pk for item in items}, case__closed_on__isnull=True)
    if owner:
        plans = plans.filter(coordinator=owner)
    plans = plans.select_related("coordinator", "case__person", "case__insats_type").order_by("case__number")
    flagged = [state for state in plan_states(plans=list(plans), on=on, flags_only=True) if state.flagged]

    # every item's owner is among the counted, so listed above (counts and items are one read)
    people.update({state.plan.coordinator_id: state.plan.coordinator for state in flagged})
    groups: dict[int, OwnerPlanning] = {}
    for item in items:
        groups.setdefault(item.owner_id, OwnerPlanning(owner=people[item.owner_id])).items.append(item)
    for state in flagged:
        coordinator = state.plan.coordinator
        groups.setdefault(coordinator.pk, OwnerPlanning(owner=coordinator)).lacking_consent.append(state)
    todo_log(user=user, items=items, request=request, what="planning", with_cases=[s.plan.case for s in flagged])
    return Planning(
        overview=overview,
        page=Page(items, number, paginator),
        groups=sorted(groups.values(), key=lambda group: _by_name(group.owner, user)),
        owner=owner,
    )
