"""The phone's field log in real Chromium, offline: the service worker keeps the page, a shift with counters
and an event waits in IndexedDB through a reload without network, a signed-out phone keeps it until signed in
again, and once sent the server holds exactly one copy, also when the same entry is sent again (issue 22)."""

import pytest
from playwright.sync_api import expect

from interventions.models import FieldEvent, FieldLogEntry, FieldShift
from tests.factories import DistrictFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP = "/insatser/falt/app/"


def test_a_shift_logged_offline_is_sent_once(page, context, live_server, login, handler, assert_accessible):
    DistrictFactory(name="Skäggetorp")
    DistrictFactory(name="Ryd")
    login(handler)
    page.goto(f"{live_server.url}{APP}")
    # polled from here: wait_for_function evaluates a string in the page, which the CSP (no unsafe-eval) refuses
    for _attempt in range(600):
        if page.evaluate("() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the service worker did not take control of the page")
    assert_accessible("field-app-1-online")

    context.set_offline(True)
    page.get_by_role("button", name="Starta pass").click()
    page.get_by_label("Passet började").fill("19:00")
    page.get_by_label("Område", exact=True).select_option(label="Ryd")
    page.get_by_role("button", name="Vi är i det här området nu").click()
    for _ in range(3):
        page.get_by_role("button", name="Lägg till en mött ungdom i Ryd").click()
    page.get_by_role("button", name="Lägg till ett samtal i Ryd").click()
    expect(page.locator("#areas")).to_contain_text("Mötta: 3 · Samtal: 1")
    page.get_by_label("Typ").select_option(label="Bråk eller konflikt")
    page.get_by_label("Plats").fill("Rydsvägen")
    page.get_by_label("Kort anteckning (inga namn)").fill("Två grupper, lugnade ner")
    page.get_by_role("button", name="Lägg till händelse").click()
    expect(page.locator("#events")).to_contain_text("Rydsvägen")
    page.get_by_label("Passet slutade").fill("23:45")
    page.get_by_role("button", name="Avsluta och spara passet").click()
    expect(page.locator("#queue")).to_contain_text("Väntar: Pass")

    page.reload()  # no network: the service worker serves the kept page, the queue is still there
    expect(page.get_by_role("heading", name="Fältlogg")).to_be_visible()
    expect(page.locator("#queue")).to_contain_text("Väntar: Pass")
    [waiting] = page.evaluate("idbKeyval.get('faltlogg-ko')")
    payload = waiting["payload"]
    assert not ({"lat", "lon", "position", "coords", "latitude", "longitude"} & set(str(payload).split("'")))
    assert not FieldShift.objects.exists()

    context.clear_cookies()  # the session ran out while offline
    context.set_offline(False)
    page.get_by_role("button", name="Skicka nu").click()
    expect(page.get_by_role("link", name="Logga in för att skicka")).to_be_visible()
    expect(page.locator("#queue")).to_contain_text("Väntar: Pass")
    assert not FieldShift.objects.exists()

    login(handler)
    page.goto(f"{live_server.url}{APP}")
    expect(page.locator("#queue")).to_contain_text("Skickad: Pass")
    shift = FieldShift.objects.get()
    assert (shift.district.name, shift.youths_met, shift.youths_talked) == ("Ryd", 3, 1)
    assert shift.ends_at.strftime("%H:%M") == "23:45"
    event = FieldEvent.objects.get()
    assert (event.kind, event.place, event.note) == ("konflikt", "Rydsvägen", "Två grupper, lugnade ner")
    assert FieldLogEntry.objects.count() == 1

    status = page.evaluate(
        """async (payload) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const response = await fetch(document.getElementById('field-app').dataset.syncUrl, {
                method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
                body: JSON.stringify(payload),
            });
            return response.status;
        }""",
        payload,
    )
    assert status == 200  # the same key again: the first result, nothing written
    assert (FieldShift.objects.count(), FieldEvent.objects.count(), FieldLogEntry.objects.count()) == (1, 1, 1)


def test_month_and_polare_pages_pass_the_axe_scan(page, live_server, login, handler, assert_accessible):
    from django.utils import timezone

    from interventions import services

    today = timezone.localdate()
    district = DistrictFactory(name="Skäggetorp")
    services.field_log_sync(
        actor=handler,
        payload={
            "key": "5f0c8a52-8d0e-4f43-9a57-1c2b3d4e5f60",
            "worked_on": today.isoformat(),
            "starts_at": "19:00",
            "ends_at": "22:30",
            "areas": [{"district": district.pk, "from": "19:00", "met": 9, "talked": 3}],
            "events": [{"kind": "oro", "district": district.pk, "place": "Torget", "at": "20:00", "note": "Grupp"}],
        },
    )
    polare = services.polare_add(
        actor=handler,
        name="Polle Polaresson",
        birth_date=today.replace(year=today.year - 16),
        service_started_on=today.replace(year=today.year - 1),
    )
    services.polare_night_book(actor=handler, polare=polare, worked_on=today)
    login(handler)
    page.goto(f"{live_server.url}/insatser/falt/manad/")
    expect(page.locator("table").first).to_contain_text("Skäggetorp")
    assert_accessible("field-month")
    page.goto(f"{live_server.url}/insatser/falt/polare/")
    expect(page.locator("body")).to_contain_text("Planerad")
    assert_accessible("polare-planned")
    page.get_by_role("button", name="Arbetad").click()
    expect(page.get_by_text("Kvällens status är sparad.")).to_be_visible()
    assert_accessible("polare-worked")
