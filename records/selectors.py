"""Reads for loggkontroll, change history and access grants. Permission rules are in each docstring.

Loggkontroll scope (enhetschef with core.view_accesslog): rows written by staff of the manager's unit,
and rows about people registered by the unit or with a case in the unit — so the manager sees both what
their staff opened and who opened their unit's people. Names shown on these pages go through
cases.selectors (masking skyddad identitet) and are themselves access-logged.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeAlias, TypedDict, TypeVar
from uuid import UUID

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from cases.models import Case, CaseUserObjectPermission, Person, PersonUserObjectPermission, SearchName
from cases.selectors import (
    case_get_for_user,
    case_queryset_for_user,
    mark_identity_visibility,
    person_get_for_user,
    person_queryset_for_user,
)
from core.access_log import Seen, access_log_record
from core.history import history_rows
from core.models import AccessAction, AccessGrantEvent, AccessLog, ChangeLog, User
from records.extract import RegisterExtract, person_extract_sections
from records.models import RetentionItem, RetentionRule, RetentionRun

PAGE_SIZE = 50  # loggkontroll rows per page
DEFAULT_DAYS = 30  # loggkontroll without a person or period: the last month
CSV_EXPORT_MAX_ROWS = 100_000
HISTORY_PAGE_ROWS = 500  # change-history page: the newest rows
EXTRACT_ACCESS_LOG_ROWS = 5000  # registerutdrag: the newest reads
# Registerutdrag leaves out the guardian permission rows (who may see the file is in its grant events)
# Technical rows: per-case grants (shown as behörighetsändringar) and the name-search index (a copy of the name).
EXTRACT_SKIPPED = (CaseUserObjectPermission, PersonUserObjectPermission, SearchName)
# What reading a person's log (loggutdrag) is recorded as, per output
PERSON_LOG_ACTIONS = {"html": AccessAction.VIEW, "csv": AccessAction.EXPORT, "pdf": AccessAction.PRINT}


def access_manager_check(*, actor: User, unit_id: int | None) -> bool:
    """Whether the actor is an enhetschef allowed to manage access for records of this unit."""
    return (
        actor.is_active
        and actor.has_perm("core.manage_access")
        and actor.unit_id is not None
        and actor.unit_id == unit_id
    )


def _seen(person: Person) -> list[Seen]:
    return [Seen(person_id=person.pk, protected_identity=person.is_protected and person.identity_visible)]


def _visible_case_ids(user: User, person: Person) -> list[UUID]:
    return list(case_queryset_for_user(user).filter(person=person).values_list("pk", flat=True))


def burst_limit() -> int:
    """More distinct people than this within one hour flags a user's access (setting LOGGKONTROLL_BURST_LIMIT)."""
    return getattr(settings, "LOGGKONTROLL_BURST_LIMIT", 30)


def accesslog_queryset_for_user(user: User) -> QuerySet[AccessLog]:
    """Access-log rows the user may review: enhetschef (core.view_accesslog), scoped to their unit."""
    if not user.is_authenticated or not user.is_active or not user.has_perm("core.view_accesslog"):
        return AccessLog.objects.none()
    if user.is_superuser:
        return AccessLog.objects.all()
    if user.unit_id is None:
        return AccessLog.objects.none()
    unit_people = Person.objects.filter(unit_id=user.unit_id).values("pk")
    unit_case_people = Case.objects.filter(unit_id=user.unit_id).values("person_id")
    return AccessLog.objects.filter(
        Q(unit_id=user.unit_id) | Q(person_id__in=unit_people) | Q(person_id__in=unit_case_people)
    )


# Reads that open a record. Rows merely listed on a list page or found in a search, and the enhetschef's own
# review (loggkontroll, loggutdrag, registerutdrag), are not what the flags look for: they are never flagged
# and do not count towards a burst.
OPENING_ACTIONS = [AccessAction.VIEW, AccessAction.CHANGE, AccessAction.PRINT, AccessAction.EXPORT, AccessAction.API]
REVIEW_WHATS = ["loggkontroll", "loggkontroll_csv"]
REVIEW_PREFIXES = ["loggutdrag_", "registerutdrag_"]


