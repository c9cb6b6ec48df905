"""The insats panel of a case (details of its insats, plans, disclosures) for the insats page and the case page."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    DateField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from cases.models import Case, Custodian, EntryKind, InsatsCode, JournalEntry
from consent.models import Actor
from consent.selectors import PersonConsentState, disclosure_list_for_case
from interventions.models import (
    Activity,
    AslanAttendance,
    AslanParticipant,
    CommunityServiceOrder,
    CommunityServiceSession,
    CommunityServiceWorkplace,
    DefectorAssessment,
    FollowUp,
    Goal,
    Mediation,
    MediationConsultation,
    MediationMeeting,
    MediationParty,
    PlanParticipant,
    PlanVersion,
    PurchasedService,
    SkkAssignment,
    VictimSupport,
)
from interventions.rules import Routing, avhopp_routing, mediation_start_problems, mediation_waiting_days
from interventions.selectors.plans import PlanState, plan_states_for_versions


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
    return plan_states_for_versions(
        plans=plans, versions={v.plan_id: v for v in versions}, on=on, consent_state=consent_state
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
    elif code == InsatsCode.MEDIATION:
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
            per_year[purchase.starts_on.year] += purchase.cost
        panel.purchases_per_year = [{"year": y, "total": t} for y, t in sorted(per_year.items())]
    panel.plans = _panel_plans(case=case, on=on, consent_state=consent_state)
    panel.disclosures = list(disclosure_list_for_case(case=case))
    return panel
