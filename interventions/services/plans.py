"""Writes for genomförandeplaner: create, edit, actors, goals, activities, agreements, trainer, follow-ups,
revisions, and the daily trace of the consent flag."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Custodian, Person
from consent.models import Actor
from consent.selectors import sharing_decision
from core.concurrency import version_check_and_bump
from core.history import history_snapshot
from core.models import User
from interventions.models import (
    Activity,
    Attainment,
    FollowUp,
    Goal,
    GoalAttainment,
    Plan,
    PlanAgreement,
    PlanParticipant,
    PlanVersion,
)
from interventions.services.common import fail, history, lock_case, not_future, today


def consent_block_message(*, person: Person, actor_obj: Actor, on: datetime.date) -> str | None:
    """The Swedish message that blocks sharing with `actor_obj`, or None when sharing_decision allows it."""
    decision = sharing_decision(person=person, actor=actor_obj, on=on)
    if decision.allowed:
        return None
    return _(
        "%(actor)s kan inte ingå i planen eftersom giltigt samtycke saknas. %(message)s "
        "Registrera samtycke från ungdomen och vårdnadshavarna först."
    ) % {"actor": actor_obj.name, "message": decision.message}


@transaction.atomic
def plan_create(
    *,
    actor: User,
    case: Case,
    coordinator: User,
    overall_goal: str = "",
    follow_up_method: str = "",
) -> Plan:
    """Start a genomförandeplan (version 1) on an open case; the samordnare must be able to see the case."""
    locked = lock_case(case)
    errors: dict = {}
    if not coordinator.is_active or not coordinator.has_perm("cases.view_case"):
        errors["coordinator"] = _("Samordnaren måste vara aktiv personal.")
    elif not (coordinator.unit_id == locked.unit_id or coordinator.has_perm("cases.view_case", locked)):
        errors["coordinator"] = _("Samordnaren har inte tillgång till ärendet.")
    fail(errors)
    plan = Plan.objects.create(case=locked, coordinator=coordinator)
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        overall_goal=overall_goal.strip(),
        follow_up_method=follow_up_method.strip(),
        created_by=actor,
    )
    history(actor=actor, instance=plan, case=locked)
    history(actor=actor, instance=version, case=locked)
    return plan


def _current_version(plan: Plan) -> PlanVersion:
    """Lock the plan's case (open) and return the plan's current version, locked."""
    lock_case(plan.case)
    return (
        PlanVersion.objects.select_for_update()
        .select_related("plan__case__person")
        .get(plan_id=plan.pk, superseded_at__isnull=True)
    )


def _plan_version_bump(locked: Plan, expected_version: int | None, submitted: dict | None = None) -> None:
    """The plan's optimistic lock (core.concurrency): check the version the user started from, then save the
    next one (the plan row is locked through its current version)."""
    version_check_and_bump(instance=locked, expected_version=expected_version, submitted=submitted)
    Plan.objects.filter(pk=locked.pk).update(version=locked.version)


@transaction.atomic
def plan_update(
    *, actor: User, plan: Plan, overall_goal: str, follow_up_method: str, expected_version: int | None
) -> PlanVersion:
    """Edit the current version's overall goal and follow-up method (earlier versions are read-only), from
    the plan's `expected_version` (the form carries it): EditConflict when someone edited the plan since."""
    version = _current_version(plan)
    _plan_version_bump(version.plan, expected_version)
    before = history_snapshot(version)
    version.overall_goal = overall_goal.strip()
    version.follow_up_method = follow_up_method.strip()
    version.save(update_fields=["overall_goal", "follow_up_method"])
    history(actor=actor, instance=version, case=version.plan.case, before=before)
    return version


@transaction.atomic
def plan_trainer_assign(
    *,
    actor: User,
    plan: Plan,
    name: str,
    phone: str = "",
    assigned_on: datetime.date | None = None,
    expected_version: int | None,
) -> Plan:
    """Assign the personlig tränare (PT), from the plan's `expected_version` (the form carries it):
    EditConflict when someone edited the plan since, listing the trainer's saved name and phone."""
    locked = _current_version(plan).plan
    _plan_version_bump(locked, expected_version, {"trainer_name": name.strip(), "trainer_phone": phone.strip()})
    errors: dict = {}
    if not name.strip():
        errors["name"] = _("Ange den personliga tränarens namn.")
    assigned_on = assigned_on or today()
    not_future(assigned_on, "assigned_on", errors)
    fail(errors)
    before = history_snapshot(Plan.objects.get(pk=plan.pk))
    Plan.objects.filter(pk=plan.pk).update(
        trainer_name=name.strip(), trainer_phone=phone.strip(), trainer_assigned_on=assigned_on
    )
    plan.refresh_from_db()
    history(actor=actor, instance=plan, case=plan.case, before=before)
    return plan