def _opening() -> Q:
    """The rows the flags apply to: a record opened, not a list, a search or the manager's own review."""
    review = Q(what__in=REVIEW_WHATS)
    for prefix in REVIEW_PREFIXES:
        review |= Q(what__startswith=prefix)
    return Q(action__in=OPENING_ACTIONS) & ~review


class AccessFlags(TypedDict):
    """The columns accesslog_with_flags adds to each row."""

    outside_caseload: bool
    outside_unit: bool
    protected_flag: bool
    people_in_hour: int
    burst: bool


# A string: at run time Python 3.11's Annotated does not take WithAnnotations' second argument.
FlaggedAccessLog: TypeAlias = "WithAnnotations[AccessLog, AccessFlags]"
# A log row, flagged or not: the filters and the display work on both.
RowT = TypeVar("RowT", bound=AccessLog)


def accesslog_with_flags(rows: QuerySet[AccessLog], *, limit: int | None = None) -> QuerySet[FlaggedAccessLog]:
    """Annotate the rules that flag unusual access (computed in the database), on rows that open a record
    (see OPENING_ACTIONS):

    - outside_caseload: the user handles none of the person's cases;
    - outside_unit: the person is neither registered by nor has a case in the user's unit (at the time);
    - burst: distinct people the same user opened in the hour up to this row (flag when above the limit);
    - protected_flag: a skyddad identitet was shown unmasked (stored as protected_identity).
    """
    limit = burst_limit() if limit is None else limit
    opening = _opening()
    handled = Case.objects.filter(person_id=OuterRef("person_id"), handler_id=OuterRef("user_id"))
    unit_person = Person.objects.filter(pk=OuterRef("person_id"), unit_id=OuterRef("unit_id"))
    unit_case = Case.objects.filter(person_id=OuterRef("person_id"), unit_id=OuterRef("unit_id"))
    window = (
        AccessLog.objects.filter(
            opening,
            user_id=OuterRef("user_id"),
            at__lte=OuterRef("at"),
            at__gt=ExpressionWrapper(OuterRef("at") - datetime.timedelta(hours=1), output_field=DateTimeField()),
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("person_id", distinct=True))
        .values("n")
    )
    return rows.annotate(
        outside_caseload=ExpressionWrapper(opening & ~Exists(handled), output_field=BooleanField()),
        outside_unit=ExpressionWrapper(
            opening & ~Exists(unit_person) & ~Exists(unit_case), output_field=BooleanField()
        ),
        protected_flag=ExpressionWrapper(opening & Q(protected_identity=True), output_field=BooleanField()),
        people_in_hour=Coalesce(Subquery(window, output_field=IntegerField()), Value(0)),
    ).annotate(
        burst=ExpressionWrapper(opening & Q(people_in_hour__gt=limit), output_field=BooleanField()),
    )


def accesslog_filter(
    rows: QuerySet[RowT],
    *,
    user_id: int | None = None,
    person_id: UUID | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    flagged_only: bool = False,
) -> QuerySet[RowT]:
    """Narrow an (annotated) access-log queryset by reader, person, period and flags."""
    if user_id:
        rows = rows.filter(user_id=user_id)
    if person_id:
        rows = rows.filter(person_id=person_id)
    if since:
        rows = rows.filter(at__gte=_day_start(since))
    if until:
        rows = rows.filter(at__lt=_day_start(until + datetime.timedelta(days=1)))
    if flagged_only:
        rows = rows.filter(Q(outside_caseload=True) | Q(outside_unit=True) | Q(burst=True) | Q(protected_flag=True))
    return rows


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def accesslog_sample(rows: QuerySet[AccessLog], *, size: int) -> list[AccessLog]:
    """A random sample for the regular spot check (stickprov), drawn in the database."""
    return list(rows.select_related("user", "unit").order_by("?")[:size])


