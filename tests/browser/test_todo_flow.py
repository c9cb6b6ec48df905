"""The one to-do list in real Chromium: Mina ärenden shows an overdue activity as "Försenad", its link
opens the form on the plan where it is marked done, and then it is gone from Mina ärenden and Planering; the
enhetschef reads the unit's caseload per handläggare."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import InsatsType
from consent.models import Actor
from interventions import services
from tests.factories import CaseFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overdue_activity_from_mina_arenden_to_done(page, live_server, login, handler, manager, assert_accessible):
    today = timezone.localdate()
    person = PersonFactory(unit=handler.unit, first_name="Tove", last_name="Todosson")
    case = CaseFactory(person=person, handler=handler, insats_type=InsatsType.objects.get(code="sig"))
    plan = services.plan_create(actor=handler, case=case, coordinator=handler)
    services.plan_activity_add(
        actor=handler,
        plan=plan,
        goal=None,
        what="Ringa mentorn på skolan",
        responsible=Actor.objects.get(code="ungdomen"),
        when="i veckan",
        due_on=today - datetime.timedelta(days=2),
    )

    login(handler)
    todo = page.locator("#att-gora")
    row = todo.locator("tr", has_text="Ringa mentorn på skolan")
    expect(row).to_contain_text("Försenad")
    expect(row).to_contain_text("Tove Todosson")
    assert_accessible("todo-1-mina-arenden")

    row.get_by_role("link", name="Markera aktiviteten som klar").click()
    assert page.url.endswith(f"/insatser/plan/{plan.pk}/?oppna=aktivitet-klar#form-aktivitet-klar")
    form = page.locator("#form-aktivitet-klar")  # the link opened it
    form.get_by_label("Aktivitet").select_option(label="Ringa mentorn på skolan")
    form.get_by_role("button", name="Markera som klar").click()
    expect(page.get_by_text("Aktiviteten är markerad som klar.")).to_be_visible()

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mina ärenden").click()
    expect(page.locator("#att-gora")).to_contain_text("Inget är på tur eller försenat.")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Planering").click()
    expect(page.locator("main")).not_to_contain_text("Ringa mentorn på skolan")

    # the enhetschef finds the caseload from the navigation; the handläggare's row has the counts
    page.get_by_role("button", name="Logga ut").click()
    login(manager)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärendebelastning").click()
    row = page.locator(f'tr[data-user="{handler.username}"]')
    expect(row.locator("td").first).to_have_text("1")  # one open case
    expect(row).to_contain_text("Hanna Handläggare")
    assert_accessible("todo-2-arendebelastning")
