"""The one to-do list of case work: what is due or overdue, per responsible user, on open cases.

Mina ärenden, Planering and the enhetschef's caseload page all read it here, so a follow-up date shows
the same everywhere. The signals (each a branch of one UNION ALL query, so the number of queries does
not depend on the number of rows):

- the case's next follow-up date (Case.next_follow_up_on) within the horizon or passed;
- open follow-ups of a genomförandeplan's current version within the horizon or passed;
- activities of a current plan version with a deadline ("klart senast") not yet marked done;
- SIG and avhopp cases without a genomförandeplan: due PLAN_DUE_DAYS after aktualisering, always listed;
- medling cases without a mediation meeting, due MEDIATION_REMINDER_DAYS after aktualisering
  (lag 2002:445 § 6, skyndsamt), listed from the horizon before that day;
- consents (not revoked) running out within CONSENT_EXPIRY_NOTICE_DAYS, unless the same giver has
  already given a later consent that lasts longer.

An activity whose responsible actor may no longer receive information about the young person (consent revoked,
run out or missing) carries a consent flag (todo_consent_flags), and so do Mina ärenden's rows of its case, so
that nobody shares information without consent.

Every item has one responsible user (`owner_id`): the samordnare for a plan's follow-ups and activities,
the case's handläggare for everything else. Which cases are read is decided by the caller's queryset,
which comes from cases.selectors (the user's permissions); named rows are access-logged by the caller
with cases.selectors.case_list_log when shown.
"""

import datetime
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from uuid import UUID

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    UUIDField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.models import Case, InsatsCode
from cases.selectors import case_list_log, case_queryset_for_user
from consent.models import Consent
from consent.selectors import ran_out_for_actor, revoked_for_actor, sharing_decisions, still_covers_an_actor
from core.models import Role, User
from interventions.models import Activity, FollowUp, Mediation, MediationMeeting, MediationStatus, MeetingKind, Plan

CASE_FOLLOW_UP = "arendeuppfoljning"
PLAN_FOLLOW_UP = "planuppfoljning"
ACTIVITY = "aktivitet"
MISSING_PLAN = "plan_saknas"
MEDIATION = "medling"
CONSENT = "samtycke"
# (kind, what the row says, the next action its link leads to), in the order rows of one day are listed
KINDS = {
    CASE_FOLLOW_UP: (_("Uppföljning av ärendet"), _("Följ upp och planera nästa uppföljning")),
    PLAN_FOLLOW_UP: (_("Uppföljning av genomförandeplanen"), _("Registrera uppföljningen")),
    ACTIVITY: (_("Aktivitet i genomförandeplanen"), _("Markera aktiviteten som klar")),
    MISSING_PLAN: (_("Genomförandeplan saknas"), _("Skapa genomförandeplan")),
    MEDIATION: (_("Medling väntar"), _("Registrera medlingsmöte")),
    CONSENT: (_("Samtycke går ut"), _("Registrera nytt samtycke")),
}
PLAN_CODES = (InsatsCode.SIG.value, InsatsCode.AVHOPP.value)

COLUMNS = (
    "todo_kind",
    "todo_due",
    "todo_owner",
    "todo_plan",
    "todo_detail",
    "todo_activity",
    "todo_case",
    "todo_number",
)
# what the to-do lists read of each case and its person, in todo_list's second query: the union carries only the
# case's id and number (the tie-break of its order), so no branch joins the person
CASE_FIELDS = ["id", "number", "person_id", "insats_type_id", "handler_id", "opened_on"]
PERSON_FIELDS = ["id", "first_name", "last_name", "protection"]


@dataclass
class TodoItem:
    kind: str
    due_on: datetime.date
    owner_id: int
    case: Case
    on: datetime.date
    plan_id: UUID | None = None
    detail: str = ""
    activity_id: int | None = None
    consent_flag: str = ""  # "Samtycke för Polis återkallat" (todo_consent_flags)

    @property
    def overdue(self) -> bool:
        return self.due_on < self.on

    @property
    def label(self) -> str:
        return str(KINDS[self.kind][0])

    @property
    def action(self) -> str:
        return str(KINDS[self.kind][1])

    @property
    def note(self) -> str:
        """What the row adds to its label, in Swedish (masked when the person's identity is)."""
        if self.kind == ACTIVITY:
            return self.detail[:80]
        if self.kind == MEDIATION:
            days = (self.on - self.case.opened_on).days
            return ngettext("%(days)s dag utan medlingsmöte", "%(days)s dagar utan medlingsmöte", days) % {"days": days}
        if self.kind == CONSENT:
            if not self.detail:
                return str(_("lämnat av ungdomen"))
            if not self.case.person.shows_identity:
                return str(_("lämnat av vårdnadshavare"))
            return str(_("lämnat av %(name)s")) % {"name": self.detail}
        return ""