@dataclass
class ShownRow(Generic[RowT]):
    """One access-log row prepared for display: the person's name only where the viewer may see it."""

    row: RowT
    person: Person | None  # None when the viewer may not see the person (or the person is gallrad)

    @property
    def person_label(self) -> str:
        if self.person is None:
            return f"#{str(self.row.person_id)[:8]}"
        return str(self.person.display_name)


def _people_shown(*, viewer: User, person_ids) -> dict[UUID, Person]:
    """The people (ids, or a subquery of ids) the viewer may see, with identity visibility marked."""
    return {
        person.pk: person
        for person in mark_identity_visibility(
            viewer,
            person_queryset_for_user(viewer)
            .filter(pk__in=person_ids)
            .only("id", "first_name", "last_name", "protection", "id_number", "id_kind", "birth_date"),
        )
    }


def accesslog_rows_show(
    *, viewer: User, rows: list[RowT], request: HttpRequest | None, action: AccessAction, what: str
) -> list[ShownRow[RowT]]:
    """Attach people (visible to the viewer, masked as needed) to log rows and access-log the names shown."""
    people = _people_shown(viewer=viewer, person_ids={row.person_id for row in rows})
    access_log_record(
        user=viewer,
        request=request,
        action=action,
        what=what,
        seen=[
            Seen(person_id=person.pk, protected_identity=person.is_protected and person.identity_visible)
            for person in people.values()
        ],
    )
    return [ShownRow(row=row, person=people.get(row.person_id)) for row in rows]


def accesslog_staff_choices(user: User) -> QuerySet[User]:
    """Readers the manager can filter on: staff of their unit and the staff their unit shared access with.

    (Not every reader in the log: collecting those would scan the whole log. Anyone else who read one of the
    unit's people shows up when filtering by that person.)"""
    if user.unit_id is None:
        return User.objects.none()
    grantees = AccessGrantEvent.objects.filter(actor__unit_id=user.unit_id).values("grantee_id")
    return (
        User.objects.filter(Q(unit_id=user.unit_id) | Q(pk__in=grantees))
        .select_related("unit")
        .order_by("last_name", "first_name")
    )


def accesslog_for_person(*, person: Person) -> QuerySet[AccessLog]:
    """Everything in the access log about one person (registerutdrag / the person's own extract).

    The caller has fetched the person through cases.selectors.person_get_for_user (visibility, logging).
    """
    return AccessLog.objects.filter(person_id=person.pk).select_related("user", "unit").order_by("-at", "-id")


def change_history_for_person(*, person: Person) -> QuerySet[ChangeLog]:
    """Change history of a person and their cases (caller fetched the person through cases.selectors)."""
    return ChangeLog.objects.filter(person_id=person.pk).select_related("actor").order_by("-at", "-id")


def change_history_for_case(*, case: Case) -> QuerySet[ChangeLog]:
    """Change history of one case and its records (caller fetched the case through cases.selectors)."""
    return ChangeLog.objects.filter(case_id=case.pk).select_related("actor").order_by("-at", "-id")


def grant_events_for_case(*, case: Case) -> QuerySet[AccessGrantEvent]:
    return AccessGrantEvent.objects.filter(case_id=case.pk).select_related("grantee", "actor", "grantee__unit")


def grant_events_for_person(*, person: Person) -> QuerySet[AccessGrantEvent]:
    return AccessGrantEvent.objects.filter(person_id=person.pk).select_related("grantee", "actor", "grantee__unit")


def grant_events_for_unit(*, user: User) -> QuerySet[AccessGrantEvent]:
    """Grant events decided in the manager's unit (shown on the loggkontroll page)."""
    if not user.has_perm("core.view_accesslog") or user.unit_id is None:
        return AccessGrantEvent.objects.none()
    return AccessGrantEvent.objects.filter(actor__unit_id=user.unit_id).select_related(
        "grantee", "actor", "grantee__unit"
    )


