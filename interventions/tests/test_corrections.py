"""Correcting and removing recorded rows with hours, costs, fees or numbers: always with a reason, written to
the change history in the same transaction; an exact copy of a row is refused unless confirmed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import ChangeLog
from interventions import services
from interventions.models import (
    AreaEffort,
    AreaEffortExtension,
    CommunityServiceSession,
    FieldShift,
    PolareNight,
    PurchasedService,
)
from tests.factories import DistrictFactory, UserFactory

DUPLICATE = "Exakt samma uppgifter finns redan registrerade."


def history(instance_type: str) -> list[ChangeLog]:
    return list(ChangeLog.objects.filter(object_type=instance_type).order_by("id"))


def only_row(rows: list[ChangeLog]) -> ChangeLog:
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def order(make_case, handler, today):
    case = make_case("ungdomstjanst", birth_date=datetime.date(today.year - 16, 5, 5))
    order = services.community_service_set(
        actor=handler,
        case=case,
        ordered_hours=40,
        judgment_on=today - datetime.timedelta(days=30),
        issued_by="Attunda tingsrätt",
        report_to="Åklagare Ek",
    )
    services.community_service_workplace_add(actor=handler, order=order, name="Biblioteket")
    return order


@pytest.fixture
def avhopp_case(make_case, today):
    return make_case("avhopp", birth_date=datetime.date(today.year - 19, 5, 5))


def purchase_values(today, **overrides):
    values = {
        "kind": "skyddat_boende",
        "provider": "Boende Nord AB",
        "starts_on": today - datetime.timedelta(days=10),
        "ends_on": None,
        "price": Decimal("6250050.00"),
        "note": "",
    }
    return {**values, **overrides}


# ---------------------------------------------------------------- ungdomstjänst hours


@pytest.mark.django_db
def test_hours_saved_as_15_are_corrected_to_1_5_with_the_reason_in_history(order, handler, today):
    workplace = order.workplaces.get()
    session = services.community_service_session_add(
        actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("15")
    )
    created = only_row(history("interventions.communityservicesession"))
    assert (created.action, created.case_id, created.changes["hours"]) == ("create", order.case_id, [None, "15"])

    services.community_service_session_correct(
        actor=handler,
        session=session,
        workplace=workplace,
        performed_on=today,
        hours=Decimal("1.5"),
        change_reason="Registrerat 15 i stället för 1,5 timmar",
    )
    assert CommunityServiceSession.objects.get().hours == Decimal("1.5")
    row = history("interventions.communityservicesession")[-1]
    assert (row.actor_id, row.object_id, row.action, row.case_id, row.person_id) == (
        handler.pk,
        str(session.pk),
        "update",
        order.case_id,
        order.case.person_id,
    )
    assert row.changes == {
        "hours": ["15.0", "1.5"],
        "change_reason": [None, "Registrerat 15 i stället för 1,5 timmar"],
    }


@pytest.mark.django_db
def test_an_occasion_recorded_twice_is_refused_unless_confirmed_and_can_be_removed(order, handler, today):
    workplace = order.workplaces.get()
    values = {"order": order, "workplace": workplace, "performed_on": today, "hours": Decimal("2")}
    first = services.community_service_session_add(actor=handler, **values)
    with pytest.raises(ValidationError) as copy:
        services.community_service_session_add(actor=handler, **values)
    assert copy.value.message_dict["confirm_duplicate"][0].startswith(DUPLICATE)
    second = services.community_service_session_add(actor=handler, **values, confirm_duplicate=True)
    assert order.sessions.count() == 2

    with pytest.raises(ValidationError) as no_reason:
        services.community_service_session_remove(actor=handler, session=second, change_reason=" ")
    assert no_reason.value.message_dict == {"change_reason": ["Skriv varför raden tas bort."]}
    services.community_service_session_remove(actor=handler, session=second, change_reason="Registrerad två gånger")
    assert list(order.sessions.all()) == [first]
    removed = history("interventions.communityservicesession")[-1]
    assert (removed.action, removed.object_id, removed.case_id) == ("delete", str(second.pk), order.case_id)
    assert removed.changes == {
        "order": [str(order.pk), None],
        "workplace": [str(workplace.pk), None],
        "performed_on": [today.isoformat(), None],
        "hours": ["2.0", None],
        "recorded_by": [str(handler.pk), None],
        "change_reason": [None, "Registrerad två gånger"],
    }


@pytest.mark.django_db
def test_a_correction_needs_a_reason_and_a_change(order, handler, today):
    workplace = order.workplaces.get()
    session = services.community_service_session_add(
        actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("3")
    )
    values = {"session": session, "workplace": workplace, "performed_on": today}
    with pytest.raises(ValidationError) as no_reason:
        services.community_service_session_correct(actor=handler, **values, hours=Decimal("2"), change_reason="")
    assert no_reason.value.message_dict == {"change_reason": ["Skriv varför uppgifterna rättas."]}
    with pytest.raises(ValidationError) as unchanged:
        services.community_service_session_correct(actor=handler, **values, hours=Decimal("3"), change_reason="Koll")
    assert unchanged.value.messages == ["Inget är ändrat. Ändra en uppgift eller avbryt."]
    assert CommunityServiceSession.objects.get().hours == Decimal("3.0")
    assert len(history("interventions.communityservicesession")) == 1  # only the creation


# ---------------------------------------------------------------- avhopp: purchased insatser


@pytest.mark.django_db
def test_purchase_corrected_on_its_page_and_removed_with_history(client, handler, avhopp_case, today):
    purchase = services.purchased_service_add(actor=handler, case=avhopp_case, **purchase_values(today))
    client.force_login(handler)
    case_page = client.get(reverse("interventions:case", args=[avhopp_case.pk])).content.decode()
    url = reverse("interventions:case_row", args=[avhopp_case.pk, "kopt-insats", purchase.pk])
    assert url in case_page
    page = client.get(url).content.decode()
    assert 'value="6250050,00"' in page  # the current cost, shown with a decimal comma

    data = {
        "form": "ratta",
        "kind": "skyddat_boende",
        "provider": "Boende Nord AB",
        "starts_on": purchase.starts_on.isoformat(),
        "price": "62 500,50",
        "price_unit": "period",
        "change_reason": "Kommat föll bort: fakturan är 62 500,50 kr",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#avhopp")
    purchase.refresh_from_db()
    assert purchase.cost == Decimal("62500.50")
    row = history("interventions.purchasedservice")[-1]
    assert (row.action, row.object_id, row.case_id, row.person_id, row.actor_id) == (
        "update",
        str(purchase.pk),
        avhopp_case.pk,
        avhopp_case.person_id,
        handler.pk,
    )
    assert row.changes == {
        "price": ["6250050.00", "62500.50"],
        "cost": ["6250050.00", "62500.50"],
        "change_reason": [None, "Kommat föll bort: fakturan är 62 500,50 kr"],
    }

    response = client.post(url, {"form": "ta-bort", "change_reason": ""})
    assert response.status_code == 400 and "Skriv varför raden tas bort." in response.content.decode()
    response = client.post(url, {"form": "ta-bort", "change_reason": "Fel ärende"})
    assert response.status_code == 302
    assert not PurchasedService.objects.exists()
    removed = history("interventions.purchasedservice")[-1]
    assert (removed.action, removed.changes["cost"], removed.changes["change_reason"]) == (
        "delete",
        ["62500.50", None],
        [None, "Fel ärende"],
    )
    # the case's history page labels the reason in Swedish
    history_page = client.get(reverse("case_history", args=[avhopp_case.pk])).content.decode()
    assert "Anledning till rättelsen" in history_page and "Fel ärende" in history_page


@pytest.mark.django_db
def test_a_purchase_registered_twice_asks_for_confirmation_on_the_page(client, handler, avhopp_case, today):
    services.purchased_service_add(actor=handler, case=avhopp_case, **purchase_values(today))
    client.force_login(handler)
    url = reverse("interventions:case_action", args=[avhopp_case.pk, "kopt-insats"])
    data = {
        "kind": "skyddat_boende",
        "provider": "boende nord ab",
        "starts_on": (today - datetime.timedelta(days=10)).isoformat(),
        "price": "6 250 050",
        "price_unit": "period",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400 and DUPLICATE in html
    assert 'type="checkbox" name="confirm_duplicate"' in html  # shown only now
    assert PurchasedService.objects.count() == 1
    assert client.post(url, {**data, "confirm_duplicate": "on"}).status_code == 302
    assert PurchasedService.objects.count() == 2


@pytest.mark.django_db
def test_rows_of_a_case_are_reached_only_through_the_case(client, handler, outsider, avhopp_case, today):
    purchase = services.purchased_service_add(actor=handler, case=avhopp_case, **purchase_values(today))
    url = reverse("interventions:case_row", args=[avhopp_case.pk, "kopt-insats", purchase.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"form": "ta-bort", "change_reason": "x"}).status_code == 404
    client.force_login(handler)
    assert (
        client.get(reverse("interventions:case_row", args=[avhopp_case.pk, "timmar", purchase.pk])).status_code == 404
    )
    assert PurchasedService.objects.count() == 1


@pytest.mark.django_db
def test_rows_of_a_closed_case_cannot_be_corrected(handler, avhopp_case, today):
    purchase = services.purchased_service_add(actor=handler, case=avhopp_case, **purchase_values(today))
    avhopp_case.__class__.objects.filter(pk=avhopp_case.pk).update(closed_on=today, closure_reason="planerat")
    with pytest.raises(ValidationError) as closed:
        services.purchased_service_remove(actor=handler, service=purchase, change_reason="Fel")
    assert closed.value.messages == ["Ärendet är avslutat och kan inte ändras."]


# ---------------------------------------------------------------- field work


@pytest.mark.django_db
def test_field_shift_duplicate_correction_and_removal(client, handler, colleague, outsider, today):
    district = DistrictFactory()
    values = {
        "worked_on": today,
        "district": district,
        "area": "Centrum",
        "staff": [handler],
        "youths_met": 12,
        "youths_talked": 5,
    }
    shift = services.field_shift_record(actor=handler, **values)
    with pytest.raises(ValidationError) as copy:
        services.field_shift_record(actor=handler, **values)
    assert copy.value.message_dict["confirm_duplicate"][0].startswith(DUPLICATE)

    url = reverse("interventions:unit_row", args=["faltpass", shift.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(handler)
    assert (
        reverse("interventions:unit_row", args=["faltpass", shift.pk])
        in client.get(reverse("interventions:field_shifts")).content.decode()
    )
    response = client.post(
        url,
        {
            "form": "ratta",
            "worked_on": today.isoformat(),
            "district": district.pk,
            "area": "Centrum",
            "staff": [handler.pk, colleague.pk],
            "youths_met": "21",
            "youths_talked": "5",
            "change_reason": "Siffrorna var omkastade; Sara var också med",
        },
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.youths_met == 21 and set(shift.staff.all()) == {handler, colleague}
    created, row = history("interventions.fieldshift")  # the recording, then the correction
    assert created.action == "create"
    assert (row.action, row.object_id, row.case_id, row.person_id) == ("update", str(shift.pk), None, None)
    assert row.changes == {
        "youths_met": ["12", "21"],
        "staff": [str(handler.pk), ", ".join(str(pk) for pk in sorted([handler.pk, colleague.pk]))],
        "change_reason": [None, "Siffrorna var omkastade; Sara var också med"],
    }
    assert client.post(url, {"form": "ta-bort", "change_reason": "Dubbelregistrerat"}).status_code == 302
    assert not FieldShift.objects.exists()
    assert history("interventions.fieldshift")[-1].changes["change_reason"] == [None, "Dubbelregistrerat"]


@pytest.mark.django_db
def test_polare_night_fee_corrected_and_night_removed(client, handler, outsider, today):
    polare = services.polare_add(
        actor=handler, name="Alva", birth_date=datetime.date(today.year - 17, 1, 1), service_started_on=today
    )
    night = services.polare_night_book(actor=handler, polare=polare, worked_on=today)
    url = reverse("interventions:unit_row", args=["polarkvall", night.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(handler)
    response = client.post(
        url,
        {"form": "ratta", "worked_on": today.isoformat(), "fee": "450,50", "change_reason": "Längre kväll"},
    )
    assert response.status_code == 302
    created, row = history("interventions.polarenight")  # the recording, then the correction
    assert created.action == "create"
    assert row.changes == {"fee": [f"{night.fee:.2f}", "450.50"], "change_reason": [None, "Längre kväll"]}
    assert client.post(url, {"form": "ta-bort", "change_reason": "Sjuk, jobbade inte"}).status_code == 302
    assert not PolareNight.objects.exists()
    removed = history("interventions.polarenight")[-1]
    assert removed.action == "delete" and removed.changes["fee"] == ["450.50", None]


@pytest.mark.django_db
def test_area_effort_corrected_keeps_its_extensions_and_removal_records_both(handler, today):
    district, other = DistrictFactory(name="Skäggetorp"), DistrictFactory(name="Ryd")
    effort = services.area_effort_start(actor=handler, district=district, starts_on=today, weeks=2, reason="Oro")
    with pytest.raises(ValidationError) as copy:
        services.area_effort_start(actor=handler, district=district, starts_on=today, weeks=2, reason="Oro")
    assert copy.value.message_dict["confirm_duplicate"][0].startswith(DUPLICATE)
    services.area_effort_extend(actor=handler, effort=effort, weeks=1, reason="Fortsatt oro")
    services.area_effort_correct(
        actor=handler,
        effort=effort,
        district=other,
        starts_on=today,
        weeks=3,
        reason="Oro",
        change_reason="Fel område och längd",
    )
    effort.refresh_from_db()
    assert (effort.district_id, effort.weeks, effort.ends_on) == (other.pk, 3, today + datetime.timedelta(weeks=4))
    *_, row = history("interventions.areaeffort")  # the start and the extension come first
    assert row.changes.get("change_reason")
    assert row.changes == {
        "district": [str(district.pk), str(other.pk)],
        "weeks": ["2", "3"],
        "ends_on": [
            (today + datetime.timedelta(weeks=3)).isoformat(),
            (today + datetime.timedelta(weeks=4)).isoformat(),
        ],
        "change_reason": [None, "Fel område och längd"],
    }
    services.area_effort_remove(actor=handler, effort=effort, change_reason="Startades av misstag")
    assert not AreaEffort.objects.exists() and not AreaEffortExtension.objects.exists()
    assert [r.action for r in history("interventions.areaeffortextension")] == ["create", "delete"]
    assert history("interventions.areaeffort")[-1].action == "delete"


@pytest.mark.django_db
def test_area_effort_started_and_corrected_through_the_pages(client, handler, today):
    skaggetorp, ryd = DistrictFactory(name="Skäggetorp"), DistrictFactory(name="Ryd")
    client.force_login(handler)
    started = client.post(
        reverse("interventions:area_efforts"),
        {"form": "ny", "district": skaggetorp.pk, "starts_on": today.isoformat(), "weeks": "2", "reason": "Oro"},
    )
    assert started.status_code == 302
    effort = AreaEffort.objects.get()
    url = reverse("interventions:unit_row", args=["omradesinsats", effort.pk])

    page = client.get(url)
    corrected = client.post(
        url,
        {
            "form": "ratta",
            "district": ryd.pk,
            "starts_on": today.isoformat(),
            "weeks": "3",
            "reason": "Oro",
            "change_reason": "Fel område",
        },
    )

    assert (
        page.status_code == 200
        and f'<option value="{skaggetorp.pk}" selected>Skäggetorp</option>' in page.content.decode()
    )
    assert corrected.status_code == 302
    effort.refresh_from_db()
    assert (effort.district, effort.weeks) == (ryd, 3)


@pytest.mark.django_db
def test_field_shift_staff_is_written_alike_on_record_correction_and_removal(handler, today):
    # ids of 8 and 9 digits sort differently as text and as numbers: the history holds one form
    nine, ten = (UserFactory(pk=pk, unit=handler.unit) for pk in (99999999, 100000000))
    values = {"worked_on": today, "district": None, "area": "Centrum", "youths_met": 3, "youths_talked": 1}
    shift = services.field_shift_record(actor=handler, staff=[ten, nine], **values)
    services.field_shift_correct(
        actor=handler, shift=shift, staff=[ten, nine], change_reason="Fler samtal", **{**values, "youths_talked": 2}
    )
    services.field_shift_remove(actor=handler, shift=shift, change_reason="Fel pass")
    recorded, corrected, removed = history("interventions.fieldshift")
    assert recorded.changes["staff"] == [None, "99999999, 100000000"]
    assert "staff" not in corrected.changes  # the same staff: nothing to record
    assert removed.changes["staff"] == ["99999999, 100000000", None]