@transaction.atomic
def plan_participant_add(*, actor: User, plan: Plan, actor_obj: Actor, contact: str = "") -> PlanParticipant:
    """Add an actor to the plan. An actor that needs consent is admitted only while sharing_decision allows it."""
    version = _current_version(plan)
    person = version.plan.case.person
    errors: dict = {}
    if PlanParticipant.objects.filter(version=version, actor=actor_obj).exists():
        errors["actor"] = _("%(actor)s ingår redan i planen.") % {"actor": actor_obj.name}
    else:
        blocked = consent_block_message(person=person, actor_obj=actor_obj, on=today())
        if blocked:
            errors["actor"] = blocked
    fail(errors)
    participant = PlanParticipant.objects.create(
        version=version, actor=actor_obj, contact=contact.strip(), added_on=today()
    )
    history(actor=actor, instance=participant, case=version.plan.case)
    return participant


@transaction.atomic
def plan_goal_add(*, actor: User, plan: Plan, text: str) -> Goal:
    """Add a goal to the current version."""
    version = _current_version(plan)
    if not text.strip():
        raise ValidationError({"text": _("Skriv målet.")})
    position = version.goals.count() + 1
    goal = Goal.objects.create(version=version, position=position, text=text.strip())
    history(actor=actor, instance=goal, case=version.plan.case)
    return goal


@transaction.atomic
def plan_activity_add(
    *,
    actor: User,
    plan: Plan,
    goal: Goal | None,
    what: str,
    responsible: Actor,
    when: str,
    due_on: datetime.date | None = None,
) -> Activity:
    """Add an activity (what, who, when). Activities for an actor that needs consent are blocked while
    sharing_decision does not allow it (e.g. after a revocation)."""
    version = _current_version(plan)
    errors: dict = {}
    if goal is not None and goal.version_id != version.pk:
        errors["goal"] = _("Målet hör inte till planens gällande version.")
    if not what.strip():
        errors["what"] = _("Beskriv vad som ska göras.")
    if not when.strip():
        errors["when"] = _("Ange när det ska göras.")
    blocked = consent_block_message(person=version.plan.case.person, actor_obj=responsible, on=today())
    if blocked:
        errors["responsible"] = blocked
    fail(errors)
    activity = Activity.objects.create(
        version=version,
        goal=goal,
        what=what.strip(),
        actor=responsible,
        when=when.strip(),
        due_on=due_on,
        created_by=actor,
    )
    history(actor=actor, instance=activity, case=version.plan.case)
    return activity


@transaction.atomic
def plan_activity_done(*, actor: User, plan: Plan, activity: Activity, done_on: datetime.date) -> Activity:
    """Mark an activity of the current version as done on a date (not in the future, not before the plan
    version was written); it then leaves the to-do lists. Recorded in the change history."""
    version = _current_version(plan)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    errors: dict = {}
    if locked.version_id != version.pk:
        errors["activity"] = _("Aktiviteten hör till en tidigare version av planen.")
    elif locked.done_on is not None:
        errors["activity"] = _("Aktiviteten är redan markerad som klar.")
    not_future(done_on, "done_on", errors)
    if done_on and done_on < version.plan.case.opened_on:
        errors["done_on"] = _("Datumet kan inte vara före att ärendet aktualiserades.")
    fail(errors)
    before = history_snapshot(locked)
    locked.done_on = done_on
    locked.save(update_fields=["done_on"])
    history(actor=actor, instance=locked, case=version.plan.case, before=before)
    return locked


@transaction.atomic
def plan_agreement_record(
    *, actor: User, plan: Plan, custodian: Custodian | None, agreed_on: datetime.date
) -> PlanAgreement:
    """Record that the young person (custodian None) or a custodian agreed to the current version, dated."""
    version = _current_version(plan)
    errors: dict = {}
    if custodian is not None and custodian.person_id != version.plan.case.person_id:
        errors["custodian"] = _("Vårdnadshavaren hör inte till ungdomen.")
    not_future(agreed_on, "agreed_on", errors)
    if agreed_on and agreed_on < version.created_at.date():
        errors["agreed_on"] = _("Datumet kan inte vara före planversionen skrevs.")
    if PlanAgreement.objects.filter(version=version, custodian=custodian).exists():
        errors["custodian"] = _("Godkännandet är redan registrerat för den här versionen.")
    fail(errors)
    agreement = PlanAgreement.objects.create(
        version=version, custodian=custodian, agreed_on=agreed_on, recorded_by=actor
    )
    history(actor=actor, instance=agreement, case=version.plan.case)
    return agreement