def _days_after(name: str, days: int):
    """The date `days` after a date column, as a date on every database (date + interval is a timestamp)."""
    moved = ExpressionWrapper(F(name) + datetime.timedelta(days=days), output_field=DateTimeField())
    return Cast(moved, DateField())


def _none(output_field):
    return Value(None, output_field=output_field)


def _columns(*, kind: str, due, owner, case: str = "", plan=None, detail=None, activity=None) -> dict:
    """The common columns of every branch; `case` is the path from the branch's model to the case."""
    prefix = f"{case}__" if case else ""
    return {
        "todo_kind": Value(kind, output_field=CharField()),
        "todo_due": due,
        "todo_owner": owner,
        # the ids as text: a unit's whole list is read (Planering, 12 500 rows in the largest unit at scale L) and
        # making two UUID objects a row cost ≈ 20 ms of CPU there; only the shown page's ids become UUIDs (_items)
        "todo_plan": Cast(plan, CharField()) if plan is not None else _none(CharField()),
        "todo_detail": detail if detail is not None else Value("", output_field=CharField()),
        # typed: the first two branches have none, and PostgreSQL would take two bare NULLs for text
        "todo_activity": activity if activity is not None else Cast(_none(BigIntegerField()), BigIntegerField()),
        "todo_case": Cast(F(f"{prefix}id") if prefix else F("pk"), CharField()),
        "todo_number": F(f"{prefix}number"),
    }


# The subqueries of the branches that depend on nothing of the request (no user, no date) are built once per
# process: building them was about a third of building the union (≈ 3.5 of ≈ 10 ms at scale M, issue 23.1). A query
# using one copies it (Expression.resolve_expression), so sharing them is safe.


@cache
def _has_plan() -> Exists:
    return Exists(Plan.objects.filter(case_id=OuterRef("pk")))


@cache
def _mediation_ended() -> Exists:
    return Exists(Mediation.objects.filter(case_id=OuterRef("pk"), status=MediationStatus.ENDED))


@cache
def _mediation_met() -> Exists:
    return Exists(MediationMeeting.objects.filter(mediation__case_id=OuterRef("pk"), kind=MeetingKind.MEDIATION))


@cache
def _covers_an_actor() -> Exists:
    return still_covers_an_actor()


@cache
def _renewed() -> Exists:
    """The same giver (the young person, or one custodian) has a later consent that lasts longer."""
    giver = Coalesce(Cast("custodian_id", IntegerField()), Value(0))
    return Exists(
        Consent.objects.annotate(giver_key=giver)  # not "giver": a Consent property of that name exists
        .filter(
            person_id=OuterRef("person_id"),
            giver_key=Coalesce(Cast(OuterRef("custodian_id"), IntegerField()), Value(0)),
            given_on__gte=OuterRef("given_on"),
        )
        .filter(still_covers_an_actor())
        .exclude(pk=OuterRef("pk"))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
    )


# The cases whose items are read: one queryset from cases.selectors, or its disjoint parts
# (cases.selectors.case_queryset_parts_for_user), each part then with branches of its own.
Cases = QuerySet[Case] | Sequence[QuerySet[Case]]


def _parts(cases: Cases) -> list[QuerySet[Case]]:
    return [cases] if isinstance(cases, QuerySet) else list(cases)


def _branches(*, cases: Cases, on: datetime.date, owner: User | None) -> list[QuerySet]:
    """One queryset per signal over the open cases among `cases` (per part), each annotated with COLUMNS;
    with `owner`, only the items that user is responsible for."""
    return [branch for part in _parts(cases) for branch in _branches_of(cases=part, on=on, owner=owner)]


