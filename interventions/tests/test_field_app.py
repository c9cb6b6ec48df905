"""The phone's field log: one JSON endpoint takes a queued entry with the key the phone made; a resend of the
key returns the first result and writes nothing; unknown keys (a position) are refused; a signed-out phone
keeps its entry (issue 22 points 1-3 and 6)."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import ChangeLog
from interventions import services
from interventions.models import FieldEvent, FieldLogEntry, FieldShift, PolareNight
from interventions.selectors import field_app_data
from tests.factories import DistrictFactory, MunicipalityFactory

SYNC = "interventions:field_app_sync"


@pytest.fixture
def districts(db):
    return DistrictFactory(name="Skäggetorp"), DistrictFactory(name="Ryd")


def entry(districts, today, **overrides):
    skaggetorp, ryd = districts
    return {
        "key": str(uuid.uuid4()),
        "worked_on": today.isoformat(),
        "starts_at": "19:00",
        "ends_at": "23:30",
        "areas": [
            {"district": skaggetorp.pk, "from": "19:00", "met": 12, "talked": 4},
            {"district": ryd.pk, "from": "21:15", "met": 7, "talked": 2},
        ],
        "events": [{"kind": "konflikt", "district": ryd.pk, "place": "Rydsvägen", "at": "22:05", "note": "Bråk löst"}],
        "polare": [],
        "area_effort": None,
        **overrides,
    }


def area(district, **values):
    return {"district": district.pk, "from": "19:00", "met": 0, "talked": 0, **values}


def post(client, payload):
    return client.post(reverse(SYNC), json.dumps(payload), content_type="application/json")


@pytest.mark.django_db
def test_an_entry_is_recorded_once_per_district_slot_and_a_resend_writes_nothing(
    client, handler, districts, today, django_assert_max_num_queries
):
    client.force_login(handler)
    payload = entry(districts, today)
    with django_assert_max_num_queries(34):  # two district slots and an event, each with its history row
        first = post(client, payload)
    assert first.status_code == 201
    shifts = list(FieldShift.objects.order_by("starts_at"))
    assert [(s.district.name, s.starts_at, s.ends_at, s.youths_met, s.youths_talked) for s in shifts] == [
        ("Skäggetorp", datetime.time(19, 0), datetime.time(21, 15), 12, 4),
        ("Ryd", datetime.time(21, 15), datetime.time(23, 30), 7, 2),
    ]
    event = FieldEvent.objects.get()
    assert (event.shift.district.name, event.kind, event.place, event.note) == (
        "Ryd",
        "konflikt",
        "Rydsvägen",
        "Bråk löst",
    )
    history_rows = ChangeLog.objects.count()
    with django_assert_max_num_queries(8):  # a resend: session, user, permissions, the key and its shifts
        again = post(client, payload)
    assert again.status_code == 200 and again.json() == first.json()
    assert FieldShift.objects.count() == 2 and FieldEvent.objects.count() == 1 and FieldLogEntry.objects.count() == 1
    assert ChangeLog.objects.count() == history_rows


@pytest.mark.django_db
def test_a_position_or_any_unknown_key_is_refused_and_nothing_is_saved(client, handler, districts, today):
    client.force_login(handler)
    for payload in (
        entry(districts, today, position={"lat": 58.42, "lon": 15.59}),
        entry(
            districts, today, areas=[{"district": districts[0].pk, "from": "19:00", "met": 1, "talked": 0, "lat": 58.4}]
        ),
        entry(
            districts,
            today,
            events=[{"kind": "oro", "district": None, "place": "", "at": "20:00", "note": "", "coords": [1, 2]}],
        ),
    ):
        response = post(client, payload)
        assert response.status_code == 400
        assert "Okända uppgifter" in json.dumps(response.json(), ensure_ascii=False)
    assert not FieldShift.objects.exists() and not FieldLogEntry.objects.exists() and not ChangeLog.objects.exists()


@pytest.mark.django_db
def test_bad_entries_get_a_swedish_message_and_nothing_half_saved(client, handler, districts, today):
    client.force_login(handler)
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    too_many_talks = entry(
        districts, today, areas=[{"district": districts[0].pk, "from": "19:00", "met": 1, "talked": 3}]
    )
    for payload in (entry(districts, today, worked_on=tomorrow), too_many_talks, entry(districts, today, areas=[])):
        response = post(client, payload)
        assert response.status_code == 400, payload
    assert not FieldShift.objects.exists() and not FieldLogEntry.objects.exists()
    assert post(client, "inte json").status_code == 400


@pytest.mark.django_db
def test_signed_out_gets_401_and_other_units_efforts_are_unknown(client, handler, outsider, districts, today):
    payload = entry(districts, today)
    assert post(client, payload).status_code == 401  # the phone keeps the entry and asks to sign in
    effort = services.area_effort_start(actor=outsider, district=districts[0], starts_on=today, weeks=2, reason="Oro")
    client.force_login(handler)
    assert post(client, entry(districts, today, area_effort=effort.pk)).status_code == 400
    assert not FieldShift.objects.exists()


@pytest.mark.django_db
def test_the_phone_knows_only_the_districts_of_the_units_municipality(client, handler, districts, today):
    elsewhere = DistrictFactory(name="Centrum", municipality=MunicipalityFactory(name="Motala kommun", code="0583"))
    client.force_login(handler)

    offered = [district["name"] for district in field_app_data(user=handler)["districts"]]
    refused = post(client, entry(districts, today, areas=[area(elsewhere, met=3)]))

    assert offered == ["Ryd", "Skäggetorp"]
    assert refused.status_code == 400
    assert "Okänt område." in json.dumps(refused.json(), ensure_ascii=False)
    assert not FieldShift.objects.exists()


@pytest.mark.django_db
def test_sync_needs_the_csrf_token(handler, districts, today):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(handler)
    assert post(client, entry(districts, today)).status_code == 403
    assert not FieldShift.objects.exists()


@pytest.mark.django_db
def test_polare_on_the_shift_worked_that_night(client, handler, districts, today):
    polare = services.polare_add(
        actor=handler,
        name="Polle",
        birth_date=today.replace(year=today.year - 16),
        service_started_on=today.replace(year=today.year - 1),
    )
    client.force_login(handler)
    assert post(client, entry(districts, today, polare=[polare.pk])).status_code == 201
    night = PolareNight.objects.get()
    assert (night.worked_on, night.status) == (today, "arbetad")


@pytest.mark.django_db
def test_the_app_page_and_its_service_worker(client, handler, districts, django_assert_max_num_queries):
    client.force_login(handler)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("interventions:field_app"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "manifest.webmanifest" in html and "<script>" not in html  # no inline script (CSP script-src 'self')
    worker = client.get(reverse("interventions:field_app_sw"))
    assert worker["Content-Type"].startswith("text/javascript")
    assert reverse("interventions:field_app") in worker.content.decode()


@pytest.mark.django_db
def test_the_month_page_shows_hours_met_and_talked_per_district_and_the_events(
    client, handler, outsider, districts, today, django_assert_max_num_queries
):
    client.force_login(handler)
    assert post(client, entry(districts, today)).status_code == 201  # 19:00–21:15 Skäggetorp, 21:15–23:30 Ryd
    services.field_shift_record(
        actor=handler,
        worked_on=today,
        district=districts[1],
        area="Ryd centrum",
        staff=[handler],
        youths_met=5,
        youths_talked=5,
        starts_at=datetime.time(22, 0),
        ends_at=datetime.time(1, 0),  # past midnight: 3 hours
    )
    url = reverse("interventions:field_month") + f"?manad={today:%Y-%m}"
    with django_assert_max_num_queries(12):
        response = client.get(url)
    month = response.context
    assert month["totals"] == {"shifts": 3, "met": 24, "talked": 11, "hours": Decimal("7.5")}
    assert [(d["district__name"], d["shifts"], d["hours"], d["met"], d["talked"]) for d in month["districts"]] == [
        ("Ryd", 2, Decimal("5.3"), 12, 7),
        ("Skäggetorp", 1, Decimal("2.3"), 12, 4),
    ]
    html = response.content.decode()
    assert "Bråk eller konflikt" in html and "Rydsvägen" in html
    client.force_login(outsider)
    other_unit = client.get(url)
    assert other_unit.context["totals"]["shifts"] == 0
    assert "Rydsvägen" not in other_unit.content.decode() and "Bråk löst" not in other_unit.content.decode()


@pytest.mark.django_db
def test_the_namnd_report_uses_the_same_field_figures(client, handler, districts, today):
    from reporting.figures import Period, Scope, field_section

    client.force_login(handler)
    post(client, entry(districts, today))
    period = Period(today.replace(day=1), today)
    section = {row.key: row.current for row in field_section(period, Scope(), period.previous_year()).figures}
    month = client.get(reverse("interventions:field_month")).context["totals"]
    assert (section["shifts"], section["met"], section["talked"]) == (month["shifts"], month["met"], month["talked"])
