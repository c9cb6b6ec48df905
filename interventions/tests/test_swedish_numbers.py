"""Every number a user reads goes through core/formats.py: hours without a trailing ",0", amounts with grouped
thousands, the change history in Swedish decimals (issue 19 point 5)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.history import history_rows
from core.models import ChangeLog
from interventions import services

NB = "\u00a0"


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


@pytest.mark.django_db
def test_the_case_page_shows_8_of_40_hours_and_a_session_of_1_5(client, handler, order, today):
    workplace = order.workplaces.get()
    for hours in (Decimal("6.5"), Decimal("1.5")):
        services.community_service_session_add(
            actor=handler, order=order, workplace=workplace, performed_on=today, hours=hours
        )
    client.force_login(handler)

    html = client.get(reverse("case_detail", args=[order.case_id])).content.decode()

    assert "Utdömda timmar</dt><dd>40</dd>" in html
    assert "Utförda timmar</dt><dd>8" in html and "<dd>8,0" not in html
    assert '<td class="num">1,5</td>' in html


@pytest.mark.django_db
def test_the_report_text_says_8_of_40_hours(handler, order, today):
    from interventions.services.reports import _report_what_sent

    services.community_service_session_add(
        actor=handler, order=order, workplace=order.workplaces.get(), performed_on=today, hours=Decimal("8")
    )

    assert "8 av 40 timmar utförda" in _report_what_sent(order.case, "ungdomstjanst")


@pytest.mark.django_db
def test_completing_too_early_says_8_of_40_hours(handler, order, today):
    services.community_service_session_add(
        actor=handler, order=order, workplace=order.workplaces.get(), performed_on=today, hours=Decimal("8")
    )

    with pytest.raises(ValidationError) as error:
        services.community_service_end(actor=handler, order=order, status="fullgjord", ended_on=today)

    assert "8 av 40 timmar är utförda" in error.value.message_dict["status"][0]


@pytest.mark.django_db
def test_history_reads_5_to_3_5(handler, order, today):
    workplace = order.workplaces.get()
    session = services.community_service_session_add(
        actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("5")
    )
    services.community_service_session_correct(
        actor=handler,
        session=session,
        workplace=workplace,
        performed_on=today,
        hours=Decimal("3.5"),
        change_reason="Fel antal timmar",
    )
    entry = ChangeLog.objects.filter(object_type="interventions.communityservicesession").latest("id")

    (row,) = history_rows([entry], identity_visible=True)

    hours = next(change for change in row["changes"] if change["field"].lower() == "timmar")
    assert (hours["old"], hours["new"]) == ("5", "3,5")


@pytest.mark.django_db
def test_history_of_a_large_cost_groups_thousands(handler, make_case, today):
    case = make_case("avhopp", birth_date=datetime.date(today.year - 19, 5, 5))
    services.purchased_service_add(
        actor=handler,
        case=case,
        kind="skyddat_boende",
        provider="Boende Nord AB",
        starts_on=today,
        ends_on=None,
        price=Decimal("3854000"),
    )
    entry = ChangeLog.objects.filter(object_type="interventions.purchasedservice").latest("id")

    (row,) = history_rows([entry], identity_visible=True)

    cost = next(change for change in row["changes"] if change["new"] and change["new"].endswith("kr"))
    assert cost["new"] == f"3{NB}854{NB}000{NB}kr"


def test_the_polare_fee_message_reads_350_kr():
    from interventions.models import PolareNight
    from interventions.views.field_work import _booked

    assert _booked(PolareNight(fee=Decimal("350.00"))) == f"Kvällen är schemalagd. Arvode: 350{NB}kr."
