"""Genomförandeplan and consent enforcement: plans, versions, follow-ups and the consent rules for actors."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from consent.models import Actor, MaturityAssessment
from consent.selectors import sharing_decision, sharing_decisions
from consent.services import consent_record, consent_revoke, maturity_assess
from core.concurrency import EditConflict
from core.models import ChangeAction, ChangeLog
from interventions import selectors, services
from interventions.models import Activity, GoalAttainment, PlanParticipant, PlanVersion
from interventions.tasks import plans_flag_consent_lapses
from interventions.tests.factories import PlanParticipantFactory


def consent_all(*, handler, case, actors, on, valid_until=None):
    """The young person and every custodian consent to sharing with `actors`."""
    givers = [None, *case.person.custodians.all()]
    return [
        consent_record(
            actor=handler,
            person=case.person,
            custodian=giver,
            actors=actors,
            given_on=on,
            form="skriftligt",
            valid_until=valid_until,
        )
        for giver in givers
    ]


@pytest.fixture
def plan(make_case, handler, coordinator):
    case = make_case("sig")
    return services.plan_create(actor=handler, case=case, coordinator=coordinator, overall_goal="Inga nya brott")


@pytest.mark.django_db
def test_police_cannot_join_plan_without_consent(plan, handler, police):
    # given a plan without any consent; when polis is added; then it is refused with a Swedish message
    with pytest.raises(ValidationError) as error:
        services.plan_participant_add(actor=handler, plan=plan, actor_obj=police)
    message = error.value.message_dict["actor"][0]
    assert "Polis kan inte ingå i planen" in message
    assert "ungdomen" in message
    assert not PlanParticipant.objects.exists()


@pytest.mark.django_db
def test_police_needs_young_person_and_every_custodian(plan, handler, police, today):
    case = plan.case
    first, second = case.person.custodians.all()
    consent_record(actor=handler, person=case.person, custodian=None, actors=[police], given_on=today, form="muntligt")
    consent_record(actor=handler, person=case.person, custodian=first, actors=[police], given_on=today, form="muntligt")
    with pytest.raises(ValidationError) as error:
        services.plan_participant_add(actor=handler, plan=plan, actor_obj=police)
    assert second.name in error.value.message_dict["actor"][0]
    consent_record(
        actor=handler, person=case.person, custodian=second, actors=[police], given_on=today, form="muntligt"
    )
    participant = services.plan_participant_add(actor=handler, plan=plan, actor_obj=police)
    assert participant.actor == police


@pytest.mark.django_db
def test_actor_without_consent_need_joins_freely(plan, handler):
    trainer = Actor.objects.get(code="personlig_tranare")
    assert services.plan_participant_add(actor=handler, plan=plan, actor_obj=trainer)


@pytest.mark.django_db
def test_young_person_under_consent_age_needs_maturity_assessment_to_consent(
    make_case, handler, coordinator, police, today
):
    case = make_case("sig", birth_date=today.replace(year=today.year - 14) - datetime.timedelta(days=1))
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    # custodians only: enough while the 14-year-old's own consent does not count
    for custodian in case.person.custodians.all():
        consent_record(
            actor=handler, person=case.person, custodian=custodian, actors=[police], given_on=today, form="skriftligt"
        )
    assert services.plan_participant_add(actor=handler, plan=plan, actor_obj=police)
    # once assessed mature, the child's own consent is needed too
    maturity_assess(actor=handler, person=case.person, assessed_on=today, mature=True, reasoning="Mogen")
    assert MaturityAssessment.objects.count() == 1
    assert not sharing_decision(person=case.person, actor=police, on=today).allowed


@pytest.mark.django_db
def test_revocation_flags_plan_at_once_and_blocks_activities(plan, handler, police, today):
    consents = consent_all(handler=handler, case=plan.case, actors=[police], on=today)
    services.plan_participant_add(actor=handler, plan=plan, actor_obj=police)
    services.plan_activity_add(actor=handler, plan=plan, goal=None, what="Träff", responsible=police, when="mars")
    assert not selectors.plan_detail(plan=plan).flagged
    # when a custodian revokes today
    consent_revoke(actor=handler, consent=consents[1], revoked_on=today, reason="Vill inte längre")
    # then the plan is flagged immediately (computed from the consent state, no job needed)
    state = selectors.plan_detail(plan=plan)
    assert state.flagged
    assert state.problems[0].actor == police
    assert "Polis" in state.problems[0].message
    # and a further activity for polis is blocked with a clear message
    with pytest.raises(ValidationError) as error:
        services.plan_activity_add(actor=handler, plan=plan, goal=None, what="Ny träff", responsible=police, when="maj")
    assert "samtycke saknas" in error.value.message_dict["responsible"][0]
    assert Activity.objects.count() == 1
    # activities for actors that need no consent still work
    services.plan_activity_add(
        actor=handler, plan=plan, goal=None, what="Träna", responsible=Actor.objects.get(code="ungdomen"), when="vecka"
    )


@pytest.mark.django_db
def test_expired_consent_flags_plan(plan, handler, police, today):
    consent_all(
        handler=handler,
        case=plan.case,
        actors=[police],
        on=today - datetime.timedelta(days=30),
        valid_until=today - datetime.timedelta(days=1),
    )
    # consent was valid when the actor joined (recorded directly to simulate the earlier day)
    PlanParticipantFactory(version=plan.versions.get(), actor=police, added_on=today - datetime.timedelta(days=20))
    state = selectors.plan_detail(plan=plan)
    assert state.flagged


@pytest.mark.django_db
def test_daily_job_records_flag(plan, handler, police, today):
    consents = consent_all(handler=handler, case=plan.case, actors=[police], on=today)
    services.plan_participant_add(actor=handler, plan=plan, actor_obj=police)
    consent_revoke(actor=handler, consent=consents[0], revoked_on=today)
    plans_flag_consent_lapses()
    plan.refresh_from_db()
    assert plan.consent_flagged_on == today


@pytest.mark.django_db
def test_bulk_sharing_decisions_match_the_single_rule(make_case, handler, police, school, today):
    cases = [make_case("sig", custodians=n) for n in (0, 1, 2)]
    consent_all(handler=handler, case=cases[1], actors=[police], on=today)
    consent_all(handler=handler, case=cases[2], actors=[police, school], on=today)
    consent_revoke(actor=handler, consent=cases[2].person.consents.first(), revoked_on=today)
    pairs = [(c.person, a) for c in cases for a in (police, school, Actor.objects.get(code="socialtjanst"))]
    bulk = sharing_decisions(pairs=pairs, on=today)
    for person, actor in pairs:
        single = sharing_decision(person=person, actor=actor, on=today)
        assert bulk[(person.pk, actor.pk)].allowed == single.allowed
        assert sorted(bulk[(person.pk, actor.pk)].missing) == sorted(single.missing)


@pytest.mark.django_db
def test_revision_keeps_earlier_version_readable(plan, handler, today):
    goal = services.plan_goal_add(actor=handler, plan=plan, text="Gå i skolan varje dag")
    services.plan_agreement_record(actor=handler, plan=plan, custodian=None, agreed_on=today)
    services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today + datetime.timedelta(days=10))
    new = services.plan_revise(actor=handler, plan=plan, reason="Nytt mål om fritid")
    services.plan_goal_add(actor=handler, plan=plan, text="Börja på en fritidsaktivitet")
    old = PlanVersion.objects.get(plan=plan, number=1)
    assert old.superseded_at is not None
    assert list(old.goals.values_list("text", flat=True)) == [goal.text]
    assert old.agreements.count() == 1
    assert new.goals.count() == 2 and new.agreements.count() == 0
    assert new.follow_ups.count() == 1
    earlier = selectors.plan_detail(plan=plan, version_number=1)
    assert earlier.version.number == 1 and not earlier.version.is_current


@pytest.mark.django_db
def test_agreement_is_dated_and_once_per_person(plan, handler, today):
    custodian = plan.case.person.custodians.first()
    agreement = services.plan_agreement_record(actor=handler, plan=plan, custodian=custodian, agreed_on=today)
    assert agreement.agreed_on == today
    with pytest.raises(ValidationError):
        services.plan_agreement_record(actor=handler, plan=plan, custodian=custodian, agreed_on=today)
    with pytest.raises(ValidationError):
        services.plan_agreement_record(
            actor=handler, plan=plan, custodian=None, agreed_on=today + datetime.timedelta(days=1)
        )


@pytest.mark.django_db
def test_follow_up_records_attainment_for_every_goal(plan, handler, today):
    first = services.plan_goal_add(actor=handler, plan=plan, text="Skola")
    second = services.plan_goal_add(actor=handler, plan=plan, text="Fritid")
    follow_up = services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today)
    with pytest.raises(ValidationError) as error:
        services.plan_follow_up_record(
            actor=handler, follow_up=follow_up, held_on=today, note="", attainments={first.pk: ("uppnatt", "")}
        )
    assert "attainments" in error.value.message_dict
    services.plan_follow_up_record(
        actor=handler,
        follow_up=follow_up,
        held_on=today,
        note="Bra",
        attainments={first.pk: ("uppnatt", ""), second.pk: ("delvis", "Har börjat")},
    )
    assert dict(GoalAttainment.objects.values_list("goal_id", "level")) == {first.pk: "uppnatt", second.pk: "delvis"}


@pytest.mark.django_db
def test_trainer_assigned(plan, handler, today):
    services.plan_trainer_assign(actor=handler, plan=plan, name="Tränar-Tina", phone="070-000", expected_version=1)
    plan.refresh_from_db()
    assert plan.trainer_name == "Tränar-Tina" and plan.trainer_assigned_on == today


@pytest.mark.django_db
def test_coordinator_must_see_the_case(make_case, handler, outsider):
    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=handler, case=make_case("sig"), coordinator=outsider)
    assert "coordinator" in error.value.message_dict


@pytest.mark.django_db
def test_planning_lists_due_overdue_and_lacking_consent(plan, handler, coordinator, police, today):
    services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today + datetime.timedelta(days=5))
    services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today + datetime.timedelta(days=30))
    overdue_plan = services.plan_create(actor=handler, case=plan.case, coordinator=handler)
    PlanVersion.objects.get(plan=overdue_plan).follow_ups.create(due_on=plan.case.opened_on)
    consents = consent_all(handler=handler, case=plan.case, actors=[police], on=today)
    services.plan_participant_add(actor=handler, plan=plan, actor_obj=police)
    consent_revoke(actor=handler, consent=consents[0], revoked_on=today)
    groups = selectors.planning_for_user(user=coordinator, on=today).groups
    by_owner = {g.owner.pk: g for g in groups}
    mine = by_owner[coordinator.pk]
    assert [(i.kind, i.due_on) for i in mine.items] == [("planuppfoljning", today + datetime.timedelta(days=5))]
    assert [s.plan for s in mine.lacking_consent] == [plan]
    overdue = [i for i in by_owner[handler.pk].items if i.kind == "planuppfoljning"]
    assert [(i.plan_id, i.overdue) for i in overdue] == [(overdue_plan.pk, True)]
    only_mine = selectors.planning_for_user(user=coordinator, on=today, owner_id=coordinator.pk)
    assert [g.owner for g in only_mine.groups] == [coordinator]


@pytest.mark.django_db
def test_planning_hides_plans_of_other_units(plan, outsider, today):
    planning = selectors.planning_for_user(user=outsider, on=today)
    assert planning.groups == [] and all(row.counts.total == 0 for row in planning.overview)


@pytest.mark.django_db
def test_plan_changes_are_in_the_change_history(plan, handler, police):
    services.plan_update(
        actor=handler, plan=plan, overall_goal="Nytt mål", follow_up_method="Möte varje månad", expected_version=1
    )
    rows = ChangeLog.objects.filter(case_id=plan.case.pk)
    assert {"interventions.plan", "interventions.planversion"} <= set(rows.values_list("object_type", flat=True))
    update = rows.get(action=ChangeAction.UPDATE)
    assert update.changes["overall_goal"] == ["Inga nya brott", "Nytt mål"]
    assert update.person_id == plan.case.person_id and update.actor == handler


# ---------------------------------------------------------------- the plan in one sitting (issue 22.5)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("meeting_days_ago", "signed_days_ago", "field", "message"),
    [
        (0, -1, "signed_on", "Datumet kan inte ligga i framtiden."),
        (3, 5, "signed_on", "Planen kan inte ha skrivits under före mötet där den skrevs."),
        (-1, None, "meeting_on", "Datumet kan inte ligga i framtiden."),
    ],
)
def test_a_paper_signature_is_dated_on_or_after_the_meeting_and_not_in_the_future(
    make_case, handler, coordinator, meeting_days_ago, signed_days_ago, field, message
):

    case = make_case("sig")
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    today = datetime.date.today()
    with pytest.raises(ValidationError) as refused:
        services.plan_build(
            actor=handler,
            plan=plan,
            meeting_on=today - datetime.timedelta(days=meeting_days_ago),
            goals=[],
            approvers=[None],
            signed_on=None if signed_days_ago is None else today - datetime.timedelta(days=signed_days_ago),
            expected_version=plan.version,
        )
    assert message in refused.value.message_dict[field]
    assert not plan.versions.get().agreements.exists()


@pytest.mark.django_db
def test_a_signature_dated_at_an_earlier_meeting_is_kept_and_later_approvals_follow_the_meeting(
    make_case, handler, coordinator
):
    """The plan was written at a meeting last week and is entered today: the signature keeps its real date, and
    a later single approval may not be dated before that meeting."""

    case = make_case("sig")
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    meeting = datetime.date.today() - datetime.timedelta(days=7)
    services.plan_build(
        actor=handler,
        plan=plan,
        meeting_on=meeting,
        goals=[],
        approvers=[None],
        signed_on=meeting,
        expected_version=plan.version,
    )
    version = plan.versions.get()
    assert version.agreements.get().agreed_on == meeting
    custodian = case.person.custodians.first()
    with pytest.raises(ValidationError) as refused:
        services.plan_agreement_record(
            actor=handler, plan=plan, custodian=custodian, agreed_on=meeting - datetime.timedelta(days=1)
        )
    assert refused.value.message_dict["agreed_on"] == ["Planen kan inte ha godkänts före mötet där den skrevs."]


@pytest.mark.django_db
def test_the_one_sitting_form_keeps_the_version_check(make_case, handler, coordinator):
    """Someone saved the trainer after the form was opened: the form's save is a conflict and saves nothing."""

    case = make_case("sig")
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    seen = plan.version
    services.plan_trainer_assign(actor=handler, plan=plan, name="Kim", expected_version=seen)
    with pytest.raises(EditConflict):
        services.plan_build(
            actor=handler, plan=plan, meeting_on=datetime.date.today(), goals=[("Skolan", [])], expected_version=seen
        )
    assert not plan.versions.get().goals.exists()