def case_shares(*, case: Case) -> QuerySet[User]:
    """Users a case is currently shared with (view_case grants)."""
    grants = CaseUserObjectPermission.objects.filter(content_object=case, permission__codename="view_case")
    return User.objects.filter(pk__in=grants.values("user_id")).select_related("unit")


def protected_identity_grantees(*, person: Person) -> QuerySet[User]:
    """Users named by the enhetschef as allowed to see this protected person's identity."""
    grants = PersonUserObjectPermission.objects.filter(
        content_object=person, permission__codename="view_protected_identity"
    )
    return User.objects.filter(pk__in=grants.values("user_id")).select_related("unit")


def grant_candidates(
    *, manager: User, exclude_unit_id: int | None = None, exclude: Iterable[User] = ()
) -> QuerySet[User]:
    """Active case-work staff in the manager's municipality who can be given access (less `exclude`: those
    who already have it)."""
    # a manager without a unit matches only staff without one (Django's reading of `=None`), as before
    municipality = (
        Q(unit__provider__municipality_id=manager.unit.provider.municipality_id)
        if manager.unit is not None
        else Q(unit__provider__municipality_id__isnull=True)
    )
    staff = User.objects.filter(municipality, is_active=True).filter(
        Q(groups__permissions__codename="view_case", groups__permissions__content_type__app_label="cases")
    )
    if exclude_unit_id is not None:
        staff = staff.exclude(unit_id=exclude_unit_id)
    staff = staff.exclude(pk__in=[user.pk for user in exclude])
    return staff.select_related("unit").distinct().order_by("unit__name", "last_name", "first_name")


# --- loggkontroll pages ------------------------------------------------------------------------------


def accesslog_review_rows(*, user: User, filters: dict) -> QuerySet[FlaggedAccessLog]:
    """The scoped, flagged and filtered log (see the module docstring for the scope).

    `filters` are the cleaned AccessLogFilterForm fields; without a person or a period the last DEFAULT_DAYS days.
    """
    if not (filters.get("person") or filters.get("since") or filters.get("until")):
        filters = filters | {"since": timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)}
    return accesslog_filter(
        accesslog_with_flags(accesslog_queryset_for_user(user)),
        user_id=filters["user"].pk if filters.get("user") else None,
        person_id=filters.get("person"),
        since=filters.get("since"),
        until=filters.get("until"),
        flagged_only=bool(filters.get("flagged")),
    )


def accesslog_page(rows: QuerySet[RowT], *, number: int) -> tuple[list[RowT], dict]:
    """One page of log rows, newest first, and whether there are pages before and after it.

    No COUNT over a log of many millions of rows: one row more than a page tells whether there is a next.
    """
    start = (number - 1) * PAGE_SIZE
    selected = list(rows.select_related("user", "unit").order_by("-at", "-id")[start : start + PAGE_SIZE + 1])
    page = {"number": number, "has_previous": number > 1, "has_next": len(selected) > PAGE_SIZE}
    return selected[:PAGE_SIZE], page


EXPORT_CHUNK_ROWS = 2000  # rows fetched from the cursor at a time while the CSV streams


class AccessLogExport:
    """The loggkontroll CSV: at most CSV_EXPORT_MAX_ROWS rows, newest first, streamed from a cursor.

    Made in the request's transaction: the people the rows name are looked up (visible ones, masked as needed)
    and access-logged once each, as for the page, before a byte is sent; if the log write fails nothing is.
    The rows themselves are read while the response is written, with one query however many there are.
    """

    def __init__(self, *, viewer: User, rows: QuerySet[FlaggedAccessLog], request: HttpRequest | None):
        # the rows as they are now: not the rows this export itself writes below
        newest = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ordered = rows.filter(id__lte=newest).order_by("-at", "-id")
        self.rows = ordered.select_related("user", "unit")[:CSV_EXPORT_MAX_ROWS]
        shown_people = ordered.values("person_id")[:CSV_EXPORT_MAX_ROWS]
        self.people = _people_shown(viewer=viewer, person_ids=shown_people)
        access_log_record(
            user=viewer,
            request=request,
            action=AccessAction.EXPORT,
            what="loggkontroll_csv",
            seen=[
                Seen(person_id=person.pk, protected_identity=person.is_protected and person.identity_visible)
                for person in self.people.values()
            ],
        )

    def shown(self) -> Iterator[ShownRow[FlaggedAccessLog]]:
        for row in self.rows.iterator(chunk_size=EXPORT_CHUNK_ROWS):
            yield ShownRow(row=row, person=self.people.get(row.person_id))


