"""Per-insats rules and the utlämnande register."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from cases.models import Case, JournalEntry
from cases.selectors import case_queryset_for_user
from consent.models import Actor, LegalBasis
from consent.services import consent_record, disclosure_record
from core.models import AccessAction, AccessLog
from interventions import rules, selectors, services
from interventions.models import CommunityServiceStatus, MediationStatus, PolareFeeRate
from interventions.todo import MEDIATION, todo_list
from tests.factories import DistrictFactory, PersonFactory, UserFactory

# ---------------------------------------------------------------- Ungdomstjänst


@pytest.fixture
def order(make_case, handler, today):
    case = make_case("ungdomstjanst")
    order = services.community_service_set(
        actor=handler,
        case=case,
        ordered_hours=20,
        judgment_on=case.opened_on,
        issued_by="Linköpings tingsrätt",
        report_to="Åklagarkammaren i Linköping",
        supervisor_name="Stig Handledare",
    )
    services.community_service_workplace_add(actor=handler, order=order, name="Second hand-butiken")
    return order


@pytest.mark.django_db
@pytest.mark.parametrize("hours", [19, 151])
def test_ordered_hours_between_20_and_150(make_case, handler, hours):
    case = make_case("ungdomstjanst")
    with pytest.raises(ValidationError) as error:
        services.community_service_set(
            actor=handler, case=case, ordered_hours=hours, judgment_on=case.opened_on, issued_by="TR", report_to="Åkl"
        )
    assert "20–150" in error.value.message_dict["ordered_hours"][0]


@pytest.mark.django_db
def test_hours_above_ordered_need_a_note(order, handler, today):
    workplace = order.workplaces.get()
    services.community_service_session_add(
        actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("18")
    )
    with pytest.raises(ValidationError) as error:
        services.community_service_session_add(
            actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("4")
        )
    assert "note" in error.value.message_dict
    services.community_service_session_add(
        actor=handler,
        order=order,
        workplace=workplace,
        performed_on=today,
        hours=Decimal("4"),
        note="Passet drog över, överenskommet med handledaren",
    )
    assert order.sessions.count() == 2


@pytest.mark.django_db
def test_completion_needs_all_hours_and_interruption_a_reason(order, handler, today):
    with pytest.raises(ValidationError) as error:
        services.community_service_end(
            actor=handler, order=order, status=CommunityServiceStatus.COMPLETED, ended_on=today
        )
    assert "0 av 20" in error.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        services.community_service_end(
            actor=handler, order=order, status=CommunityServiceStatus.INTERRUPTED, ended_on=today
        )
    services.community_service_session_add(
        actor=handler, order=order, workplace=order.workplaces.get(), performed_on=today, hours=Decimal("20")
    )
    ended = services.community_service_end(
        actor=handler, order=order, status=CommunityServiceStatus.COMPLETED, ended_on=today
    )
    assert ended.status == CommunityServiceStatus.COMPLETED
    with pytest.raises(ValidationError):  # read-only afterwards
        services.community_service_workplace_add(actor=handler, order=order, name="Ny")


# ---------------------------------------------------------------- Medling


@pytest.fixture
def mediation(make_case, handler):
    case = make_case("medling")
    return services.mediation_set(actor=handler, case=case, offence="Skadegörelse på skolan", mediator=handler)


def record_checks(mediation, handler, **overrides):
    values = {
        "offender_volunteers": True,
        "victim_volunteers": True,
        "reported_to_police": True,
        "offender_admitted": True,
        "suitability_assessed": True,
        "suitability_note": "Båda vill mötas",
    }
    values.update(overrides)
    return services.mediation_checks_record(actor=handler, mediation=mediation, **values)


@pytest.mark.django_db
def test_offender_is_case_person_and_victim_needs_no_personnummer(mediation, handler):
    victim = services.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Kim Offer")
    assert victim.id_number == ""
    assert mediation.parties.get(is_case_person=True).role == "garningsperson"
    with pytest.raises(ValidationError) as error:
        services.mediation_party_add(
            actor=handler, mediation=mediation, role="brottsoffer", name="X", id_number="19990101-0001"
        )
    assert "id_number" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "missing",
    ["offender_volunteers", "victim_volunteers", "reported_to_police", "offender_admitted", "suitability_assessed"],
)
def test_mediation_cannot_start_without_each_section_5_check(mediation, handler, today, missing):
    services.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Kim Offer")
    record_checks(mediation, handler, **{missing: False})
    with pytest.raises(ValidationError):
        services.mediation_start(actor=handler, mediation=mediation, started_on=today)
    with pytest.raises(ValidationError):  # nor may the mediation meeting itself be held
        services.mediation_meeting_add(actor=handler, mediation=mediation, kind="medlingsmote", held_on=today)


@pytest.mark.django_db
def test_mediation_starts_when_checks_hold(mediation, handler, today):
    with pytest.raises(ValidationError):  # no checks recorded at all
        services.mediation_start(actor=handler, mediation=mediation, started_on=today)
    services.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Kim Offer")
    record_checks(mediation, handler)
    started = services.mediation_start(actor=handler, mediation=mediation, started_on=today)
    assert started.status == MediationStatus.ONGOING
    services.mediation_consultation_add(
        actor=handler, mediation=mediation, consulted_on=today, with_whom="Kommissarie Berg"
    )
    services.mediation_meeting_add(actor=handler, mediation=mediation, kind="medlingsmote", held_on=today)
    with pytest.raises(ValidationError) as error:
        services.mediation_end(actor=handler, mediation=mediation, outcome="overenskommelse", ended_on=today)
    assert "agreement_text" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.mediation_end(actor=handler, mediation=mediation, outcome="ingen_overenskommelse", ended_on=today)
    assert "reason" in error.value.message_dict
    ended = services.mediation_end(
        actor=handler,
        mediation=mediation,
        outcome="overenskommelse",
        ended_on=today,
        agreement_text="Kim får 500 kr och en ursäkt.",
    )
    assert ended.status == MediationStatus.ENDED


@pytest.mark.django_db
def test_offender_under_12_needs_exceptional_reason(make_case, handler, today):
    case = make_case("medling", birth_date=today.replace(year=today.year - 11))
    Case.objects.filter(pk=case.pk).update(opened_on=today)
    case.refresh_from_db()
    mediation = services.mediation_set(actor=handler, case=case, offence="Stöld", mediator=handler)
    services.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Butiken")
    record_checks(mediation, handler)
    with pytest.raises(ValidationError) as error:
        services.mediation_start(actor=handler, mediation=mediation, started_on=today)
    assert "under 12 år" in str(error.value)
    record_checks(mediation, handler, under_12_reason="Barnet och föräldrarna önskar starkt medling")
    assert services.mediation_start(actor=handler, mediation=mediation, started_on=today).started_on == today


@pytest.mark.django_db
@override_settings(MEDIATION_REMINDER_DAYS=10)
def test_reminder_when_mediation_waits_too_long(mediation, handler, coordinator, today):
    # the case opened long ago (factory date) and no mediation meeting is held
    panel = selectors.case_insats_panel(case=mediation.case)
    assert panel.mediation_waiting == (today - mediation.case.opened_on).days
    assert waiting_too_long(coordinator, today) == [mediation.case_id]
    Case.objects.filter(pk=mediation.case_id).update(opened_on=today - datetime.timedelta(days=5))
    mediation.case.refresh_from_db()
    assert selectors.case_insats_panel(case=mediation.case).mediation_waiting is None
    assert waiting_too_long(coordinator, today) == []


def waiting_too_long(user, today):
    """Cases whose medling is overdue on the to-do list (interventions.todo) the user may see."""
    items = todo_list(cases=case_queryset_for_user(user), on=today)
    return [item.case.pk for item in items if item.kind == MEDIATION and item.overdue]


# ---------------------------------------------------------------- Stöd till unga brottsutsatta


@pytest.mark.django_db
def test_short_case_in_one_go(short_case, today):
    case = short_case(
        contacts=[
            services.ContactData(today, "samtal", "Första samtalet"),
            services.ContactData(today, "telefon", "Uppföljande samtal"),
        ],
        closed_on=today,
    )
    assert case.closed_on == today and case.closure_reason == "planerat" and case.basis == "service"
    assert JournalEntry.objects.filter(case=case, signed_at__isnull=False).count() == 2
    assert case.victim_support.crime_type == "ran"


@pytest.mark.django_db
def test_short_case_is_all_or_nothing(short_case, today):
    with pytest.raises(ValidationError):
        short_case(closed_on=today + datetime.timedelta(days=3))  # in the future: fails at the very end
    assert not Case.objects.exists() and not JournalEntry.objects.exists()
    from cases.models import Person

    assert not Person.objects.exists()


@pytest.mark.django_db
def test_short_case_allows_one_or_two_contacts(handler, today):
    person = PersonFactory(unit=handler.unit)
    contact = services.ContactData(today, "samtal", "Samtal")
    with pytest.raises(ValidationError) as error:
        services.victim_support_short_case(
            actor=handler,
            person=person,
            new_person=None,
            referral_source="polis",
            crime_type="hot",
            crime_on=None,
            reported_to_police=False,
            contacts=[contact] * 3,
            closed_on=today,
        )
    assert "contacts" in error.value.message_dict


# ---------------------------------------------------------------- SKK, ASLAN, Avhopp


@pytest.mark.django_db
def test_skk_records_contact_person_hours_and_basis(make_case, handler, today):
    case = make_case("skk")
    skk = services.skk_set(
        actor=handler,
        case=case,
        contact_person="Sven Stöd",
        contact_phone="",
        hours_per_month=Decimal("20"),
        ordered_by="domstol",
        decided_on=today,
    )
    assert skk.get_ordered_by_display().startswith("Domstol")
    with pytest.raises(ValidationError):
        services.skk_set(
            actor=handler,
            case=case,
            contact_person="",
            contact_phone="",
            hours_per_month=Decimal("0"),
            ordered_by="sol",
            decided_on=today,
        )


@pytest.mark.django_db
def test_aslan_group_takes_children_10_to_14_with_parents(make_case, handler, today):
    group = services.aslan_group_create(actor=handler, name="Höstgruppen", starts_on=today)
    child = make_case("aslan", birth_date=today.replace(year=today.year - 12))
    participant = services.aslan_participant_add(
        actor=handler, group=group, case=child, parents=list(child.person.custodians.all())
    )
    assert participant.parents.count() == 2
    too_old = make_case("aslan", birth_date=today.replace(year=today.year - 15) - datetime.timedelta(days=400))
    with pytest.raises(ValidationError):
        services.aslan_participant_add(actor=handler, group=group, case=too_old)
    meeting = services.aslan_meeting_record(
        actor=handler, group=group, held_on=today, topic="Känslor", attendance={participant.pk: (True, 2)}
    )
    attendance = meeting.attendance.get()
    assert attendance.youth_present and attendance.parents_present == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "motivated", "threat", "route"),
    [
        (17, True, "ingen", "sig"),
        (16, True, "latent", "sig"),
        (15, True, "ingen", ""),
        (17, False, "ingen", ""),
        (19, True, "konkret", "fenix"),
        (15, False, "konkret", "fenix"),
        (21, True, "ingen", "vuxen"),
        (25, True, "konkret", "vuxen"),
    ],
)
def test_avhopp_routing(age, motivated, threat, route):
    assert rules.avhopp_routing(age=age, motivated=motivated, threat_level=threat).code == route


@pytest.mark.django_db
def test_avhopp_panel_shows_routing_and_costs_per_case_and_year(make_case, handler, today):
    case = make_case("avhopp")
    services.defector_assess(actor=handler, case=case, assessed_on=today, threat_level="konkret", motivated=True)
    for start, cost in (
        (datetime.date(2025, 5, 1), "400000"),
        (datetime.date(2025, 9, 1), "250000"),
        (datetime.date(2026, 1, 10), "350000"),
    ):
        services.purchased_service_add(
            actor=handler,
            case=case,
            kind="skyddat_boende",
            provider="Tryggt AB",
            starts_on=start,
            ends_on=None,
            price=Decimal(cost),
        )
    panel = selectors.case_insats_panel(case=case)
    assert panel.routing.code == "fenix"
    assert panel.purchases_total == Decimal("1000000")
    assert panel.purchases_per_year == [
        {"year": 2025, "total": Decimal("650000")},
        {"year": 2026, "total": Decimal("350000")},
    ]
    rows = selectors.purchased_costs_per_year(user=handler)
    assert [(r["year"], r["total"]) for r in rows] == [(2026, Decimal("350000")), (2025, Decimal("650000"))]


# ---------------------------------------------------------------- Fältverksamhet


@pytest.mark.django_db
def test_field_shift_numbers(handler, colleague, outsider, today):
    shift = services.field_shift_record(
        actor=handler,
        worked_on=today,
        district=DistrictFactory(),
        area="Centrum",
        staff=[handler, colleague],
        youths_met=40,
        youths_talked=12,
        notes="Lugnt",
    )
    assert shift.staff.count() == 2
    with pytest.raises(ValidationError) as error:
        services.field_shift_record(
            actor=handler,
            worked_on=today,
            district=None,
            area="Centrum",
            staff=[outsider],
            youths_met=5,
            youths_talked=6,
        )
    assert {"staff", "youths_talked"} <= set(error.value.message_dict)
    assert selectors.field_totals(user=handler, year=today.year) == {"shifts": 1, "met": 40, "talked": 12}
    assert not selectors.field_shifts_for_user(user=outsider).exists()


@pytest.mark.django_db
def test_polare_fee_from_configurable_table(handler, today):
    polare = services.polare_add(
        actor=handler,
        name="Polle",
        birth_date=today.replace(year=today.year - 16),
        service_started_on=today.replace(year=today.year - 1),
    )
    night = services.polare_night_book(actor=handler, polare=polare, worked_on=today)
    assert night.fee == Decimal("400")  # 16–17 years, 1+ year of service (migration's starting table)
    PolareFeeRate.objects.filter(min_age=16, min_years_of_service=1).update(fee_per_night=Decimal("425"))
    later = services.polare_night_book(actor=handler, polare=polare, worked_on=today + datetime.timedelta(days=1))
    assert later.fee == Decimal("425")
    night.refresh_from_db()
    assert night.fee == Decimal("400")  # booked nights keep their fee
    with pytest.raises(ValidationError):
        services.polare_night_book(actor=handler, polare=polare, worked_on=today)  # once per night


@pytest.mark.django_db
def test_area_effort_1_to_12_weeks_and_extendable(handler, today):
    district = DistrictFactory(name="Skäggetorp")
    with pytest.raises(ValidationError):
        services.area_effort_start(actor=handler, district=district, starts_on=today, weeks=13, reason="Oro")
    effort = services.area_effort_start(actor=handler, district=district, starts_on=today, weeks=4, reason="Oro")
    assert effort.ends_on == today + datetime.timedelta(weeks=4)
    extended = services.area_effort_extend(actor=handler, effort=effort, weeks=2, reason="Fortsatt oro")
    assert extended.ends_on == today + datetime.timedelta(weeks=6)
    assert effort.extensions.get().previous_ends_on == today + datetime.timedelta(weeks=4)


# ---------------------------------------------------------------- Utlämnande register


@pytest.mark.django_db
def test_disclosure_on_consent_needs_valid_consent(make_case, handler, police, today):
    case = make_case("sig")
    basis = LegalBasis.objects.get(code="samtycke")
    with pytest.raises(ValidationError) as error:
        disclosure_record(
            actor=handler,
            person=case.person,
            case=case,
            recipient=police,
            what_sent="Planen",
            legal_basis=basis,
            disclosed_on=today,
            decided_by=handler,
        )
    assert "samtycke" in error.value.message_dict["legal_basis"][0]
    for giver in [None, *case.person.custodians.all()]:
        consent_record(
            actor=handler, person=case.person, custodian=giver, actors=[police], given_on=today, form="skriftligt"
        )
    disclosure = disclosure_record(
        actor=handler,
        person=case.person,
        case=case,
        recipient=police,
        what_sent="Planen",
        legal_basis=basis,
        disclosed_on=today,
        decided_by=handler,
    )
    assert disclosure.pk


@pytest.mark.django_db
def test_disclosure_on_secrecy_breaking_rule_is_logged_for_loggkontroll(make_case, handler, manager, police, today):
    case = make_case("sig")
    basis = LegalBasis.objects.get(code="osl_10_18a")
    disclosure_record(
        actor=handler,
        person=case.person,
        case=case,
        recipient=police,
        recipient_detail="Polisen Linköping",
        what_sent="Uppgift om oro för brott",
        legal_basis=basis,
        disclosed_on=today,
        decided_by=manager,
    )
    row = AccessLog.objects.get(person_id=case.person.pk, action=AccessAction.EXPORT)
    assert row.user == handler and row.what.startswith("utlamnande:")
    panel = selectors.case_insats_panel(case=case)
    assert [d.legal_basis.reference for d in panel.disclosures] == ["OSL 10 kap. 18 a §"]


@pytest.mark.django_db
def test_legal_basis_list_is_editable(handler, police, today):
    basis = LegalBasis.objects.create(code="lvu", name="Ny grund", reference="LVU 1 §")
    assert basis in LegalBasis.objects.filter(active=True)
    assert Actor.objects.filter(code="polis").exists()


@pytest.mark.django_db
def test_outsider_user_cannot_be_coordinator_or_staff(handler, outsider):
    assert UserFactory(unit=handler.unit).unit_id == handler.unit_id
