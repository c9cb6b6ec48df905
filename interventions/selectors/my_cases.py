"""Mina ärenden: the user's open cases (sortable, paginated) and their to-do list."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from cases.models import Case
from cases.selectors import (
    InsatsCount,
    case_counts_mine,
    case_list_mine,
    case_queryset_for_user,
)
from core.models import User
from interventions.todo import TodoItem, todo_consent_flags, todo_list, todo_log

# ---------------------------------------------------------------- Mina ärenden

HOME_PAGE_SIZE = 25
HOME_TODO_LIMIT = 50


class KnownCountPaginator(Paginator):
    """A paginator told the total it would otherwise COUNT(*) for (Mina ärenden sums its per-insats counts)."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count  # fills Paginator.count (a cached_property)


@dataclass(frozen=True)
class MyCaseRow:
    """One of the user's open cases as Mina ärenden lists it."""

    case: Case
    days_open: int
    # an activity of the case's plan whose actor may not receive information now: "Samtycke för Polis återkallat"
    consent_flags: list[str]


@dataclass
class MyCases:
    """Mina ärenden: one page of the user's open cases (rows with the days each has been open), their number
    per insats and the user's to-do list (at most HOME_TODO_LIMIT items; `todo_more` when there are more)."""

    page: Page
    rows: list[MyCaseRow]
    counts: list[InsatsCount]
    todo: list[TodoItem]
    todo_more: bool

    @property
    def total(self) -> int:
        return self.page.paginator.count


def my_cases_for_user(
    *, user: User, on: datetime.date, order: str, descending: bool, page_number, request: HttpRequest | None
) -> MyCases:
    """The user's own open cases (cases.selectors.case_list_mine, sorted by `order`) and to-do list
    (interventions.todo, as on Planering's "mina"); the rows shown of both are access-logged in one write. Both
    carry the consent flags of plan activities (todo_consent_flags)."""
    counts = case_counts_mine(user=user)
    mine = case_list_mine(user=user, order=order, descending=descending)
    paginator = KnownCountPaginator(mine, HOME_PAGE_SIZE, count=sum(row["count"] for row in counts))
    page = paginator.get_page(page_number)
    cases = list(page.object_list)
    items = todo_list(cases=case_queryset_for_user(user), on=on, owner=user, limit=HOME_TODO_LIMIT + 1)
    shown = items[:HOME_TODO_LIMIT]
    todo_log(user=user, items=shown, request=request, what="home", with_cases=cases)
    flags = todo_consent_flags(items=shown, on=on, with_cases=cases)
    return MyCases(
        page=page,
        rows=[
            MyCaseRow(case=case, days_open=(on - case.opened_on).days, consent_flags=flags.get(case.pk, []))
            for case in cases
        ],
        counts=counts,
        todo=shown,
        todo_more=len(items) > HOME_TODO_LIMIT,
    )