def accesslog_person_label(*, shown: list[ShownRow[RowT]], person_id: UUID | None) -> str | None:
    """The name of the person filtered on, as shown in the rows (masked or not), or a short id."""
    if not person_id:
        return None
    return next((item.person_label for item in shown if item.row.person_id == person_id), f"#{str(person_id)[:8]}")


def accesslog_person_for_user(
    *, user: User, person_id: UUID, request: HttpRequest | None, output: str
) -> tuple[Person, list[AccessLog]]:
    """Loggutdrag: a person and everyone who read their record; core.view_accesslog and a visible person, else 404.

    Recorded as a view, an export or a print of the person by `output` (html, csv, pdf; anything else is a 404).
    """
    if not user.has_perm("core.view_accesslog") or output not in PERSON_LOG_ACTIONS:
        raise Http404
    person = person_get_for_user(user=user, person_id=person_id, request=request, log=False)
    access_log_record(
        user=user, request=request, action=PERSON_LOG_ACTIONS[output], what=f"loggutdrag_{output}", seen=_seen(person)
    )
    return person, list(accesslog_for_person(person=person))


# --- change history ----------------------------------------------------------------------------------


def change_history_rows(entries: Iterable[ChangeLog], *, identity_visible: bool) -> list[dict]:
    """History rows in words (core.history's one value-to-text rule); a masked identity stays masked."""
    return history_rows(entries, identity_visible=identity_visible)


def _person_history_visible(*, person: Person, case_ids: Iterable[UUID], limit: int | None = None) -> list[ChangeLog]:
    """The person's history (the newest `limit` rows) without the rows of cases the user may not see."""
    entries = change_history_for_person(person=person)
    if limit is not None:
        entries = entries[:limit]
    case_ids = set(case_ids)
    return [entry for entry in entries if entry.case_id is None or entry.case_id in case_ids]


def person_history_rows_for_user(*, user: User, person: Person) -> list[dict]:
    """The change-history page of a person (fetched through person_get_for_user): the newest rows of the person
    and of their cases the user may see."""
    entries = _person_history_visible(person=person, case_ids=_visible_case_ids(user, person), limit=HISTORY_PAGE_ROWS)
    return change_history_rows(entries, identity_visible=person.shows_identity)


def case_history_rows(*, case: Case) -> list[dict]:
    """The change-history page of a case (fetched through case_get_for_user): its newest rows."""
    entries = list(change_history_for_case(case=case)[:HISTORY_PAGE_ROWS])
    return change_history_rows(entries, identity_visible=case.person.shows_identity)


# --- registerutdrag ----------------------------------------------------------------------------------