def _branches_of(*, cases: QuerySet[Case], on: datetime.date, owner: User | None) -> list[QuerySet]:
    horizon = on + datetime.timedelta(days=settings.PLAN_FOLLOW_UP_HORIZON_DAYS)
    open_cases = cases.filter(closed_on__isnull=True)
    handled = open_cases.filter(handler=owner) if owner else open_cases
    plans_current = {"version__superseded_at__isnull": True, "version__plan__case__in": open_cases}
    if owner:
        plans_current["version__plan__coordinator"] = owner

    case_follow_ups = handled.filter(next_follow_up_on__lte=horizon).annotate(
        **_columns(kind=CASE_FOLLOW_UP, due=F("next_follow_up_on"), owner=F("handler_id"))
    )
    plan_follow_ups = FollowUp.objects.filter(held_on__isnull=True, due_on__lte=horizon, **plans_current).annotate(
        **_columns(
            kind=PLAN_FOLLOW_UP,
            due=F("due_on"),
            owner=F("version__plan__coordinator_id"),
            case="version__plan__case",
            plan=F("version__plan_id"),
        )
    )
    activities = Activity.objects.filter(
        done_on__isnull=True, due_on__isnull=False, due_on__lte=horizon, **plans_current
    ).annotate(
        **_columns(
            kind=ACTIVITY,
            due=F("due_on"),
            owner=F("version__plan__coordinator_id"),
            case="version__plan__case",
            plan=F("version__plan_id"),
            detail=F("what"),
            activity=F("pk"),
        )
    )
    missing_plans = (
        handled.filter(insats_type__code__in=PLAN_CODES)
        .exclude(_has_plan())
        .annotate(
            **_columns(kind=MISSING_PLAN, due=_days_after("opened_on", settings.PLAN_DUE_DAYS), owner=F("handler_id"))
        )
    )
    wait = settings.MEDIATION_REMINDER_DAYS
    mediations = (
        handled.filter(insats_type__code=InsatsCode.MEDIATION, opened_on__lte=horizon - datetime.timedelta(days=wait))
        .exclude(_mediation_ended())
        .exclude(_mediation_met())
        .annotate(**_columns(kind=MEDIATION, due=_days_after("opened_on", wait), owner=F("handler_id")))
    )
    expiry = on + datetime.timedelta(days=settings.CONSENT_EXPIRY_NOTICE_DAYS)
    on_case = {"person__cases__in": handled}  # one join: the consent's person's open cases
    consents = (
        Consent.objects.filter(valid_until__gte=on, valid_until__lte=expiry, **on_case)
        .filter(_covers_an_actor())
        .exclude(_renewed())
        .annotate(
            **_columns(
                kind=CONSENT,
                due=F("valid_until"),
                owner=F("person__cases__handler_id"),
                case="person__cases",
                detail=Coalesce("custodian__name", Value("", output_field=CharField())),
            )
        )
    )
    return [case_follow_ups, plan_follow_ups, activities, missing_plans, mediations, consents]


def _rows(branches: list[QuerySet]) -> QuerySet:
    rows = [branch.order_by().values_list(*COLUMNS) for branch in branches]
    return rows[0].union(*rows[1:], all=True)


class _CompiledUnions:
    """The to-do union's SQL, compiled once per process for each (the SQL and parameters of `cases` or of each of its
    parts, day, owner, offset, limit).

    Building and compiling the six-branch union costs ≈ 25 ms of CPU on every Mina ärenden (issue 23.1), yet its
    text is a function of those inputs alone: the signals' rules are constant, and what the caller's permissions
    add is in the compiled SQL of `cases`, which is part of the key (so a change of unit or grant is a new key, and
    nothing of the user is assumed here). The rows are read anew each time; only the SQL text is kept."""

    SIZE = 512  # a day's users of one worker process, and then some

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple, tuple[str, tuple]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, *, cases: Cases, on: datetime.date, owner: User | None, offset: int, limit: int | None
    ) -> tuple[str, tuple] | None:
        """The SQL and parameters, or None when `cases` can match nothing (Case.objects.none())."""
        parts, compiled_parts = [], []
        for part in _parts(cases):
            try:
                part_sql, part_params = part.query.sql_with_params()
            except EmptyResultSet:
                continue
            parts.append(part)
            compiled_parts.append((part_sql, tuple(part_params)))
        if not parts:
            return None
        key = (connection.vendor, tuple(compiled_parts), on, owner.pk if owner else None, offset, limit)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        rows = _rows(_branches(cases=parts, on=on, owner=owner)).order_by(*ORDER)
        rows = rows[offset : offset + limit] if limit is not None else rows[offset:]
        sql, params = rows.query.sql_with_params()
        compiled = (sql, tuple(params))
        with self._lock:
            self._entries[key] = compiled
            if len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)
        return compiled


# oldest first; the last three only break ties (two activities of one case on one day), so that the pages of a
# paginated list (Planering) neither repeat nor skip an item
ORDER = ("todo_due", "todo_kind", "todo_number", "todo_owner", "todo_activity", "todo_detail")
_compiled_unions = _CompiledUnions()
# the columns whose database value is not yet the Python one on every backend (SQLite: text dates); the ids come as
# text (_columns) and become UUIDs for the items shown
_DUE, _PLAN, _CASE = DateField(), UUIDField(), UUIDField()


