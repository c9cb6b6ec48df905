"""A SIG genomförandeplan in one sitting (issue 22.5), in real Chromium: the seed-sized plan (2 goals, 4
activities with responsible actors, a trainer, consent from 3 givers for 3 actors, 3 signatures, 2 planned
follow-ups) takes at most 40 user actions, counted by a small wrapper around click, fill, check and select."""

import datetime

import pytest
from playwright.sync_api import expect

from cases.models import InsatsType
from consent.models import Consent
from core.models import ChangeLog
from interventions.models import Activity, FollowUp, Goal, Plan, PlanAgreement, PlanParticipant
from tests.factories import CaseFactory, CustodianFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_ACTIONS = 40  # issue 22.5: about 94 before the one-sitting form


class Counted:
    """The user's actions on the page: each click, fill, check and select counts one."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()

    def fill(self, locator, text: str):
        self.count += 1
        locator.fill(text)

    def select(self, locator, label: str):
        self.count += 1
        locator.select_option(label=label)


def test_seed_sized_plan_in_at_most_40_actions(page, live_server, login, handler, coordinator, assert_accessible):
    today = datetime.date.today()
    person = PersonFactory(
        unit=handler.unit, first_name="Sam", last_name="Siggesson", birth_date=datetime.date(2009, 6, 1)
    )
    mother = CustodianFactory(person=person, name="Maria Siggesson")
    father = CustodianFactory(person=person, name="Mats Siggesson")
    case = CaseFactory(person=person, handler=handler, insats_type=InsatsType.objects.get(code="sig"))
    login(coordinator)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    user = Counted()

    user.click(page.get_by_role("link", name="Hantera insatsen, planen, samtycken och utlämnanden"))
    form = page.locator("#form-plan")
    user.click(form.locator("summary"))
    user.fill(form.get_by_label("Övergripande mål"), "Sam lämnar kriminaliteten och går tillbaka till skolan.")
    user.click(form.get_by_role("button", name="Skapa plan"))
    expect(page.get_by_text("Genomförandeplanen är skapad.")).to_be_visible()
    plan = Plan.objects.get(case=case)

    # one consent form: the young person and both custodians, for polis, skola and BUP
    form = page.locator("#form-samtycke")
    user.click(form.locator("summary"))
    for giver in ["Ungdomen själv", f"{mother.name} (vårdnadshavare)", f"{father.name} (vårdnadshavare)"]:
        user.check(form.get_by_label(giver))
    for actor in ("Polis", "Skola", "BUP"):
        user.check(form.get_by_label(actor, exact=True))
    user.check(form.get_by_label("Skriftligt"))
    user.click(form.get_by_role("button", name="Registrera samtycke"))
    expect(page.get_by_text("Samtycket är registrerat.")).to_be_visible()
    assert Consent.objects.filter(person=person).count() == 3

    # the plan itself on one form, one page load
    form = page.locator("#form-skriv")
    user.click(form.locator("summary"))
    activities = page.locator("#form-skriv [data-goal='0'] .plan-activity")
    expect(activities).to_have_count(3)
    user.click(form.locator("[data-goal='0']").get_by_role("button", name="Lägg till rad"))
    expect(activities).to_have_count(4)  # copied by static/js/rows.js, no reload
    user.fill(form.locator('[name="mal-0-text"]'), "Sam går i skolan varje dag.")
    user.fill(form.locator('[name="mal-1-text"]'), "Sam har en meningsfull fritid.")
    rows = [
        ("mal-0-akt-0", "Närvarokontroll varje morgon", "Skola", "Varje skoldag"),
        ("mal-0-akt-3", "Samtal om skolgången", "BUP", "Varannan vecka"),
        ("mal-1-akt-0", "Orosamtal med familjen", "Polis", "En gång i månaden"),
        ("mal-1-akt-1", "Hitta en fritidsaktivitet", "Socialtjänst", "I mars"),
    ]
    for prefix, what, who, when in rows:
        user.fill(form.locator(f'[name="{prefix}-what"]'), what)
        user.select(form.locator(f'[name="{prefix}-responsible"]'), who)
        user.fill(form.locator(f'[name="{prefix}-when"]'), when)
    user.fill(form.get_by_label("Personlig tränare"), "Kim Tränare")
    user.fill(form.get_by_label("Första uppföljningen"), (today + datetime.timedelta(days=30)).isoformat())
    user.fill(form.get_by_label("Andra uppföljningen"), (today + datetime.timedelta(days=90)).isoformat())
    for giver in ["Ungdomen själv", f"{mother.name} (vårdnadshavare)", f"{father.name} (vårdnadshavare)"]:
        user.check(form.get_by_label(giver))
    user.click(form.get_by_role("button", name="Spara planen"))

    message = page.get_by_text("Planen är sparad.")
    expect(message).to_be_visible()
    expect(message).to_be_in_viewport()
    assert user.count <= MAX_ACTIONS, user.count

    version = plan.versions.get()
    assert [g.text for g in Goal.objects.filter(version=version).order_by("position")] == [
        "Sam går i skolan varje dag.",
        "Sam har en meningsfull fritid.",
    ]
    saved = {(a.goal.position, a.what, a.actor.name, a.when) for a in Activity.objects.filter(version=version)}
    assert saved == {
        (1, "Närvarokontroll varje morgon", "Skola", "Varje skoldag"),
        (1, "Samtal om skolgången", "BUP", "Varannan vecka"),
        (2, "Orosamtal med familjen", "Polis", "En gång i månaden"),
        (2, "Hitta en fritidsaktivitet", "Socialtjänst", "I mars"),
    }
    assert set(PlanParticipant.objects.filter(version=version).values_list("actor__name", flat=True)) == {
        "Skola",
        "BUP",
        "Polis",
        "Socialtjänst",
    }
    plan.refresh_from_db()
    assert plan.trainer_name == "Kim Tränare"
    version.refresh_from_db()
    assert version.meeting_on == today
    assert FollowUp.objects.filter(version=version).count() == 2
    assert set(PlanAgreement.objects.filter(version=version).values_list("custodian_id", "agreed_on")) == {
        (None, today),
        (mother.pk, today),
        (father.pk, today),
    }
    # one history row per goal, activity, participant, follow-up and signature, the trainer and the meeting date
    written = ChangeLog.objects.filter(case_id=case.pk).values_list("object_type", flat=True)
    assert sorted(t for t in written if t != "interventions.plan") == sorted(
        ["interventions.planversion"] * 2
        + ["interventions.goal"] * 2
        + ["interventions.activity"] * 4
        + ["interventions.planparticipant"] * 4
        + ["interventions.followup"] * 2
        + ["interventions.planagreement"] * 3
    )
    expect(page.locator("#mal")).to_contain_text("Hitta en fritidsaktivitet – Socialtjänst")
    assert_accessible("plan-one-sitting")


def test_signing_date_before_the_meeting_is_refused(page, live_server, login, handler, coordinator):
    """A paper signature dated before the plan meeting: a Swedish message on the field, nothing saved."""
    person = PersonFactory(unit=handler.unit, birth_date=datetime.date(2009, 6, 1))
    case = CaseFactory(person=person, handler=handler, insats_type=InsatsType.objects.get(code="sig"))
    from interventions import services

    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    login(coordinator)
    page.goto(f"{live_server.url}/insatser/plan/{plan.pk}/")
    form = page.locator("#form-skriv")
    form.locator("summary").click()
    today = datetime.date.today()
    form.locator('[name="mal-0-text"]').fill("Ett mål")
    form.get_by_label("Planmötet hölls").fill(today.isoformat())
    form.get_by_label("Ungdomen själv").check()
    form.get_by_label("Underskriven").fill((today - datetime.timedelta(days=2)).isoformat())
    form.get_by_role("button", name="Spara planen").click()
    expect(page.locator("#form-skriv")).to_contain_text("Planen kan inte ha skrivits under före mötet där den skrevs.")
    assert not Goal.objects.filter(version__plan=plan).exists()
    assert not PlanAgreement.objects.exists()