def person_extract_for_user(
    *, user: User, person_id: UUID, request: HttpRequest | None, output: str
) -> RegisterExtract:
    """Registerutdrag: everything held about a person that the user may see (the cases of their units and
    shares). Needs cases.export_person (a permission of its own) and a visible person, else 404; the extract
    is itself access-logged, as an export (JSON) or a print (PDF)."""
    if not user.has_perm("cases.export_person"):
        raise Http404
    person = person_get_for_user(user=user, person_id=person_id, request=request, log=False)
    case_ids = _visible_case_ids(user, person)
    access_log_record(
        user=user,
        request=request,
        action=AccessAction.PRINT if output == "pdf" else AccessAction.EXPORT,
        what=f"registerutdrag_{output}",
        seen=_seen(person),
    )
    sections = person_extract_sections(person=person, case_ids=case_ids, skip=EXTRACT_SKIPPED)
    reads = list(accesslog_for_person(person=person)[:EXTRACT_ACCESS_LOG_ROWS])
    grants = [
        event for event in grant_events_for_person(person=person) if event.case_id is None or event.case_id in case_ids
    ]
    history = _person_history_visible(person=person, case_ids=case_ids)
    return RegisterExtract(
        person=person,
        sections=sections,
        reads=reads,
        grants=grants,
        history_rows=change_history_rows(history, identity_visible=person.shows_identity),
        generated_at=timezone.now(),
    )


# --- sharing and skyddad identitet -------------------------------------------------------------------


def case_sharing_get_for_user(*, user: User, case_id: UUID, request: HttpRequest | None) -> Case:
    """A case whose sharing the user manages: enhetschef (core.manage_access) of the case's unit, else 404.

    Checked on the unit before the case is loaded, so the view is logged only for the manager who may share.
    """
    if not user.has_perm("core.manage_access"):
        raise Http404
    case = case_queryset_for_user(user).filter(pk=case_id).values("unit_id").first()
    if case is None or not access_manager_check(actor=user, unit_id=case["unit_id"]):
        raise Http404
    return case_get_for_user(user=user, case_id=case_id, request=request, what="case_sharing")


def protected_identity_person_for_user(*, user: User, person_id: UUID, request: HttpRequest | None) -> Person:
    """A person whose skyddad-identitet access the user manages: enhetschef (core.manage_access) of the
    person's unit, else 404; logged as a view."""
    if not user.has_perm("core.manage_access"):
        raise Http404
    person = person_get_for_user(user=user, person_id=person_id, request=request, log=False)
    if not access_manager_check(actor=user, unit_id=person.unit_id):
        raise Http404
    access_log_record(
        user=user, request=request, action=AccessAction.VIEW, what="protected_identity_access", seen=_seen(person)
    )
    return person


# --- gallring ----------------------------------------------------------------------------------------


def retention_rule_list() -> QuerySet[RetentionRule]:
    """The gallring rules (no personal data; the caller checked records.view_retentionrun)."""
    return RetentionRule.objects.prefetch_related("exempt_insats_types").order_by("record_type")


def retention_run_list(*, limit: int = 30) -> QuerySet[RetentionRun]:
    """The newest runs with their item counts (the caller checked records.view_retentionrun)."""
    return (
        RetentionRun.objects.select_related("started_by")
        .annotate(item_count=Count("items"))
        .order_by("-started_at", "-id")[:limit]
    )


def retention_run_get_for_user(*, user: User, run_id: int) -> RetentionRun:
    """One run, for users with records.view_retentionrun; else 404."""
    if not user.has_perm("records.view_retentionrun"):
        raise Http404
    run = RetentionRun.objects.filter(pk=run_id).select_related("started_by").first()
    if run is None:
        raise Http404
    return run


def retention_run_items(*, run: RetentionRun) -> QuerySet[RetentionItem]:
    return run.items.order_by("record_type", "person_id")


def retention_item_rows(*, user: User, items: list[RetentionItem]) -> list[dict]:
    """Items of a run with the case numbers of the viewer's own unit; the others only counted.

    (The cases may be gallrade: looked up on the base manager, by number.)"""
    numbers = {number for item in items for number in item.case_numbers}
    own_numbers = set(
        Case._base_manager.filter(number__in=numbers, unit_id=user.unit_id).values_list("number", flat=True)
        if user.unit_id
        else []
    )
    return [
        {
            "item": item,
            "case_numbers": [number for number in item.case_numbers if number in own_numbers],
            "other_cases": len([number for number in item.case_numbers if number not in own_numbers]),
        }
        for item in items
    ]
