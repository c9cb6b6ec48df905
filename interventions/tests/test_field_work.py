"""Field shifts have start and end times; a polare night is planned, worked or cancelled and only worked
nights are paid (issue 19 point 2)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interventions import selectors, services
from interventions.models import FieldShift, Polare, PolareNight
from tests.factories import DistrictFactory, MunicipalityFactory


@pytest.fixture
def polare(handler, today):
    return services.polare_add(
        actor=handler,
        name="Polle",
        birth_date=today.replace(year=today.year - 16),
        service_started_on=today.replace(year=today.year - 1),
    )


def shift_values(today, **overrides):
    return {
        "worked_on": today,
        "district": None,
        "area": "Centrum",
        "youths_met": 30,
        "youths_talked": 8,
        **overrides,
    }


@pytest.mark.django_db
def test_a_shift_has_times_and_may_run_past_midnight(handler, today):
    shift = services.field_shift_record(
        actor=handler,
        staff=[handler],
        starts_at=datetime.time(20, 0),
        ends_at=datetime.time(1, 0),
        **shift_values(today),
    )
    shift.refresh_from_db()
    assert (shift.starts_at, shift.ends_at) == (datetime.time(20, 0), datetime.time(1, 0))
    with pytest.raises(ValidationError) as refused:
        services.field_shift_record(
            actor=handler, staff=[handler], starts_at=datetime.time(20, 0), **shift_values(today, area="Parken")
        )
    assert "ends_at" in refused.value.message_dict
    # shifts logged before there were times stay valid
    old = services.field_shift_record(actor=handler, staff=[handler], **shift_values(today, area="Torget"))
    assert old.starts_at is None and old.ends_at is None


@pytest.mark.django_db
def test_shift_times_through_the_page(client, handler, today):
    client.force_login(handler)
    data = {
        "worked_on": today.isoformat(),
        "starts_at": "19:30",
        "ends_at": "23:45",
        "area": "Skäggetorp centrum",
        "staff": [handler.pk],
        "youths_met": "40",
        "youths_talked": "12",
    }
    response = client.post(reverse("interventions:field_shifts"), data, follow=True)
    assert response.status_code == 200
    shift = FieldShift.objects.get()
    assert (shift.starts_at, shift.ends_at) == (datetime.time(19, 30), datetime.time(23, 45))
    assert "19:30–23:45" in response.content.decode()


@pytest.mark.django_db
def test_the_shift_form_offers_the_districts_of_the_units_municipality_only(client, handler, today):
    own = DistrictFactory(name="Skäggetorp")
    elsewhere = DistrictFactory(name="Centrum", municipality=MunicipalityFactory(name="Motala kommun", code="0583"))
    client.force_login(handler)

    page = client.get(reverse("interventions:field_shifts")).content.decode()
    data = {"worked_on": today, "area": "Torget", "staff": [handler.pk], "youths_met": 3, "youths_talked": 1}
    refused = client.post(reverse("interventions:field_shifts"), {**data, "district": elsewhere.pk})

    assert f'<option value="{own.pk}">Skäggetorp</option>' in page
    assert "Centrum</option>" not in page
    assert refused.status_code == 400
    assert "Välj ett giltigt alternativ" in refused.content.decode()
    assert not FieldShift.objects.exists()


@pytest.mark.django_db
def test_a_future_night_is_planned_and_not_paid_until_worked(handler, polare, today):
    past = services.polare_night_book(actor=handler, polare=polare, worked_on=today - datetime.timedelta(days=7))
    tonight = services.polare_night_book(actor=handler, polare=polare, worked_on=today)
    future = services.polare_night_book(actor=handler, polare=polare, worked_on=today + datetime.timedelta(days=7))
    assert (past.status, tonight.status, future.status) == ("arbetad", "planerad", "planerad")
    roster = selectors.polare_roster_for_user(user=handler).get()
    assert (roster.nights_count, roster.fees_total) == (1, past.fee)  # the planned ones are paid nothing

    with pytest.raises(ValidationError) as refused:
        services.polare_night_set_status(actor=handler, night=future, status="arbetad")
    assert "inte har varit" in str(refused.value)
    services.polare_night_set_status(actor=handler, night=future, status="installd")
    services.polare_night_set_status(actor=handler, night=tonight, status="arbetad")
    roster = selectors.polare_roster_for_user(user=handler).get()
    assert (roster.nights_count, roster.fees_total) == (2, past.fee + tonight.fee)
    with pytest.raises(ValidationError):  # a worked night is not moved into the future
        services.polare_night_correct(
            actor=handler,
            night=tonight,
            worked_on=today + datetime.timedelta(days=3),
            fee=Decimal("400"),
            change_reason="Fel datum",
        )


@pytest.mark.django_db
def test_marking_a_night_on_the_polare_page(client, handler, outsider, polare, today):
    night = services.polare_night_book(actor=handler, polare=polare, worked_on=today)
    client.force_login(handler)
    page = client.get(reverse("interventions:polare")).content.decode()
    assert "Planerad" in page
    response = client.post(
        reverse("interventions:polare"), {"form": "status", "night": night.pk, "status": "arbetad"}, follow=True
    )
    assert "Kvällens status är sparad." in response.content.decode()
    night.refresh_from_db()
    assert night.status == "arbetad"
    # someone of another unit cannot mark it
    client.force_login(outsider)
    response = client.post(reverse("interventions:polare"), {"form": "status", "night": night.pk, "status": "installd"})
    assert response.status_code in (400, 403, 404)
    assert PolareNight.objects.get().status == "arbetad"


@pytest.mark.django_db
def test_field_work_of_a_user_without_a_unit_is_refused_in_swedish_and_nothing_is_saved(handler, today):
    handler.unit = None
    handler.save(update_fields=["unit"])

    with pytest.raises(ValidationError) as refused:
        services.polare_add(
            actor=handler,
            name="Polle",
            birth_date=today.replace(year=today.year - 16),
            service_started_on=today.replace(year=today.year - 1),
        )

    assert "Du måste tillhöra en enhet." in refused.value.messages
    assert not Polare.objects.exists()