@transaction.atomic
def plan_follow_up_schedule(*, actor: User, plan: Plan, due_on: datetime.date) -> FollowUp:
    """Plan a follow-up date for the current version."""
    version = _current_version(plan)
    if due_on is None or due_on < version.plan.case.opened_on:
        raise ValidationError({"due_on": _("Ange ett datum efter att ärendet aktualiserades.")})
    if due_on < today():
        raise ValidationError({"due_on": _("Uppföljningen kan inte planeras till ett datum som har passerat.")})
    follow_up = FollowUp.objects.create(version=version, due_on=due_on)
    history(actor=actor, instance=follow_up, case=version.plan.case)
    return follow_up


@transaction.atomic
def plan_follow_up_record(
    *,
    actor: User,
    follow_up: FollowUp,
    held_on: datetime.date,
    note: str,
    attainments: dict[int, tuple[str, str]],
) -> FollowUp:
    """Record a held follow-up meeting with the attainment of every goal of the version."""
    version = _current_version(follow_up.version.plan)
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    errors: dict = {}
    if locked.version_id != version.pk:
        errors["__all__"] = _("Uppföljningen hör till en tidigare version av planen.")
    if locked.held_on:
        errors["__all__"] = _("Uppföljningen är redan registrerad.")
    not_future(held_on, "held_on", errors)
    goals = list(version.goals.all())
    if not goals:
        errors["__all__"] = _("Planen har inga mål att följa upp.")
    missing = [goal for goal in goals if attainments.get(goal.pk, ("", ""))[0] not in Attainment.values]
    if missing:
        errors["attainments"] = _("Ange måluppfyllelse för varje mål.")
    fail(errors)
    before = history_snapshot(locked)
    locked.held_on = held_on
    locked.note = note.strip()
    locked.recorded_by = actor
    locked.save(update_fields=["held_on", "note", "recorded_by"])
    history(actor=actor, instance=locked, case=version.plan.case, before=before)
    rows = GoalAttainment.objects.bulk_create(
        [
            GoalAttainment(follow_up=locked, goal=goal, level=attainments[goal.pk][0], comment=attainments[goal.pk][1])
            for goal in goals
        ]
    )
    for row in rows:
        history(actor=actor, instance=row, case=version.plan.case)
    return locked


@transaction.atomic
def plan_revise(*, actor: User, plan: Plan, reason: str) -> PlanVersion:
    """Start a new version from the current one. The old version stays as it was and readable; goals,
    activities, participants and not yet held follow-ups are carried over; agreements must be given anew."""
    current = _current_version(plan)
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv varför planen revideras.")})
    before = history_snapshot(current)
    current.superseded_at = timezone.now()
    PlanVersion.objects.filter(pk=current.pk).update(superseded_at=current.superseded_at)
    history(actor=actor, instance=current, case=current.plan.case, before=before)
    new = PlanVersion.objects.create(
        plan=current.plan,
        number=current.number + 1,
        overall_goal=current.overall_goal,
        follow_up_method=current.follow_up_method,
        created_by=actor,
        revision_reason=reason.strip(),
    )
    goal_map = {}
    for goal in current.goals.all():
        goal_map[goal.pk] = Goal.objects.create(version=new, position=goal.position, text=goal.text)
    Activity.objects.bulk_create(
        [
            Activity(
                version=new,
                goal=goal_map.get(activity.goal_id) if activity.goal_id is not None else None,
                what=activity.what,
                actor_id=activity.actor_id,
                when=activity.when,
                due_on=activity.due_on,
                done_on=activity.done_on,
                created_by=activity.created_by,
            )
            for activity in current.activities.all()
        ]
    )
    PlanParticipant.objects.bulk_create(
        [
            PlanParticipant(version=new, actor_id=p.actor_id, contact=p.contact, added_on=p.added_on)
            for p in current.participants.all()
        ]
    )
    FollowUp.objects.bulk_create(
        [FollowUp(version=new, due_on=f.due_on) for f in current.follow_ups.filter(held_on__isnull=True)]
    )
    history(actor=actor, instance=new, case=current.plan.case)
    return new


def plan_consent_flags_record(*, on: datetime.date, flagged_plan_ids: set, all_plan_ids: set) -> int:
    """Store the daily consent flag (the pages compute it live; this keeps a dated trace for the beat job)."""
    changed = Plan.objects.filter(pk__in=flagged_plan_ids, consent_flagged_on__isnull=True).update(
        consent_flagged_on=on
    )
    changed += Plan.objects.filter(pk__in=all_plan_ids - flagged_plan_ids, consent_flagged_on__isnull=False).update(
        consent_flagged_on=None
    )
    return changed
