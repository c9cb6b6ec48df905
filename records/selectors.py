"""Reads for loggkontroll, change history and access grants. Permission rules are in each docstring.

Loggkontroll scope (enhetschef with core.view_accesslog): rows written by staff of the manager's unit,
and rows about people registered by the unit or with a case in the unit — so the manager sees both what
their staff opened and who opened their unit's people. Names shown on these pages go through
cases.selectors (masking skyddad identitet) and are themselves access-logged.
"""

import datetime
from dataclasses import dataclass
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
from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case, CaseUserObjectPermission, Person, PersonUserObjectPermission
from cases.selectors import mark_identity_visibility, person_queryset_for_user
from core.access_log import Seen, access_log_record
from core.models import AccessAction, AccessGrantEvent, AccessLog, ChangeLog, User


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


def accesslog_with_flags(rows: QuerySet[AccessLog], *, limit: int | None = None) -> QuerySet[AccessLog]:
    """Annotate the rules that flag unusual access (computed in the database):

    - outside_caseload: the user handles none of the person's cases;
    - outside_unit: the person is neither registered by nor has a case in the user's unit (at the time);
    - burst: distinct people the same user opened in the hour up to this row (flag when above the limit);
    - protected_identity (stored): a skyddad identitet was shown unmasked.
    """
    limit = burst_limit() if limit is None else limit
    handled = Case.objects.filter(person_id=OuterRef("person_id"), handler_id=OuterRef("user_id"))
    unit_person = Person.objects.filter(pk=OuterRef("person_id"), unit_id=OuterRef("unit_id"))
    unit_case = Case.objects.filter(person_id=OuterRef("person_id"), unit_id=OuterRef("unit_id"))
    window = (
        AccessLog.objects.filter(
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
        outside_caseload=ExpressionWrapper(~Exists(handled), output_field=BooleanField()),
        outside_unit=ExpressionWrapper(~Exists(unit_person) & ~Exists(unit_case), output_field=BooleanField()),
        people_in_hour=Coalesce(Subquery(window, output_field=IntegerField()), Value(0)),
    ).annotate(
        burst=ExpressionWrapper(Q(people_in_hour__gt=limit), output_field=BooleanField()),
    )


def accesslog_filter(
    rows: QuerySet[AccessLog],
    *,
    user_id: int | None = None,
    person_id: UUID | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    flagged_only: bool = False,
) -> QuerySet[AccessLog]:
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
        rows = rows.filter(Q(outside_caseload=True) | Q(outside_unit=True) | Q(burst=True) | Q(protected_identity=True))
    return rows


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def accesslog_sample(rows: QuerySet[AccessLog], *, size: int) -> list[AccessLog]:
    """A random sample for the regular spot check (stickprov), drawn in the database."""
    return list(rows.select_related("user", "unit").order_by("?")[:size])


@dataclass
class ShownRow:
    """One access-log row prepared for display: the person's name only where the viewer may see it."""

    row: AccessLog
    person: Person | None  # None when the viewer may not see the person (or the person is gallrad)

    @property
    def person_label(self) -> str:
        if self.person is None:
            return f"#{str(self.row.person_id)[:8]}"
        return str(self.person.display_name)


def accesslog_rows_show(
    *, viewer: User, rows: list[AccessLog], request: HttpRequest | None, action: AccessAction, what: str
) -> list[ShownRow]:
    """Attach people (visible to the viewer, masked as needed) to log rows and access-log the names shown."""
    person_ids = {row.person_id for row in rows}
    people = {
        person.pk: person
        for person in mark_identity_visibility(
            viewer,
            person_queryset_for_user(viewer)
            .filter(pk__in=person_ids)
            .only("id", "first_name", "last_name", "protection", "id_number", "id_kind", "birth_date"),
        )
    }
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


def grant_candidates(*, manager: User, exclude_unit_id: int | None = None) -> QuerySet[User]:
    """Active case-work staff in the manager's municipality who can be given access."""
    staff = User.objects.filter(
        is_active=True,
        unit__provider__municipality_id=manager.unit.provider.municipality_id if manager.unit_id else None,
    ).filter(Q(groups__permissions__codename="view_case", groups__permissions__content_type__app_label="cases"))
    if exclude_unit_id is not None:
        staff = staff.exclude(unit_id=exclude_unit_id)
    return staff.select_related("unit").distinct().order_by("unit__name", "last_name", "first_name")
