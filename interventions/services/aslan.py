"""Writes for ASLAN groups: the group, its children (with parents) and meetings with attendance."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, Custodian, InsatsCode
from core.models import User
from interventions.models import (
    AslanAttendance,
    AslanGroup,
    AslanMeeting,
    AslanParticipant,
)
from interventions.services.common import fail, history, ids_text, lock_case, not_future, today

ASLAN_MIN_AGE = 10
ASLAN_MAX_AGE = 14


# ---------------------------------------------------------------- ASLAN


@transaction.atomic
def aslan_group_create(*, actor: User, name: str, starts_on: datetime.date, leaders: str = "") -> AslanGroup:
    """Start an ASLAN group in the actor's unit."""
    if actor.unit_id is None:
        raise ValidationError(_("Du måste tillhöra en enhet."))
    if not name.strip():
        raise ValidationError({"name": _("Ange gruppens namn.")})
    group = AslanGroup.objects.create(unit_id=actor.unit_id, name=name.strip(), starts_on=starts_on, leaders=leaders)
    history(actor=actor, instance=group, case=None)
    return group


@transaction.atomic
def aslan_participant_add(
    *, actor: User, group: AslanGroup, case: Case, parents: list[Custodian] | None = None
) -> AslanParticipant:
    """Add an ASLAN case (10–14 years when the group starts) of the group's unit, with the parents taking part."""
    locked = lock_case(case)
    errors: dict = {}
    if locked.insats_type.code != InsatsCode.ASLAN:
        errors["case"] = _("Bara ärenden med insatsen ASLAN kan delta i en ASLAN-grupp.")
    if locked.unit_id != group.unit_id:
        errors["case"] = _("Ärendet tillhör en annan enhet än gruppen.")
    age = locked.person.age_on(max(group.starts_on, today()))
    if not ASLAN_MIN_AGE <= age <= ASLAN_MAX_AGE:
        errors["case"] = _("ASLAN är för barn 10–14 år; barnet är %(age)s år.") % {"age": age}
    if AslanParticipant.objects.filter(group=group, case=locked).exists():
        errors["case"] = _("Barnet är redan med i gruppen.")
    parents = parents or []
    if any(parent.person_id != locked.person_id for parent in parents):
        errors["parents"] = _("Föräldern hör inte till barnet.")
    fail(errors)
    participant = AslanParticipant.objects.create(group=group, case=locked)
    participant.parents.set(parents)
    history(
        actor=actor,
        instance=participant,
        case=locked,
        extra={"parents": [None, ids_text(parents)]} if parents else None,
    )
    return participant


@transaction.atomic
def aslan_meeting_record(
    *, actor: User, group: AslanGroup, held_on: datetime.date, topic: str, attendance: dict[int, tuple[bool, int]]
) -> AslanMeeting:
    """Record a group meeting with attendance per participant: (child present, number of parents present)."""
    errors: dict = {}
    not_future(held_on, "held_on", errors)
    participants = {p.pk: p for p in group.participants.select_related("case").prefetch_related("parents")}
    for participant_id, (_present, parents_present) in attendance.items():
        participant = participants.get(participant_id)
        if participant is None:
            errors["attendance"] = _("Deltagaren finns inte i gruppen.")
        elif parents_present < 0 or parents_present > max(len(participant.parents.all()), 2):
            errors["attendance"] = _("Antalet närvarande föräldrar stämmer inte.")
    fail(errors)
    meeting = AslanMeeting.objects.create(group=group, held_on=held_on, topic=topic.strip())
    history(actor=actor, instance=meeting, case=None)
    rows = AslanAttendance.objects.bulk_create(
        [
            AslanAttendance(
                meeting=meeting,
                participant_id=pid,
                youth_present=attendance.get(pid, (False, 0))[0],
                parents_present=attendance.get(pid, (False, 0))[1],
            )
            for pid in participants
        ]
    )
    for row in rows:  # each child's attendance belongs to the child's case file
        history(actor=actor, instance=row, case=participants[row.participant_id].case)
    return meeting
