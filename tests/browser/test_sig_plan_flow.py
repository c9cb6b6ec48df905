"""SIG plan and consent enforcement in real Chromium: create a SIG plan → try to add polis
without consent (blocked, message shown) → record consent from the young person and the custodians → add
polis → revoke consent → the plan is flagged."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases.models import InsatsType
from consent.models import Actor
from consent.services import consent_record
from interventions import services
from interventions.models import Plan, PlanParticipant
from tests.factories import CaseFactory, CustodianFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_form(page, name):
    """Open the collapsed action form `name` (a <details> element) and return it."""
    form = page.locator(f"#form-{name}")
    form.locator("summary").click()
    return form


def test_sig_plan_consent_flow(page, live_server, login, handler, coordinator, screenshot, assert_accessible):
    person = PersonFactory(
        unit=handler.unit, first_name="Sam", last_name="Siggesson", birth_date=datetime.date(2009, 6, 1)
    )
    mother = CustodianFactory(person=person, name="Maria Siggesson")
    father = CustodianFactory(person=person, name="Mats Siggesson")
    case = CaseFactory(person=person, handler=handler, insats_type=InsatsType.objects.get(code="sig"))

    login(coordinator)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    page.get_by_role("link", name="Hantera insatsen, planen, samtycken och utlämnanden").click()

    # create a SIG plan
    form = open_form(page, "plan")
    form.get_by_label("Övergripande mål").fill("Sam lämnar kriminaliteten och går tillbaka till skolan.")
    form.get_by_role("button", name="Skapa plan").click()
    expect(page.get_by_text("Genomförandeplanen är skapad.")).to_be_visible()
    plan = Plan.objects.get(case=case)
    assert page.url == f"{live_server.url}/insatser/plan/{plan.pk}/"

    # try to add polis without consent: blocked, with the reason on the page next to the field
    form = open_form(page, "aktor")
    form.get_by_label("Aktör").select_option(label="Polis")
    form.get_by_role("button", name="Lägg till aktör").click()
    blocked = page.locator("#form-aktor")
    expect(blocked).to_contain_text("Polis kan inte ingå i planen eftersom giltigt samtycke saknas")
    expect(blocked).to_contain_text("ungdomen")
    expect(blocked.get_by_label("Aktör")).to_have_attribute("aria-invalid", "true")
    assert not PlanParticipant.objects.exists()
    assert_accessible("sig-1-polis-blocked")

    # record consent from the young person and both custodians
    for giver in ["Ungdomen själv", f"{mother.name} (vårdnadshavare)", f"{father.name} (vårdnadshavare)"]:
        form = open_form(page, "samtycke")
        form.get_by_label(giver).check()
        form.get_by_label("Polis").check()
        form.get_by_label("Skriftligt").check()
        form.get_by_role("button", name="Registrera samtycke").click()
        expect(page.get_by_text("Samtycket är registrerat.")).to_be_visible()

    # now polis can be added
    form = open_form(page, "aktor")
    form.get_by_label("Aktör").select_option(label="Polis")
    form.get_by_label("Kontaktperson").fill("Närpolisen Skäggetorp")
    form.get_by_role("button", name="Lägg till aktör").click()
    expect(page.get_by_text("Aktören ingår nu i planen.")).to_be_visible()
    expect(page.locator("#aktorer")).to_contain_text("Polis (Närpolisen Skäggetorp)")
    expect(page.get_by_text("Planen är flaggad: samtycke saknas.")).to_have_count(0)

    # a custodian revokes: the plan is flagged at once
    form = open_form(page, "aterkalla")
    form.get_by_label("Samtycke som återkallas").select_option(
        label=f"{father.name}: Polis ({datetime.date.today().isoformat()})"
    )
    form.get_by_label("Anledning").fill("Pappan vill inte längre")
    form.get_by_role("button", name="Återkalla samtycket").click()
    expect(page.get_by_text("Samtycket är återkallat från och med det angivna datumet.")).to_be_visible()
    flag = page.locator("#consent-flag")
    expect(flag).to_contain_text("Planen är flaggad: samtycke saknas.")
    expect(flag).to_contain_text(father.name)
    expect(page.locator("#aktorer")).to_contain_text("samtycke saknas, nya aktiviteter spärrade")
    screenshot("sig-2-plan-flagged")
    assert_accessible("sig-2-plan-flagged-scan")
    page.goto(f"{live_server.url}/insatser/arende/{case.pk}/")
    open_form(page, "utlamnande")
    assert_accessible("sig-3-insats-page")

    # and the case page shows the flag too
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    expect(page.get_by_text("Flaggad: samtycke saknas.")).to_be_visible()


def test_insats_pages_are_accessible(page, live_server, login, handler, assert_accessible):
    """axe-core finds no serious or critical violation on the other insats pages (with data and open forms)."""
    today = datetime.date.today()
    cases = {}
    for code in ("ungdomstjanst", "medling", "avhopp"):
        person = PersonFactory(unit=handler.unit, birth_date=datetime.date(2008, 3, 3))
        CustodianFactory(person=person)
        # service cases: on a bistånd case no insats starts before its beslut (decisions.rules)
        cases[code] = CaseFactory(
            person=person, handler=handler, insats_type=InsatsType.objects.get(code=code), basis="service"
        )
    order = services.community_service_set(
        actor=handler,
        case=cases["ungdomstjanst"],
        ordered_hours=30,
        judgment_on=today,
        issued_by="Linköpings tingsrätt",
        report_to="Åklagaren",
    )
    workplace = services.community_service_workplace_add(actor=handler, order=order, name="Second hand")
    services.community_service_session_add(
        actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("4")
    )
    services.mediation_set(actor=handler, case=cases["medling"], offence="Skadegörelse", mediator=handler)
    services.defector_assess(
        actor=handler, case=cases["avhopp"], assessed_on=today, threat_level="latent", motivated=True
    )
    services.purchased_service_add(
        actor=handler,
        case=cases["avhopp"],
        kind="behandling",
        provider="Vägen AB",
        starts_on=today,
        ends_on=None,
        price=Decimal("120000"),
    )
    login(handler)
    for code, case in cases.items():
        page.goto(f"{live_server.url}/insatser/arende/{case.pk}/")
        for summary in page.locator("details > summary").all():
            summary.click()
        assert_accessible(f"insats-{code}")
    for path in (
        "planering/",
        "falt/",
        "falt/polare/",
        "falt/omradesinsatser/",
        "aslan/",
        "stod/kort-arende/",
        "avhopp/kostnader/",
    ):
        page.goto(f"{live_server.url}/insatser/{path}")
        assert_accessible("insats-" + path.strip("/").replace("/", "-"))


def test_a_parent_withdraws_the_police_only(page, live_server, login, handler, coordinator, assert_accessible):
    """The father withdraws polis and keeps skola: the plan is flagged for polis only and the police's
    activity is marked with text."""
    today = datetime.date.today()
    person = PersonFactory(unit=handler.unit, birth_date=datetime.date(2009, 6, 1))
    father = CustodianFactory(person=person, name="Mats Siggesson")
    case = CaseFactory(person=person, handler=handler, insats_type=InsatsType.objects.get(code="sig"))
    police, school = Actor.objects.get(code="polis"), Actor.objects.get(code="skola")
    for giver in (None, father):
        consent_record(
            actor=handler, person=person, custodian=giver, actors=[police, school], given_on=today, form="skriftligt"
        )
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    for actor in (police, school):
        services.plan_participant_add(actor=handler, plan=plan, actor_obj=actor)
    services.plan_activity_add(
        actor=handler, plan=plan, goal=None, what="Orosamtal", responsible=police, when="Varje månad"
    )
    services.plan_activity_add(
        actor=handler, plan=plan, goal=None, what="Närvaro", responsible=school, when="Varje vecka"
    )

    login(coordinator)
    page.goto(f"{live_server.url}/insatser/plan/{plan.pk}/")
    form = open_form(page, "aterkalla")
    form.get_by_label("Samtycke som återkallas").select_option(
        label=f"{father.name}: Polis, Skola ({today.isoformat()})"
    )
    form.get_by_label("Polis").check()
    form.get_by_label("Anledning").fill("Pappan vill inte att polisen får uppgifter")
    form.get_by_role("button", name="Återkalla samtycket").click()

    expect(page.get_by_text("Samtycket är återkallat från och med det angivna datumet.")).to_be_visible()
    flag = page.locator("#consent-flag")
    expect(flag).to_contain_text("Samtycket för Polis gäller inte längre")
    expect(flag).not_to_contain_text("Samtycket för Skola")
    rows = page.locator("#mal table tbody tr")
    expect(rows.filter(has_text="Orosamtal")).to_contain_text("Samtycket för aktören gäller inte")
    expect(rows.filter(has_text="Närvaro")).not_to_contain_text("Samtycket för aktören gäller inte")
    assert_accessible("sig-4-partial-revocation")