def _fetched(
    *, cases: Cases, on: datetime.date, owner: User | None, offset: int = 0, limit: int | None = None
) -> list[tuple]:
    """The union's rows (COLUMNS; dates as dates, the plan and case ids as text), in ORDER: one query."""
    compiled = _compiled_unions.get(cases=cases, on=on, owner=owner, offset=offset, limit=limit)
    if compiled is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        rows = cursor.fetchall()
    if rows and not isinstance(rows[0][1], datetime.date):
        rows = [(kind, _DUE.to_python(due), *rest) for kind, due, *rest in rows]
    return rows


def _items(rows: list[tuple], on: datetime.date) -> list[TodoItem]:
    """The rows as items, with their cases and people: one query."""
    # one object per case, so masking and logging see each case once; the fields the lists show
    case_column = COLUMNS.index("todo_case")
    case_ids = {row[case_column]: _CASE.to_python(row[case_column]) for row in rows}  # text -> UUID, once a case
    cases_by_id: dict[UUID, Case] = {
        case.pk: case
        for case in Case.objects.filter(pk__in=set(case_ids.values()))
        .select_related("person")
        .only(*CASE_FIELDS, *(f"person__{name}" for name in PERSON_FIELDS))
    }
    return [
        TodoItem(
            kind=kind,
            due_on=due,
            owner_id=owner_id,
            case=cases_by_id[case_ids[case_id]],
            on=on,
            plan_id=_PLAN.to_python(plan_id),
            detail=detail or "",
            activity_id=activity_id,
        )
        for kind, due, owner_id, plan_id, detail, activity_id, case_id, _number in rows
    ]


