"""Reads for ASLAN groups of the user's unit."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    QuerySet,
)
from django.http import Http404, HttpRequest

from cases.models import Case, Custodian, InsatsCode
from cases.selectors import (
    case_list_log,
    case_queryset_for_user,
)
from core.models import User
from interventions.models import (
    AslanGroup,
    AslanMeeting,
    AslanParticipant,
)


def aslan_groups_for_user(*, user: User) -> QuerySet[AslanGroup]:
    """ASLAN groups of the user's unit, with participant counts."""
    if user.unit_id is None or not user.has_perm("cases.view_case"):
        return AslanGroup.objects.none()
    return AslanGroup.objects.filter(unit_id=user.unit_id).annotate(
        participant_count=Count("participants", distinct=True), meeting_count=Count("meetings", distinct=True)
    )


@dataclass(frozen=True)
class AslanGroupPage:
    """An ASLAN group with the children the user may see (with their parents) and its meetings (attendance)."""

    group: AslanGroup
    participants: list[AslanParticipant]
    meetings: list[AslanMeeting]


def aslan_group_get_for_user(*, user: User, group_id: int, request: HttpRequest | None) -> AslanGroupPage:
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
    meetings = list(group.meetings.prefetch_related("attendance").order_by("held_on"))
    return AslanGroupPage(group=group, participants=participants, meetings=meetings)


def aslan_cases_available(*, user: User, group: AslanGroup) -> QuerySet[Case]:
    """Open ASLAN cases of the group's unit not yet in the group (for the add form; names shown masked)."""
    return (
        case_queryset_for_user(user)
        .filter(insats_type__code=InsatsCode.ASLAN, unit_id=group.unit_id, closed_on__isnull=True)
        .exclude(Exists(AslanParticipant.objects.filter(group=group, case_id=OuterRef("pk"))))
        .select_related("person")
    )


def aslan_parents_for(*, case: Case) -> list[Custodian]:
    """The custodians of a child joining an ASLAN group (a case from aslan_cases_available): they join as
    its parents."""
    return list(case.person.custodians.all())
