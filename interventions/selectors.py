"""Reads for insatser and plans. Cases and people are reached only through cases.selectors, which apply
the user's permissions (404 when not visible) and write the access log.

The consent flag of a plan is computed here from the current consent state (consent.selectors), so a
revocation or an expiry shows at once; the daily job only keeps a dated trace of it.

A read that a form's action needs (a case's ungdomstjänst or medling, the person of a short case) raises
ValidationError when it finds nothing, with the Swedish message the form shows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateField,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import ExtractYear, RowNumber
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.identity import age_on, search_forms
from cases.models import Case, Custodian, EntryKind, JournalEntry, Person
from cases.selectors import (
    case_counts_mine,
    case_get_for_user,
    case_list_log,
    case_list_mine,
    case_queryset_for_user,
    person_find_by_id_number,
)
from consent.models import Actor
from consent.selectors import PersonConsentState, disclosure_list_for_case, sharing_decisions
from core.access_log import Seen, access_log_record
from core.models import AccessAction, User
from interventions.models import (
    Activity,
    AreaEffort,
    AslanAttendance,
    AslanGroup,
    AslanParticipant,
    CommunityServiceOrder,
    CommunityServiceSession,
    CommunityServiceWorkplace,
    DefectorAssessment,
    FieldShift,
    FollowUp,
    Goal,
    GoalAttainment,
    Mediation,
    MediationConsultation,
    MediationMeeting,
    MediationParty,
    MediationStatus,
    MeetingKind,
    PartyRole,
    Plan,
    PlanParticipant,
    PlanVersion,
    Polare,
    PolareFeeRate,
    PolareNight,
    PurchasedService,
    Reoffence,
    SkkAssignment,
    ThreatLevel,
    VictimSupport,
)
from interventions.todo import TodoItem, todo_list, todo_log

# ---------------------------------------------------------------- routing and fees (pure rules)

MEDIATION_MIN_AGE = 12

ROUTE_SIG = "sig"
ROUTE_FENIX = "fenix"
ROUTE_ADULT = "vuxen"
ROUTE_NONE = ""


@dataclass(frozen=True)
class Routing:
    code: str
    text: str


def avhopp_routing(*, age: int, motivated: bool, threat_level: str) -> Routing:
    """Routing suggestion for an avhoppare (docs/domain.md "Insatser"): 21+ → avdelning vuxen; under 21 with a serious
    (konkret) threat → Fenix; 16+ motivated without a serious threat → SIG; otherwise no suggestion."""
    serious = threat_level == ThreatLevel.CONCRETE
    if age >= 21:
        return Routing(ROUTE_ADULT, _("Avdelning vuxen (21 år eller äldre)."))
    if serious:
        return Routing(ROUTE_FENIX, _("Fenix (under 21 år med allvarlig hotbild)."))
    if age >= 16 and motivated:
        return Routing(
            ROUTE_SIG, _("Sociala insatsgrupper, SIG (16 år eller äldre, motiverad, ingen allvarlig hotbild).")
        )
    if not motivated:
        return Routing(
            ROUTE_NONE, _("Inget förslag: ungdomen bedöms inte som motiverad. Arbeta vidare med motivationen.")
        )
    return Routing(ROUTE_NONE, _("Inget förslag: under 16 år utan allvarlig hotbild. Bedöm inom barn och unga."))


def years_between(start: datetime.date, end: datetime.date) -> int:
    return max(age_on(start, end), 0)


def polare_fee_for(*, polare: Polare, on: datetime.date) -> Decimal | None:
    """Fee per night from the fee table: the band covering the polare's age with the most years of service
    the polare has reached. None when no band covers the age."""
    age = years_between(polare.birth_date, on)
    service = years_between(polare.service_started_on, on)
    rate = (
        PolareFeeRate.objects.filter(min_age__lte=age, max_age__gte=age, min_years_of_service__lte=service)
        .order_by("-min_years_of_service")
        .first()
    )
    return rate.fee_per_night if rate else None


# ---------------------------------------------------------------- case access


def case_for_insats(*, user: User, case_id: UUID, request: HttpRequest | None, what: str) -> Case:
    """A case the user may see (else 404), logged once, with custodians loaded for consent and plans."""
    case = case_get_for_user(user=user, case_id=case_id, request=request, what=what)
    # custodians drive consent and agreements; loading them once keeps later queries constant
    prefetch_related_objects([case.person], "custodians")
    return case


def case_for_print(*, user: User, case_id: UUID, request: HttpRequest | None, what: str) -> Case:
    """A case the user may see (else 404) for a PDF: the print is access-logged as PRINT."""
    case = case_get_for_user(user=user, case_id=case_id, request=request, log=False)
    prefetch_related_objects([case.person], "custodians")
    access_log_record(
        user=user,
        request=request,
        action=AccessAction.PRINT,
        what=what,
        seen=[
            Seen(
                person_id=case.person.pk,
                case_id=case.pk,
                protected_identity=case.person.is_protected and case.person.identity_visible,
            )
        ],
    )
    return case


def plan_get_for_user(
    *, user: User, plan_id: UUID, request: HttpRequest | None, what: str = "plan", printing: bool = False
) -> Plan:
    """A plan whose case the user may see (else 404); the view (or print) is access-logged."""
    plan = Plan.objects.select_related("coordinator").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    fetch = case_for_print if printing else case_for_insats
    plan.case = fetch(user=user, case_id=plan.case_id, request=request, what=what)
    return plan


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


def _actors_needing_consent(version: PlanVersion) -> list[Actor]:
    actors = {p.actor_id: p.actor for p in version.participants.all()}
    actors.update({a.actor_id: a.actor for a in version.activities.all()})
    return [actor for actor in actors.values() if actor.needs_consent]


def plan_states(
    *, plans: list[Plan], on: datetime.date, consent_state: PersonConsentState | None = None
) -> list[PlanState]:
    """Current version and live consent problems for each plan (constant number of queries).

    Plans must come with `case__person` loaded. A plan is flagged when an actor in it (participant or
    responsible for an activity) needs consent and sharing_decision does not allow it on `on`.
    `consent_state` (consent.selectors.person_consent_state of the plans' one person on `on`) decides
    without further queries when the caller already has it (the case page).
    """
    versions = {v.plan_id: v for v in _version_queryset().filter(plan__in=plans, superseded_at__isnull=True)}
    return _plan_states(plans=plans, versions=versions, on=on, consent_state=consent_state)


def _plan_states(
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
        pairs = []
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
        if hasattr(version, "next_open_follow_up"):  # loaded by _panel_plans
            state.next_follow_up = version.next_open_follow_up
        else:
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


def _set_prefetched(instance, name: str, objects: list) -> None:
    """Fill `instance.<name>.all()` with rows already loaded, as prefetch_related does."""
    rows = getattr(instance, name).all()
    rows._result_cache, rows._prefetch_done = objects, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = rows


_SLOT_KINDS = {
    "CharField": "text",
    "TextField": "text",
    "SlugField": "text",
    "EmailField": "text",
    "AutoField": "int",
    "BigAutoField": "int",
    "SmallAutoField": "int",
    "IntegerField": "int",
    "BigIntegerField": "int",
    "SmallIntegerField": "int",
    "PositiveIntegerField": "int",
    "PositiveSmallIntegerField": "int",
    "PositiveBigIntegerField": "int",
}


@dataclass
class _Children:
    """One relation for _prefetch_together: `queryset` holds the rows for the parents, `parent` is the
    attname of their foreign key to the parent, `related` foreign keys loaded with each row (like
    select_related) and `item` the related object kept instead of the row (many-to-many through rows)."""

    name: str
    queryset: QuerySet
    parent: str
    related: tuple[str, ...] = ()
    item: str | None = None
    ordering: tuple[str, ...] | None = None  # default: the model's Meta ordering


def _slot_kind(model_field) -> str:
    target = model_field.target_field if model_field.is_relation else model_field
    kind = target.get_internal_type()
    return _SLOT_KINDS.get(kind, kind)


def _prefetch_together(parents: list, relations: list[_Children]) -> None:
    """prefetch_related of several relations of the same parents in one query (UNION ALL) instead of one
    query each. Every row comes with all its fields; columns of the same kind share a slot, the others are
    NULL; each row's position in its relation's ordering is computed in the database (ROW_NUMBER), so the
    order (collation included) is the one prefetch_related gives."""
    if not parents:
        return
    branches = []
    slots: dict[tuple[str, int], object] = {}
    for relation in relations:
        model = relation.queryset.model
        columns = [(field.attname, field, None) for field in model._meta.concrete_fields]
        for name in relation.related:
            related_model = model._meta.get_field(name).related_model
            columns += [(f"{name}__{field.name}", field, name) for field in related_model._meta.concrete_fields]
        used: dict[str, int] = defaultdict(int)
        placed = []
        for path, model_field, owner in columns:
            kind = _slot_kind(model_field)
            slot = (kind, used[kind])
            used[kind] += 1
            slots.setdefault(slot, model_field)
            placed.append((slot, path, model_field, owner))
        branches.append((relation, placed))
    order = sorted(slots)
    querysets = []
    for number, (relation, placed) in enumerate(branches):
        by_slot = {slot: path for slot, path, _field, _owner in placed}
        ordering = relation.ordering or relation.queryset.model._meta.ordering or ("pk",)
        rank = Window(RowNumber(), order_by=[*ordering, "pk"])
        values = [by_slot.get(slot, Value(None, output_field=slots[slot])) for slot in order]
        querysets.append(relation.queryset.order_by().values_list(Value(number), rank, *values))
    rows = querysets[0].union(*querysets[1:], all=True) if len(querysets) > 1 else querysets[0]
    position = {slot: index for index, slot in enumerate(order)}
    db = querysets[0].db
    loaded: dict[tuple[int, object], list] = defaultdict(list)
    for row in rows:
        number, rank, values = row[0], row[1], row[2:]
        relation, placed = branches[number]
        own, related = [], defaultdict(list)
        for slot, _path, model_field, owner in placed:
            (own if owner is None else related[owner]).append((model_field, values[position[slot]]))
        model = relation.queryset.model
        child = model.from_db(db, [f.attname for f, _v in own], [v for _f, v in own])
        for name, fields in related.items():
            related_model = model._meta.get_field(name).related_model
            target = None
            if getattr(child, model._meta.get_field(name).attname) is not None:
                target = related_model.from_db(db, [f.attname for f, _v in fields], [v for _f, v in fields])
            setattr(child, name, target)
        loaded[(number, getattr(child, relation.parent))].append((rank, child))
    for parent in parents:
        for number, (relation, _placed) in enumerate(branches):
            children = [child for _rank, child in sorted(loaded[(number, parent.pk)], key=lambda pair: pair[0])]
            if relation.item:
                children = [getattr(child, relation.item) for child in children]
            _set_prefetched(parent, relation.name, children)


def _panel_plans(*, case: Case, on: datetime.date, consent_state: PersonConsentState | None) -> list[PlanState]:
    """plan_states of a case's plans with only what the case page's plan summary shows, in two queries
    whatever the plans hold: the current versions with plan, coordinator and next open follow-up (subqueries); then the
    versions' participants, activities and goals together (UNION ALL), each with the fields the summary
    and the consent check read (other fields are deferred: reading them loads them)."""
    next_open = FollowUp.objects.filter(version=OuterRef("pk"), held_on__isnull=True).order_by("due_on", "id")
    versions = list(
        PlanVersion.objects.filter(plan__case=case, superseded_at__isnull=True)
        .select_related("plan__coordinator")
        .annotate(
            next_follow_up_id=Subquery(next_open.values("id")[:1]),
            next_follow_up_due_on=Subquery(next_open.values("due_on")[:1]),
        )
        .order_by("-plan__created_at", "plan_id")
    )
    if not versions:
        return []
    ids = [version.pk for version in versions]
    actor_columns = ("actor_id", "actor__code", "actor__name", "actor__needs_consent", "actor__sort_order")
    participants = PlanParticipant.objects.filter(version_id__in=ids).order_by()
    activities = Activity.objects.filter(version_id__in=ids).order_by()
    goals = Goal.objects.filter(version_id__in=ids).order_by()
    no_date = Value(None, output_field=DateField())
    rows = activities.values_list(Value("a"), "version_id", "id", "due_on", *actor_columns).union(
        participants.values_list(Value("p"), "version_id", "id", no_date, *actor_columns),
        # goals have no actor: the slots carry the position (for the order) and placeholders
        goals.values_list(
            Value("g"), "version_id", "id", no_date, "position", Value(""), Value(""), Value(False), Value(0)
        ),
        all=True,
    )
    loaded: dict[tuple[str, int], list] = defaultdict(list)
    db = PlanVersion.objects.db
    for kind, version_id, row_id, due_on, number, code, name, needs_consent, sort_order in rows:
        if kind == "g":
            loaded[("g", version_id)].append(
                Goal.from_db(db, ["id", "version_id", "position"], [row_id, version_id, number])
            )
            continue
        actor = Actor.from_db(
            db, ["id", "code", "name", "needs_consent", "sort_order"], [number, code, name, needs_consent, sort_order]
        )
        model = PlanParticipant if kind == "p" else Activity
        row = model.from_db(db, ["id", "version_id", "actor_id"], [row_id, version_id, number])
        row.sort_key = (due_on is None, due_on or datetime.date.min, row_id)  # Activity order: due_on (nulls last), id
        row.actor = actor
        loaded[(kind, version_id)].append(row)
    plans = []
    for version in versions:
        version.plan.case = case
        plans.append(version.plan)
        _set_prefetched(version, "goals", sorted(loaded[("g", version.pk)], key=lambda goal: (goal.position, goal.pk)))
        _set_prefetched(
            version, "participants", sorted(loaded[("p", version.pk)], key=lambda p: (p.actor.sort_order, p.pk))
        )
        _set_prefetched(
            version, "activities", sorted(loaded[("a", version.pk)], key=lambda activity: activity.sort_key)
        )
        version.next_open_follow_up = (
            FollowUp.from_db(
                db,
                ["id", "version_id", "due_on", "held_on"],
                [version.next_follow_up_id, version.pk, version.next_follow_up_due_on, None],
            )
            if version.next_follow_up_id is not None
            else None
        )
    return _plan_states(plans=plans, versions={v.plan_id: v for v in versions}, on=on, consent_state=consent_state)


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


# ---------------------------------------------------------------- Mina ärenden

HOME_PAGE_SIZE = 25
HOME_TODO_LIMIT = 50


class KnownCountPaginator(Paginator):
    """A paginator told the total it would otherwise COUNT(*) for (Mina ärenden sums its per-insats counts)."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count  # fills Paginator.count (a cached_property)


@dataclass
class MyCases:
    """Mina ärenden: one page of the user's open cases (each with `days_open`), their number per insats and
    the user's to-do list (at most HOME_TODO_LIMIT items; `todo_more` when there are more)."""

    page: Page
    cases: list[Case]
    counts: list[dict]
    todo: list[TodoItem]
    todo_more: bool

    @property
    def total(self) -> int:
        return self.page.paginator.count


def my_cases_for_user(
    *, user: User, on: datetime.date, order: str, descending: bool, page_number, request: HttpRequest | None
) -> MyCases:
    """The user's own open cases (cases.selectors.case_list_mine, sorted by `order`) and to-do list
    (interventions.todo, as on Planering's "mina"); the rows shown of both are access-logged in one write."""
    counts = case_counts_mine(user=user)
    mine = case_list_mine(user=user, order=order, descending=descending)
    paginator = KnownCountPaginator(mine, HOME_PAGE_SIZE, count=sum(row["count"] for row in counts))
    page = paginator.get_page(page_number)
    cases = list(page.object_list)
    items = todo_list(cases=case_queryset_for_user(user), on=on, owner=user, limit=HOME_TODO_LIMIT + 1)
    shown = items[:HOME_TODO_LIMIT]
    todo_log(user=user, items=shown, request=request, what="home", with_cases=cases)
    for case in cases:
        case.days_open = (on - case.opened_on).days
    return MyCases(page=page, cases=cases, counts=counts, todo=shown, todo_more=len(items) > HOME_TODO_LIMIT)


# ---------------------------------------------------------------- medling


def mediation_start_problems(mediation: Mediation, on: datetime.date) -> list[str]:
    """What still stops the mediation from starting (§ 5), in Swedish; empty when it may start."""
    problems = []
    if not mediation.checks_recorded_on:
        problems.append(_("Kontrollerna enligt 5 § är inte registrerade."))
    if not mediation.offender_volunteers:
        problems.append(_("Gärningspersonen har inte bekräftat att hen deltar frivilligt."))
    if not mediation.victim_volunteers:
        problems.append(_("Brottsoffret har inte bekräftat att hen deltar frivilligt."))
    if not mediation.reported_to_police:
        problems.append(_("Brottet är inte anmält till polisen."))
    if not mediation.offender_admitted:
        problems.append(_("Gärningspersonen har inte erkänt gärningen."))
    if not mediation.suitability_assessed:
        problems.append(_("Lämpligheten är inte bedömd."))
    if mediation.case.person.age_on(on) < MEDIATION_MIN_AGE and not mediation.under_12_reason:
        problems.append(_("Gärningspersonen är under 12 år: medling kräver synnerliga skäl, som måste anges."))
    if not any(party.role == PartyRole.VICTIM for party in mediation.parties.all()):
        problems.append(_("Brottsoffret är inte registrerat som part."))
    if mediation.mediator_id is None:
        problems.append(_("Ingen medlare är utsedd."))
    return problems


def mediation_waiting_days(*, mediation: Mediation, opened_on: datetime.date, on: datetime.date) -> int | None:
    """Days the mediation has waited, when it has waited longer than MEDIATION_REMINDER_DAYS without a
    mediation meeting (lag 2002:445 § 6: skyndsamt); else None."""
    if mediation.status == MediationStatus.ENDED:
        return None
    held = any(m.kind == MeetingKind.MEDIATION for m in mediation.meetings.all())
    days = (on - opened_on).days
    if not held and days > settings.MEDIATION_REMINDER_DAYS:
        return days
    return None


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
    if code == "ungdomstjanst":
        panel.community_service = CommunityServiceOrder.objects.filter(case=case).first()
        if panel.community_service:
            order = panel.community_service
            _prefetch_together(
                [order],
                [
                    _Children("workplaces", CommunityServiceWorkplace.objects.filter(order=order), "order_id"),
                    _Children(
                        "sessions", CommunityServiceSession.objects.filter(order=order), "order_id", ("workplace",)
                    ),
                ],
            )
            panel.performed_hours = sum((s.hours for s in panel.community_service.sessions.all()), Decimal("0"))
    elif code == "medling":
        panel.mediation = Mediation.objects.filter(case=case).select_related("mediator").first()
        if panel.mediation:
            mediation = panel.mediation
            _prefetch_together(
                [mediation],
                [
                    _Children("parties", MediationParty.objects.filter(mediation=mediation), "mediation_id"),
                    _Children(
                        "consultations", MediationConsultation.objects.filter(mediation=mediation), "mediation_id"
                    ),
                    _Children("meetings", MediationMeeting.objects.filter(mediation=mediation), "mediation_id"),
                ],
            )
            panel.mediation.case = case
            panel.mediation_waiting = mediation_waiting_days(mediation=panel.mediation, opened_on=case.opened_on, on=on)
            if not panel.mediation.started_on:
                panel.mediation_problems = mediation_start_problems(panel.mediation, on)
        elif case.is_open and (on - case.opened_on).days > settings.MEDIATION_REMINDER_DAYS:
            panel.mediation_waiting = (on - case.opened_on).days
    elif code == "stod_brottsutsatta":
        panel.victim_support = VictimSupport.objects.filter(case=case).first()
        contact_kinds = [EntryKind.CONVERSATION, EntryKind.PHONE, EntryKind.MEETING, EntryKind.HOME_VISIT]
        if journal_entries is not None:
            panel.contacts = sum(1 for entry in journal_entries if entry.kind in contact_kinds)
        else:
            panel.contacts = JournalEntry.objects.filter(case=case, kind__in=contact_kinds).count()
    elif code == "skk":
        panel.skk = SkkAssignment.objects.filter(case=case).first()
    elif code == "aslan":
        panel.aslan = list(AslanParticipant.objects.filter(case=case).select_related("group"))
        ids = [participant.pk for participant in panel.aslan]
        through = AslanParticipant.parents.through
        _prefetch_together(
            panel.aslan,
            [
                _Children(
                    "parents",
                    through.objects.filter(aslanparticipant_id__in=ids),
                    "aslanparticipant_id",
                    ("custodian",),
                    item="custodian",
                    ordering=tuple(f"custodian__{field}" for field in Custodian._meta.ordering),
                ),
                _Children(
                    "attendance",
                    AslanAttendance.objects.filter(participant_id__in=ids),
                    "participant_id",
                    ("meeting",),
                ),
            ],
        )
    elif code == "avhopp":
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
            per_year[purchase.starts_on.year] += purchase.cost
        panel.purchases_per_year = [{"year": y, "total": t} for y, t in sorted(per_year.items())]
    panel.plans = _panel_plans(case=case, on=on, consent_state=consent_state)
    panel.disclosures = list(disclosure_list_for_case(case=case))
    return panel


def community_service_order_for_case(*, case: Case) -> CommunityServiceOrder:
    """The ungdomstjänst of a case already fetched through case_for_insats; ValidationError while the
    judgment is not registered (workplaces, hours and the end need it)."""
    order = CommunityServiceOrder.objects.filter(case=case).first()
    if order is None:
        raise ValidationError(_("Registrera först domen/beslutet om ungdomstjänst."))
    order.case = case
    return order


def mediation_for_case(*, case: Case) -> Mediation:
    """The medling of a case already fetched through case_for_insats; ValidationError while its details
    are not registered (parties, checks, start, meetings and the end need them)."""
    mediation = Mediation.objects.filter(case=case).first()
    if mediation is None:
        raise ValidationError(_("Registrera först uppgifterna om medlingen."))
    mediation.case = case
    return mediation


def reoffences_for_case(*, case: Case) -> list[Reoffence]:
    """Återfall recorded on a case already fetched through case_for_insats, with who recorded them."""
    return list(Reoffence.objects.filter(case=case).select_related("recorded_by"))


# ---------------------------------------------------------------- unit-level lists


def purchased_costs_per_year(*, user: User) -> list[dict]:
    """Avhopp: purchased insatser summed per year over the cases the user may see (aggregated in SQL)."""
    return list(
        PurchasedService.objects.filter(case__in=case_queryset_for_user(user))
        .annotate(year=ExtractYear("starts_on"))
        .values("year")
        .annotate(total=Sum("cost"), services=Count("id"), cases=Count("case", distinct=True))
        .order_by("-year")
    )


def aslan_groups_for_user(*, user: User) -> QuerySet[AslanGroup]:
    """ASLAN groups of the user's unit, with participant counts."""
    if not user.has_perm("cases.view_case"):
        return AslanGroup.objects.none()
    return AslanGroup.objects.filter(unit_id=user.unit_id).annotate(
        participant_count=Count("participants", distinct=True), meeting_count=Count("meetings", distinct=True)
    )


def aslan_group_get_for_user(*, user: User, group_id: int, request: HttpRequest | None) -> AslanGroup:
    """One ASLAN group of the user's unit (else 404); the children listed, in the group and in its add form
    (aslan_cases_available), are access-logged as one list."""
    group = aslan_groups_for_user(user=user).filter(pk=group_id).first()
    if group is None:
        raise Http404
    participants = list(
        AslanParticipant.objects.filter(group=group, case__in=case_queryset_for_user(user))
        .select_related("case__person", "case__insats_type")
        .prefetch_related("parents")
    )
    available = list(aslan_cases_available(user=user, group=group))
    case_list_log(user=user, cases=[p.case for p in participants] + available, request=request, what="aslan_group")
    group.visible_participants = participants
    group.meeting_list = list(group.meetings.prefetch_related("attendance").order_by("held_on"))
    return group


def aslan_cases_available(*, user: User, group: AslanGroup) -> QuerySet[Case]:
    """Open ASLAN cases of the group's unit not yet in the group (for the add form; names shown masked)."""
    return (
        case_queryset_for_user(user)
        .filter(insats_type__code="aslan", unit_id=group.unit_id, closed_on__isnull=True)
        .exclude(Exists(AslanParticipant.objects.filter(group=group, case_id=OuterRef("pk"))))
        .select_related("person")
    )


def aslan_parents_for(*, case: Case) -> list[Custodian]:
    """The custodians of a child joining an ASLAN group (a case from aslan_cases_available): they join as
    its parents."""
    return list(case.person.custodians.all())


def field_shifts_for_user(*, user: User, since: datetime.date | None = None) -> QuerySet[FieldShift]:
    """Field shifts of the user's unit (no personal data about youths)."""
    if not user.has_perm("interventions.view_fieldshift"):
        return FieldShift.objects.none()
    rows = FieldShift.objects.filter(unit_id=user.unit_id).select_related("district").prefetch_related("staff")
    if since:
        rows = rows.filter(worked_on__gte=since)
    return rows


def field_totals(*, user: User, year: int) -> dict:
    return (
        field_shifts_for_user(user=user)
        .filter(worked_on__year=year)
        .aggregate(shifts=Count("id"), met=Sum("youths_met"), talked=Sum("youths_talked"))
    )


def polare_roster_for_user(*, user: User) -> QuerySet[Polare]:
    """Polare of the user's unit with nights and fees summed (in SQL)."""
    if not user.has_perm("interventions.view_polare"):
        return Polare.objects.none()
    return (
        Polare.objects.filter(unit_id=user.unit_id)
        .annotate(nights_count=Count("nights"), fees_total=Sum("nights__fee"))
        .order_by("-active", "name")
    )


def polare_nights_for_user(*, user: User, since: datetime.date):
    return PolareNight.objects.filter(
        polare__in=polare_roster_for_user(user=user), worked_on__gte=since
    ).select_related("polare")


def area_efforts_for_user(*, user: User) -> QuerySet[AreaEffort]:
    if not user.has_perm("interventions.view_areaeffort"):
        return AreaEffort.objects.none()
    return AreaEffort.objects.filter(unit_id=user.unit_id).select_related("district").prefetch_related("extensions")


def short_case_person(*, user: User, number: str) -> Person:
    """The registered young person a short support case is for: visible to the user and found by any common
    form of the number; else a ValidationError on the form's field (the same whether it exists or not)."""
    normalised = search_forms(number)
    person = normalised and person_find_by_id_number(user=user, id_number=normalised)
    if not person:
        raise ValidationError(
            {"existing_number": _("Ingen ungdom med det numret finns bland dem du har tillgång till.")}
        )
    return person


def plans_flag_scan(*, on: datetime.date) -> tuple[set, set]:
    """For the daily job: ids of all plans on open cases and of those lacking needed consent today."""
    plans = list(Plan.objects.filter(case__closed_on__isnull=True).select_related("case__person"))
    states = plan_states(plans=plans, on=on)
    return {s.plan.pk for s in states if s.flagged}, {p.pk for p in plans}


# ---------------------------------------------------------------- one recorded row, for correction


def session_get(*, case: Case, session_id: int) -> CommunityServiceSession:
    """An occasion of the ungdomstjänst of a case already fetched through case_for_insats (else 404)."""
    row = CommunityServiceSession.objects.select_related("order", "workplace").filter(order__case=case, pk=session_id)
    session = row.first()
    if session is None:
        raise Http404
    session.order.case = case
    return session


def purchase_get(*, case: Case, purchase_id: int) -> PurchasedService:
    """A purchased insats of a case already fetched through case_for_insats (else 404)."""
    purchase = PurchasedService.objects.filter(case=case, pk=purchase_id).first()
    if purchase is None:
        raise Http404
    purchase.case = case
    return purchase


def field_shift_get_for_user(*, user: User, shift_id: int) -> FieldShift:
    """A field shift of the user's unit (else 404)."""
    shift = field_shifts_for_user(user=user).filter(pk=shift_id).first()
    if shift is None:
        raise Http404
    return shift


def polare_night_get_for_user(*, user: User, night_id: int) -> PolareNight:
    """A night on the roster of a polare of the user's unit (else 404)."""
    if not user.has_perm("interventions.view_polare"):
        raise Http404
    night = PolareNight.objects.select_related("polare").filter(polare__unit_id=user.unit_id, pk=night_id).first()
    if night is None:
        raise Http404
    return night


def area_effort_get_for_user(*, user: User, effort_id: int) -> AreaEffort:
    """An områdesinsats of the user's unit (else 404)."""
    effort = area_efforts_for_user(user=user).filter(pk=effort_id).first()
    if effort is None:
        raise Http404
    return effort
