"""Consent per actor in the genomförandeplan: a parent withdraws the police and keeps the school. The plan
is flagged for the police only, the police's existing activities are marked on the plan page, and the
family's PDF names only the actors that may share now and never a past follow-up as the next one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.services import consent_record
from interventions import selectors, services
from interventions.models import FollowUp
from interventions.tests.test_views import pdf_text

pytestmark = pytest.mark.django_db

ACTIVITY_MARK = "Samtycket för aktören gäller inte: inga uppgifter får lämnas. Se över aktiviteten."


@pytest.fixture
def shared_plan(make_case, handler, coordinator, police, school, today):
    """A SIG plan with polis and skola, consented to by the young person and both custodians, an activity for
    each, a follow-up that was due ten days ago (not held) and one in two weeks."""
    case = make_case("sig", opened_on=today - datetime.timedelta(days=90))
    for giver in [None, *case.person.custodians.all()]:
        consent_record(
            actor=handler,
            person=case.person,
            custodian=giver,
            actors=[police, school],
            given_on=today - datetime.timedelta(days=60),
            form="skriftligt",
        )
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    for actor in (police, school):
        services.plan_participant_add(actor=handler, plan=plan, actor_obj=actor)
    goal = services.plan_goal_add(actor=handler, plan=plan, text="Inga nya brott")
    services.plan_activity_add(
        actor=handler, plan=plan, goal=goal, what="Orosamtal med polisen", responsible=police, when="Varje månad"
    )
    services.plan_activity_add(
        actor=handler, plan=plan, goal=goal, what="Närvarouppföljning", responsible=school, when="Varje vecka"
    )
    _missed_follow_up(handler, plan, today - datetime.timedelta(days=10))
    services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today + datetime.timedelta(days=14))
    return plan


def _missed_follow_up(handler, plan, day):
    """A follow-up planned for a day that has since passed without it being held (planning a past day is refused)."""
    follow_up = services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=timezone.localdate())
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=day)


def _revoke_police_for_one_parent(client, plan, police, today):
    parent = plan.case.person.custodians.first()
    consent = plan.case.person.consents.get(custodian=parent)
    response = client.post(
        reverse("interventions:plan_action", args=[plan.pk, "aterkalla"]),
        {"consent": consent.pk, "actors": [police.pk], "revoked_on": today.isoformat(), "reason": "Vill inte"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def test_withdrawing_the_police_flags_the_plan_for_the_police_only(client, handler, shared_plan, police, school, today):
    client.force_login(handler)
    _revoke_police_for_one_parent(client, shared_plan, police, today)

    state = selectors.plan_detail(plan=shared_plan)
    assert [problem.actor.code for problem in state.problems] == ["polis"]
    # new activities for the police are blocked, for the school they are not
    with pytest.raises(Exception, match="Polis kan inte ingå i planen"):
        services.plan_activity_add(actor=handler, plan=shared_plan, goal=None, what="X", responsible=police, when="Nu")
    services.plan_activity_add(actor=handler, plan=shared_plan, goal=None, what="Y", responsible=school, when="Nu")

    html = client.get(reverse("interventions:plan", args=[shared_plan.pk])).content.decode()
    assert "Planen är flaggad: samtycke saknas." in html
    assert "Samtycket för Polis gäller inte längre" in html and "Samtycket för Skola" not in html
    assert "1 befintlig aktivitet har en ansvarig aktör utan giltigt samtycke" in html
    # the police's existing activity is marked (in the goal list and in the table), the school's is not
    police_row = html[html.index("<td>Orosamtal med polisen") :].split("</tr>")[0]
    school_row = html[html.index("<td>Närvarouppföljning") :].split("</tr>")[0]
    assert ACTIVITY_MARK in police_row and ACTIVITY_MARK not in school_row
    assert html.count(ACTIVITY_MARK) == 2


def test_family_pdf_names_the_actors_that_may_share_and_the_real_next_follow_up(
    client, handler, shared_plan, police, today, tmp_path
):
    client.force_login(handler)
    _revoke_police_for_one_parent(client, shared_plan, police, today)

    text = " ".join(
        pdf_text(client.get(reverse("interventions:plan_pdf", args=[shared_plan.pk])).content, tmp_path).split()
    )

    assert "De som är med i planen och som vi får prata med om dig: Skola." in text
    assert "Vi pratar inte med de här om dig, eftersom samtycket inte gäller: Polis." in text
    assert f"Nästa uppföljning: {(today + datetime.timedelta(days=14)).isoformat()}." in text
    assert (today - datetime.timedelta(days=10)).isoformat() not in text


def test_family_pdf_with_only_a_missed_follow_up_does_not_call_it_next(
    client, handler, coordinator, make_case, today, tmp_path
):
    case = make_case("sig", opened_on=today - datetime.timedelta(days=90))
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    _missed_follow_up(handler, plan, today - datetime.timedelta(days=3))
    client.force_login(handler)

    text = " ".join(pdf_text(client.get(reverse("interventions:plan_pdf", args=[plan.pk])).content, tmp_path).split())

    assert "Nästa uppföljning är inte bestämd än. Din samordnare bokar en ny tid med dig." in text
    assert (today - datetime.timedelta(days=3)).isoformat() not in text


def test_case_page_shows_the_partial_revocation_in_consent_and_timeline(client, handler, shared_plan, police, today):
    client.force_login(handler)
    _revoke_police_for_one_parent(client, shared_plan, police, today)

    html = " ".join(client.get(reverse("case_detail", args=[shared_plan.case.pk])).content.decode().split())

    parent = shared_plan.case.person.custodians.first()
    assert f"{parent.name} (vårdnadshavare): Skola" in html  # what the parent's consent still covers
    assert "återkallat för</strong> Polis" in html
    assert (
        f"Samtycke från {parent.name} (vårdnadshavare) återkallades för Polis "
        "(gäller fortfarande för övriga aktörer)." in html
    )