def todo_list(
    *,
    cases: Cases,
    on: datetime.date,
    owner: User | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[TodoItem]:
    """Due and overdue items on the open cases among `cases` (a queryset from cases.selectors, so
    permissions are already applied), oldest date first, from the `offset`th on: one query for the items, one
    for their cases. Unlogged: callers log what they show."""
    return _items(_fetched(cases=cases, on=on, owner=owner, offset=offset, limit=limit), on)


def todo_log(
    *, user: User, items: list[TodoItem], request: HttpRequest | None, what: str, with_cases: Iterable[Case] = ()
) -> None:
    """Mask and access-log the cases of the items shown together with the page's other rows `with_cases`
    (one write for the page). A case in both is the same object afterwards, masked once."""
    with_cases = list(with_cases)
    shown: dict[UUID, Case] = {}
    for case in with_cases:
        shown.setdefault(case.pk, case)
    for item in items:
        item.case = shown.setdefault(item.case.pk, item.case)
    case_list_log(user=user, cases=shown.values(), request=request, what=what)
    for case in with_cases:  # a case listed twice on the page (two plans) takes the first one's masking
        case.person.identity_visible = shown[case.pk].person.identity_visible


def _consent_flag_text(actor: str, *, revoked: bool, ran_out: bool) -> str:
    if revoked:
        return str(_("Samtycke för %(actor)s återkallat")) % {"actor": actor}
    if ran_out:
        return str(_("Samtycke för %(actor)s har gått ut")) % {"actor": actor}
    return str(_("Samtycke för %(actor)s saknas")) % {"actor": actor}


def todo_consent_flags(
    *, items: list[TodoItem], on: datetime.date, with_cases: Iterable[Case] = ()
) -> dict[UUID, list[str]]:
    """Flag the activity items whose responsible actor may not receive information about the young person on
    `on` (consent.selectors.sharing_decisions, the rule of the plan page's flag), and return the flags of the
    not yet done activities of current plan versions per case for the items' and `with_cases`' cases (Mina
    ärenden's rows). One query for the activities and why, at most three for the decisions, however many rows."""
    case_ids = {item.case.pk for item in items if item.kind == ACTIVITY} | {case.pk for case in with_cases}
    if not case_ids:
        return {}
    person, actor = OuterRef("version__plan__case__person_id"), OuterRef("actor_id")
    activities = list(
        Activity.objects.filter(
            version__plan__case_id__in=case_ids,
            version__superseded_at__isnull=True,
            done_on__isnull=True,  # a done activity shares nothing more
            actor__needs_consent=True,
        )
        .select_related("actor", "version__plan__case__person")
        .annotate(
            revoked=revoked_for_actor(person=person, actor=actor, on=on),
            ran_out=ran_out_for_actor(person=person, actor=actor, on=on),
        )
        .order_by("actor__sort_order", "actor__name", "pk")
    )
    decisions = sharing_decisions(pairs=[(a.version.plan.case.person, a.actor) for a in activities], on=on)
    flags: dict[UUID, list[str]] = defaultdict(list)
    by_activity: dict[int, str] = {}
    for activity in activities:
        case = activity.version.plan.case
        if decisions[(case.person_id, activity.actor_id)].allowed:
            continue
        text = _consent_flag_text(activity.actor.name, revoked=activity.revoked, ran_out=activity.ran_out)
        by_activity[activity.pk] = text
        if text not in flags[case.pk]:
            flags[case.pk].append(text)
    for item in items:
        if item.activity_id is not None:
            item.consent_flag = by_activity.get(item.activity_id, "")
    return dict(flags)


@dataclass
class TodoCounts:
    overdue: int = 0
    this_week: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def kind(self, kind: str) -> int:
        return self.by_kind.get(kind, 0)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def week_end(on: datetime.date) -> datetime.date:
    """The Sunday of the week `on` is in ("denna vecka")."""
    return on + datetime.timedelta(days=6 - on.weekday())


def _counted(rows: list[tuple], on: datetime.date) -> dict[int, TodoCounts]:
    """Per responsible user: overdue, due from today to Sunday, and the number per kind."""
    sunday = week_end(on)
    counts: dict[int, TodoCounts] = defaultdict(TodoCounts)
    for kind, due, owner_id, *_rest in rows:
        row = counts[owner_id]
        row.by_kind[kind] = row.by_kind.get(kind, 0) + 1
        if due < on:
            row.overdue += 1
        elif due <= sunday:
            row.this_week += 1
    return dict(counts)


@dataclass
class TodoOverview:
    """Planering from one read of the union: every responsible user's counts, and the rows whose slices (everyone's,
    or one user's) become items. Reading the rows once instead of counting and then listing halves the page's SQL
    (the union is most of it)."""

    counts: dict[int, TodoCounts]
    rows: list[tuple]  # COLUMNS, in ORDER
    on: datetime.date

    def items(self, *, owner_id: int | None, offset: int, limit: int) -> list[TodoItem]:
        """The items (of `owner_id`'s when given) from the `offset`th, at most `limit`: one query for their cases."""
        owner_column = COLUMNS.index("todo_owner")
        listed = self.rows if owner_id is None else [row for row in self.rows if row[owner_column] == owner_id]
        return _items(listed[offset : offset + limit], self.on)


def todo_overview(*, cases: Cases, on: datetime.date) -> TodoOverview:
    """The items of todo_list counted per responsible user, and their rows, from one query (the rows are counted
    here: a unit's few thousand, 7 500 in the largest at scale L)."""
    rows = _fetched(cases=cases, on=on, owner=None)
    return TodoOverview(counts=_counted(rows, on), rows=rows, on=on)


def unit_staff(unit_id: int) -> Q:
    """The users listed per person for a unit even with nothing to do: its active handläggare and samordnare."""
    return Q(unit_id=unit_id, is_active=True, groups__name__in=[Role.SOCIAL_WORKER, Role.COORDINATOR])


@dataclass
class CaseloadRow:
    """One handläggare or samordnare of the unit on the caseload page."""

    user: User
    open_cases: int = 0
    without_follow_up: int = 0
    todo: TodoCounts = field(default_factory=TodoCounts)


def caseload_for_manager(*, user: User, on: datetime.date) -> list[CaseloadRow]:
    """The enhetschef's own unit: per handläggare the open cases, those without a planned follow-up, and
    the to-do items of todo_list counted (overdue, due this week, per kind). Counts only, no names of young
    people, so nothing is access-logged. Empty for anyone but an enhetschef with a unit."""
    if not (user.unit_id and user.has_perm("cases.reassign_case")):
        return []
    cases = case_queryset_for_user(user).filter(unit_id=user.unit_id)
    todo = todo_overview(cases=cases, on=on).counts
    open_counts: dict[int | None, dict[str, int]] = {
        row["handler_id"]: {"n": row["n"], "without": row["without"]}
        for row in cases.filter(closed_on__isnull=True)
        .values("handler_id")
        .annotate(n=Count("pk"), without=Count("pk", filter=Q(next_follow_up_on__isnull=True)))
        .order_by()
    }
    people = (
        User.objects.filter(unit_staff(user.unit_id) | Q(pk__in=[*open_counts, *todo]))
        .distinct()
        .order_by("last_name", "first_name")
    )
    rows = []
    for person in people:
        counts = open_counts.get(person.pk, {})
        rows.append(
            CaseloadRow(
                user=person,
                open_cases=counts.get("n", 0),
                without_follow_up=counts.get("without", 0),
                todo=todo.get(person.pk, TodoCounts()),
            )
        )
    return rows
