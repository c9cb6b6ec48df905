"""Every write of interventions.services records its change-history row in the same transaction: one test
per service (named test_<service>) asserting exactly the rows the call wrote, and a walk over the module
that fails when a public service has no such test."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from consent.models import Actor, LegalBasis
from consent.services import consents_record
from core.models import ChangeAction, ChangeLog
from interventions import services
from interventions.models import (
    FieldEvent,
    FieldLogEntry,
    FieldShift,
    GoalAttainment,
    MediationParty,
    PlanVersion,
)
from interventions.tests import test_corrections
from tests.factories import DistrictFactory, personnummer_for
from tests.history import created, history_written, row, untested_write_services

CREATE, UPDATE = ChangeAction.CREATE, ChangeAction.UPDATE

# Public functions of interventions.services that are not a user's change of a record.
NOT_AUDITED = {
    "consent_block_message": "reads only",
    "plan_consent_flags_record": "celery beat's dated trace of a flag the pages compute; no actor",
}


# Corrections and removals of recorded rows: test_corrections.py asserts their exact rows, in the test named.
AUDITED_IN_CORRECTIONS = {
    "community_service_session_correct": "test_hours_saved_as_15_are_corrected_to_1_5_with_the_reason_in_history",
    "community_service_session_remove": (
        "test_an_occasion_recorded_twice_is_refused_unless_confirmed_and_can_be_removed"
    ),
    "purchased_service_correct": "test_purchase_corrected_on_its_page_and_removed_with_history",
    "purchased_service_remove": "test_purchase_corrected_on_its_page_and_removed_with_history",
    "field_shift_correct": "test_field_shift_duplicate_correction_and_removal",
    "field_shift_remove": "test_field_shift_duplicate_correction_and_removal",
    "polare_night_correct": "test_polare_night_fee_corrected_and_night_removed",
    "polare_night_remove": "test_polare_night_fee_corrected_and_night_removed",
    "area_effort_correct": "test_area_effort_corrected_keeps_its_extensions_and_removal_records_both",
    "area_effort_remove": "test_area_effort_corrected_keeps_its_extensions_and_removal_records_both",
}


def pk(obj) -> str:
    return str(obj.pk)


def test_every_public_write_service_has_its_audit_test():
    assert all(hasattr(test_corrections, test) for test in AUDITED_IN_CORRECTIONS.values())
    assert (
        untested_write_services(services, globals(), not_audited=NOT_AUDITED, tested_elsewhere=AUDITED_IN_CORRECTIONS)
        == set()
    )


# ---------------------------------------------------------------- Ungdomstjänst


@pytest.fixture
def cs_case(make_case):
    return make_case("ungdomstjanst")


@pytest.fixture
def order(cs_case, handler):
    order = services.community_service_set(
        actor=handler,
        case=cs_case,
        ordered_hours=20,
        judgment_on=cs_case.opened_on,
        issued_by="Linköpings tingsrätt",
        report_to="Åklagarkammaren i Linköping",
    )
    services.community_service_workplace_add(actor=handler, order=order, name="Second hand-butiken")
    return order


@pytest.mark.django_db
def test_community_service_set(cs_case, handler):
    with history_written() as rows:
        order = services.community_service_set(
            actor=handler,
            case=cs_case,
            ordered_hours=20,
            judgment_on=cs_case.opened_on,
            issued_by="Linköpings tingsrätt",
            report_to="Åklagarkammaren i Linköping",
            supervisor_name="Stig Handledare",
        )
    changes = created(
        case=pk(cs_case),
        ordered_hours="20",
        judgment_on=cs_case.opened_on.isoformat(),
        issued_by="Linköpings tingsrätt",
        report_to="Åklagarkammaren i Linköping",
        supervisor_name="Stig Handledare",
        status="pagar",
    )
    assert rows == [row(handler, order, CREATE, changes, case=cs_case)]


@pytest.mark.django_db
def test_community_service_workplace_add(order, cs_case, handler):
    with history_written() as rows:
        workplace = services.community_service_workplace_add(
            actor=handler, order=order, name="Kyrkans café", contact="Eva 013-123"
        )
    changes = created(order=pk(order), name="Kyrkans café", contact="Eva 013-123")
    assert rows == [row(handler, workplace, CREATE, changes, case=cs_case)]


@pytest.mark.django_db
def test_community_service_session_add(order, cs_case, handler, today):
    workplace = order.workplaces.get()
    with history_written() as rows:
        session = services.community_service_session_add(
            actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("4.5")
        )
    changes = created(
        order=pk(order), workplace=pk(workplace), performed_on=today.isoformat(), hours="4.5", recorded_by=pk(handler)
    )
    assert rows == [row(handler, session, CREATE, changes, case=cs_case)]


@pytest.mark.django_db
def test_community_service_end(order, cs_case, handler, today):
    with history_written() as rows:
        ended = services.community_service_end(
            actor=handler, order=order, status="avbruten", ended_on=today, note="Flyttade från kommunen"
        )
    changes = {
        "status": ["pagar", "avbruten"],
        "ended_on": [None, today.isoformat()],
        "end_note": ["", "Flyttade från kommunen"],
    }
    assert rows == [row(handler, ended, UPDATE, changes, case=cs_case)]


@pytest.mark.django_db
def test_community_service_assessment_set(order, cs_case, handler):
    with history_written() as rows:
        written = services.community_service_assessment_set(
            actor=handler, order=order, assessment=" Har skött sig väl. ", expected_version=order.version
        )
    assert rows == [row(handler, written, UPDATE, {"assessment": ["", "Har skött sig väl."]}, case=cs_case)]


@pytest.mark.django_db
def test_insats_report_disclose(order, cs_case, handler, today):
    prosecutor = Actor.objects.get(code="aklagare")
    basis = LegalBasis.objects.get(code="osl_10_28")
    with history_written() as rows:
        disclosure = services.insats_report_disclose(
            actor=handler,
            case=cs_case,
            kind="ungdomstjanst",
            recipient=prosecutor,
            legal_basis=basis,
            recipient_detail="Åklagarkammaren i Linköping",
        )
    changes = created(
        person=pk(cs_case.person),
        case=pk(cs_case),
        recipient=pk(prosecutor),
        recipient_detail="Åklagarkammaren i Linköping",
        what_sent=disclosure.what_sent,
        legal_basis=pk(basis),
        disclosed_on=today.isoformat(),
        decided_by=pk(handler),
        recorded_by=pk(handler),
    )
    assert disclosure.what_sent.strip()
    assert rows == [row(handler, disclosure, CREATE, changes, case=cs_case)]


@pytest.mark.django_db
def test_a_refused_write_leaves_no_history(order, handler, today):
    with history_written() as rows, pytest.raises(ValidationError):
        services.community_service_end(actor=handler, order=order, status="fullgjord", ended_on=today)
    assert rows == []
    assert ChangeLog.objects.filter(object_type="interventions.communityserviceorder", action=UPDATE).count() == 0


# ---------------------------------------------------------------- Medling


@pytest.fixture
def mediation_case(make_case):
    return make_case("medling")


@pytest.fixture
def mediation(mediation_case, handler):
    mediation = services.mediation_set(actor=handler, case=mediation_case, offence="Skadegörelse", mediator=handler)
    services.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Kim Offer")
    return mediation


def _checks(mediation, handler):
    return services.mediation_checks_record(
        actor=handler,
        mediation=mediation,
        offender_volunteers=True,
        victim_volunteers=True,
        reported_to_police=True,
        offender_admitted=True,
        suitability_assessed=True,
        suitability_note="Båda vill mötas",
    )


@pytest.mark.django_db
def test_mediation_set(mediation_case, handler):
    with history_written() as rows:
        mediation = services.mediation_set(
            actor=handler, case=mediation_case, offence="Skadegörelse på skolan", mediator=handler
        )
    offender = MediationParty.objects.get(mediation=mediation)
    checks = ["offender_volunteers", "victim_volunteers", "reported_to_police", "offender_admitted"]
    mediation_changes = created(
        case=pk(mediation_case),
        offence="Skadegörelse på skolan",
        mediator=pk(handler),
        status="forberedelse",
        suitability_assessed="False",
        **dict.fromkeys(checks, "False"),
    )
    party_changes = created(mediation=pk(mediation), role="garningsperson", is_case_person="True")
    assert rows == [
        row(handler, mediation, CREATE, mediation_changes, case=mediation_case),
        row(handler, offender, CREATE, party_changes, case=mediation_case),
    ]


@pytest.mark.django_db
def test_mediation_party_add(mediation, mediation_case, handler):
    number = personnummer_for(datetime.date(2008, 6, 1), 42)
    with history_written() as rows:
        party = services.mediation_party_add(
            actor=handler, mediation=mediation, role="brottsoffer", name="Butiken AB", id_number=number
        )
    changes = created(
        mediation=pk(mediation), role="brottsoffer", is_case_person="False", name="Butiken AB", id_number=number
    )
    assert rows == [row(handler, party, CREATE, changes, case=mediation_case)]


@pytest.mark.django_db
def test_mediation_checks_record(mediation, mediation_case, handler, today):
    with history_written() as rows:
        checked = _checks(mediation, handler)
    changes = {
        **dict.fromkeys(
            [
                "offender_volunteers",
                "victim_volunteers",
                "reported_to_police",
                "offender_admitted",
                "suitability_assessed",
            ],
            ["False", "True"],
        ),
        "suitability_note": ["", "Båda vill mötas"],
        "checks_recorded_on": [None, today.isoformat()],
    }
    assert rows == [row(handler, checked, UPDATE, changes, case=mediation_case)]


@pytest.mark.django_db
def test_mediation_start(mediation, mediation_case, handler, today):
    _checks(mediation, handler)
    with history_written() as rows:
        started = services.mediation_start(actor=handler, mediation=mediation, started_on=today)
    changes = {"started_on": [None, today.isoformat()], "status": ["forberedelse", "pagar"]}
    assert rows == [row(handler, started, UPDATE, changes, case=mediation_case)]


@pytest.mark.django_db
def test_mediation_consultation_add(mediation, mediation_case, handler, today):
    with history_written() as rows:
        consultation = services.mediation_consultation_add(
            actor=handler, mediation=mediation, consulted_on=today, with_whom="Kommissarie Berg"
        )
    changes = created(
        mediation=pk(mediation), consulted_on=today.isoformat(), with_whom="Kommissarie Berg", recorded_by=pk(handler)
    )
    assert rows == [row(handler, consultation, CREATE, changes, case=mediation_case)]


@pytest.mark.django_db
def test_mediation_meeting_add(mediation, mediation_case, handler, today):
    with history_written() as rows:
        meeting = services.mediation_meeting_add(
            actor=handler, mediation=mediation, kind="formote_brottsoffer", held_on=today, note="Vill mötas"
        )
    changes = created(mediation=pk(mediation), kind="formote_brottsoffer", held_on=today.isoformat(), note="Vill mötas")
    assert rows == [row(handler, meeting, CREATE, changes, case=mediation_case)]


@pytest.mark.django_db
def test_mediation_end(mediation, mediation_case, handler, today):
    with history_written() as rows:
        ended = services.mediation_end(
            actor=handler, mediation=mediation, outcome="avbruten", ended_on=today, reason="Brottsoffret avböjde"
        )
    changes = {
        "status": ["forberedelse", "avslutad"],
        "outcome": ["", "avbruten"],
        "outcome_reason": ["", "Brottsoffret avböjde"],
        "ended_on": [None, today.isoformat()],
    }
    assert rows == [row(handler, ended, UPDATE, changes, case=mediation_case)]


# ---------------------------------------------------------------- Stöd till unga brottsutsatta


@pytest.mark.django_db
def test_victim_support_set(make_case, handler, today):
    case = make_case("stod_brottsutsatta")
    with history_written() as first:
        support = services.victim_support_set(actor=handler, case=case, crime_type="ran", crime_on=today)
    with history_written() as correction:
        services.victim_support_set(actor=handler, case=case, crime_type="hot", crime_on=today, reported_to_police=True)
    changes = created(case=pk(case), crime_type="ran", crime_on=today.isoformat(), reported_to_police="False")
    assert first == [row(handler, support, CREATE, changes, case=case)]
    corrected = {"crime_type": ["ran", "hot"], "reported_to_police": ["False", "True"]}
    assert correction == [row(handler, support, UPDATE, corrected, case=case)]


@pytest.mark.django_db
def test_victim_support_short_case(handler, short_case):
    with history_written() as rows:
        case = short_case()
    # each step is recorded by its own service (asserted in their tests); here: all of them, in order
    assert [(actor, object_type, action) for actor, object_type, _id, *_rest, action, _c in rows] == [
        (handler, "cases.person", CREATE),
        (handler, "cases.case", CREATE),
        (handler, "interventions.victimsupport", CREATE),
        (handler, "cases.journalentry", CREATE),
        (handler, "cases.case", UPDATE),
    ]
    assert {(person_id, case_id) for _a, _t, _id, person_id, case_id, *_rest in rows[1:]} == {(case.person_id, case.pk)}


@pytest.mark.django_db
def test_history_rolls_back_with_a_write_that_fails_at_the_end(short_case, today):
    # person, case, support and journal are written (with their history) before the closing date is refused
    with history_written() as rows, pytest.raises(ValidationError):
        short_case(closed_on=today + datetime.timedelta(days=3))
    assert rows == []


# ---------------------------------------------------------------- SKK, ASLAN, Avhopp, återfall


@pytest.mark.django_db
def test_skk_set(make_case, handler, today):
    case = make_case("skk")
    with history_written() as rows:
        skk = services.skk_set(
            actor=handler,
            case=case,
            contact_person="Sven Stöd",
            contact_phone="070-123",
            hours_per_month=Decimal("20"),
            ordered_by="domstol",
            decided_on=today,
        )
    changes = created(
        case=pk(case),
        contact_person="Sven Stöd",
        contact_phone="070-123",
        hours_per_month="20",
        ordered_by="domstol",
        decided_on=today.isoformat(),
    )
    assert rows == [row(handler, skk, CREATE, changes, case=case)]


@pytest.fixture
def group(handler, today):
    return services.aslan_group_create(actor=handler, name="Höstgruppen", starts_on=today)


@pytest.fixture
def aslan_case(make_case, today):
    return make_case("aslan", birth_date=today.replace(year=today.year - 12))


@pytest.mark.django_db
def test_aslan_group_create(handler, today):
    with history_written() as rows:
        group = services.aslan_group_create(actor=handler, name="Höstgruppen", starts_on=today, leaders="Eva, Per")
    changes = created(unit=pk(handler.unit), name="Höstgruppen", starts_on=today.isoformat(), leaders="Eva, Per")
    assert rows == [row(handler, group, CREATE, changes)]  # the unit's group: no person's file


@pytest.mark.django_db
def test_aslan_participant_add(group, aslan_case, handler):
    parents = list(aslan_case.person.custodians.all())
    with history_written() as rows:
        participant = services.aslan_participant_add(actor=handler, group=group, case=aslan_case, parents=parents)
    changes = created(group=pk(group), case=pk(aslan_case), parents=", ".join(sorted(pk(p) for p in parents)))
    assert rows == [row(handler, participant, CREATE, changes, case=aslan_case)]


@pytest.mark.django_db
def test_aslan_meeting_record(group, aslan_case, handler, today):
    participant = services.aslan_participant_add(actor=handler, group=group, case=aslan_case)
    with history_written() as rows:
        meeting = services.aslan_meeting_record(
            actor=handler, group=group, held_on=today, topic="Känslor", attendance={participant.pk: (True, 1)}
        )
    attendance = meeting.attendance.get()
    assert rows == [
        row(handler, meeting, CREATE, created(group=pk(group), held_on=today.isoformat(), topic="Känslor")),
        row(
            handler,
            attendance,
            CREATE,
            created(meeting=pk(meeting), participant=pk(participant), youth_present="True", parents_present="1"),
            case=aslan_case,  # the child's attendance is part of the child's file
        ),
    ]


@pytest.mark.django_db
def test_defector_assess(make_case, handler, today):
    case = make_case("avhopp")
    with history_written() as rows:
        assessment = services.defector_assess(
            actor=handler, case=case, assessed_on=today, threat_level="konkret", motivated=True, note="Hot via sociala"
        )
    changes = created(
        case=pk(case),
        assessed_on=today.isoformat(),
        threat_level="konkret",
        motivated="True",
        note="Hot via sociala",
        assessed_by=pk(handler),
    )
    assert rows == [row(handler, assessment, CREATE, changes, case=case)]


@pytest.mark.django_db
def test_purchased_service_add(make_case, handler):
    case = make_case("avhopp")
    with history_written() as rows:
        service = services.purchased_service_add(
            actor=handler,
            case=case,
            kind="skyddat_boende",
            provider="Tryggt AB",
            starts_on=datetime.date(2025, 5, 1),
            ends_on=None,
            price=Decimal("400000"),
        )
    changes = created(
        case=pk(case),
        kind="skyddat_boende",
        provider="Tryggt AB",
        starts_on="2025-05-01",
        price_unit="period",
        price="400000",
        cost="400000.00",  # derived from the price for the period
        recorded_by=pk(handler),
    )
    assert rows == [row(handler, service, CREATE, changes, case=case)]


@pytest.mark.django_db
def test_reoffence_record(make_case, handler, today):
    case = make_case("sig")
    with history_written() as rows:
        reoffence = services.reoffence_record(actor=handler, case=case, noted_on=today, kind="polisanmalan")
    changes = created(case=pk(case), noted_on=today.isoformat(), kind="polisanmalan", recorded_by=pk(handler))
    assert rows == [row(handler, reoffence, CREATE, changes, case=case)]


# ---------------------------------------------------------------- Fältverksamhet, polare, områdesinsats


@pytest.mark.django_db
def test_field_shift_record(handler, colleague, today):
    district = DistrictFactory()
    with history_written() as rows:
        shift = services.field_shift_record(
            actor=handler,
            worked_on=today,
            district=district,
            area="Centrum",
            staff=[handler, colleague],
            youths_met=40,
            youths_talked=12,
            starts_at=datetime.time(19, 0),
            ends_at=datetime.time(1, 30),
        )
    changes = created(
        unit=pk(handler.unit),
        worked_on=today.isoformat(),
        starts_at="19:00:00",
        ends_at="01:30:00",
        district=pk(district),
        area="Centrum",
        youths_met="40",
        youths_talked="12",
        recorded_by=pk(handler),
        staff=", ".join(sorted([pk(handler), pk(colleague)])),
    )
    assert rows == [row(handler, shift, CREATE, changes)]


@pytest.fixture
def polare(handler, today):
    return services.polare_add(
        actor=handler,
        name="Polle",
        birth_date=today.replace(year=today.year - 16),
        service_started_on=today.replace(year=today.year - 1),
    )


@pytest.mark.django_db
def test_polare_add(handler, today):
    born, started = today.replace(year=today.year - 16), today.replace(year=today.year - 1)
    with history_written() as rows:
        polare = services.polare_add(actor=handler, name="Polle", birth_date=born, service_started_on=started)
    changes = created(
        unit=pk(handler.unit),
        name="Polle",
        birth_date=born.isoformat(),
        service_started_on=started.isoformat(),
        active="True",
    )
    assert rows == [row(handler, polare, CREATE, changes)]


@pytest.mark.django_db
def test_polare_night_book(polare, handler, today):
    with history_written() as rows:
        night = services.polare_night_book(actor=handler, polare=polare, worked_on=today)
    changes = created(polare=pk(polare), worked_on=today.isoformat(), fee=str(night.fee), status="planerad")
    assert night.fee == Decimal("400")
    assert rows == [row(handler, night, CREATE, changes)]


@pytest.mark.django_db
def test_polare_night_set_status(polare, handler, today):
    night = services.polare_night_book(actor=handler, polare=polare, worked_on=today)
    with history_written() as rows:
        services.polare_night_set_status(actor=handler, night=night, status="arbetad")
    assert rows == [row(handler, night, UPDATE, {"status": ["planerad", "arbetad"]})]


@pytest.mark.django_db
def test_field_log_sync(handler, today):
    district = DistrictFactory(name="Ryd")
    payload = {
        "key": "0b6f6c3e-1f0e-4d1a-9a43-6a0f3b1c2d4e",
        "worked_on": today.isoformat(),
        "starts_at": "19:00",
        "ends_at": "22:00",
        "areas": [{"district": district.pk, "from": "19:00", "met": 5, "talked": 2}],
        "events": [{"kind": "oro", "district": district.pk, "place": "Torget", "at": "20:10", "note": "Grupp samlad"}],
    }
    with history_written() as rows:
        result, is_new = services.field_log_sync(actor=handler, payload=payload)
    [shift_id] = result["shifts"]
    shift = FieldShift.objects.get(pk=shift_id)
    event, entry = FieldEvent.objects.get(), FieldLogEntry.objects.get()
    assert is_new and rows == [
        row(
            handler,
            shift,
            CREATE,
            created(
                unit=pk(handler.unit),
                worked_on=today.isoformat(),
                starts_at="19:00:00",
                ends_at="22:00:00",
                district=pk(district),
                area="Ryd",
                youths_met="5",
                youths_talked="2",
                recorded_by=pk(handler),
                staff=pk(handler),
            ),
        ),
        row(
            handler,
            event,
            CREATE,
            created(shift=pk(shift), kind="oro", occurred_at="20:10:00", place="Torget", note="Grupp samlad"),
        ),
        row(
            handler,
            entry,
            CREATE,
            created(
                key=payload["key"],
                unit=pk(handler.unit),
                recorded_by=pk(handler),
                received_at=rows[2][6]["received_at"][1],
                shifts=pk(shift),
            ),
        ),
    ]
    with history_written() as again:
        services.field_log_sync(actor=handler, payload=payload)
    assert again == []  # a resend of the key writes nothing


@pytest.mark.django_db
def test_area_effort_start(handler, today):
    district = DistrictFactory(name="Skäggetorp")
    with history_written() as rows:
        effort = services.area_effort_start(actor=handler, district=district, starts_on=today, weeks=4, reason="Oro")
    changes = created(
        unit=pk(handler.unit),
        district=pk(district),
        reason="Oro",
        starts_on=today.isoformat(),
        weeks="4",
        ends_on=(today + datetime.timedelta(weeks=4)).isoformat(),
        created_by=pk(handler),
    )
    assert rows == [row(handler, effort, CREATE, changes)]


@pytest.mark.django_db
def test_area_effort_extend(handler, today):
    effort = services.area_effort_start(
        actor=handler, district=DistrictFactory(), starts_on=today, weeks=4, reason="Oro"
    )
    old_end, new_end = [(today + datetime.timedelta(weeks=weeks)).isoformat() for weeks in (4, 6)]
    with history_written() as rows:
        services.area_effort_extend(actor=handler, effort=effort, weeks=2, reason="Fortsatt oro")
    extension = effort.extensions.get()
    extension_changes = created(
        effort=pk(effort),
        weeks="2",
        previous_ends_on=old_end,
        new_ends_on=new_end,
        reason="Fortsatt oro",
        created_by=pk(handler),
    )
    assert rows == [
        row(handler, extension, CREATE, extension_changes),
        row(handler, effort, UPDATE, {"ends_on": [old_end, new_end]}),
    ]


# ---------------------------------------------------------------- Genomförandeplan


@pytest.fixture
def plan_case(make_case):
    return make_case("sig")


@pytest.fixture
def plan(plan_case, handler, coordinator):
    return services.plan_create(actor=handler, case=plan_case, coordinator=coordinator, overall_goal="Inga nya brott")


def _version(plan) -> PlanVersion:
    return PlanVersion.objects.get(plan=plan, superseded_at__isnull=True)


@pytest.mark.django_db
def test_plan_create(plan_case, handler, coordinator):
    with history_written() as rows:
        plan = services.plan_create(
            actor=handler, case=plan_case, coordinator=coordinator, overall_goal="Inga nya brott"
        )
    version = _version(plan)
    assert rows == [
        row(handler, plan, CREATE, created(case=pk(plan_case), coordinator=pk(coordinator)), case=plan_case),
        row(
            handler,
            version,
            CREATE,
            created(plan=pk(plan), number="1", overall_goal="Inga nya brott", created_by=pk(handler)),
            case=plan_case,
        ),
    ]


@pytest.mark.django_db
def test_plan_update(plan, plan_case, handler):
    with history_written() as rows:
        version = services.plan_update(
            actor=handler,
            plan=plan,
            overall_goal="Skolan varje dag",
            follow_up_method="Möte varje månad",
            expected_version=plan.version,
        )
    changes = {
        "overall_goal": ["Inga nya brott", "Skolan varje dag"],
        "follow_up_method": ["", "Möte varje månad"],
    }
    assert rows == [row(handler, version, UPDATE, changes, case=plan_case)]


@pytest.mark.django_db
def test_plan_trainer_assign(plan, plan_case, handler, today):
    with history_written() as rows:
        services.plan_trainer_assign(
            actor=handler, plan=plan, name="Tina Tränare", phone="070-1", expected_version=plan.version
        )
    changes = {
        "trainer_name": ["", "Tina Tränare"],
        "trainer_phone": ["", "070-1"],
        "trainer_assigned_on": [None, today.isoformat()],
    }
    assert rows == [row(handler, plan, UPDATE, changes, case=plan_case)]


@pytest.mark.django_db
def test_plan_participant_add(plan, plan_case, handler, today):
    trainer = Actor.objects.get(code="personlig_tranare")
    with history_written() as rows:
        participant = services.plan_participant_add(actor=handler, plan=plan, actor_obj=trainer, contact="Tina")
    changes = created(version=pk(_version(plan)), actor=pk(trainer), contact="Tina", added_on=today.isoformat())
    assert rows == [row(handler, participant, CREATE, changes, case=plan_case)]


@pytest.mark.django_db
def test_plan_goal_add(plan, plan_case, handler):
    with history_written() as rows:
        goal = services.plan_goal_add(actor=handler, plan=plan, text="Gå till skolan")
    changes = created(version=pk(_version(plan)), position="1", text="Gå till skolan")
    assert rows == [row(handler, goal, CREATE, changes, case=plan_case)]


@pytest.mark.django_db
def test_plan_activity_add(plan, plan_case, handler):
    trainer = Actor.objects.get(code="personlig_tranare")
    goal = services.plan_goal_add(actor=handler, plan=plan, text="Gå till skolan")
    with history_written() as rows:
        activity = services.plan_activity_add(
            actor=handler, plan=plan, goal=goal, what="Väckning", responsible=trainer, when="Varje morgon"
        )
    changes = created(
        version=pk(_version(plan)),
        goal=pk(goal),
        what="Väckning",
        actor=pk(trainer),
        when="Varje morgon",
        created_by=pk(handler),
    )
    assert rows == [row(handler, activity, CREATE, changes, case=plan_case)]


@pytest.mark.django_db
def test_plan_activity_done(plan, plan_case, handler, today):
    goal = services.plan_goal_add(actor=handler, plan=plan, text="Gå till skolan")
    trainer = Actor.objects.get(code="personlig_tranare")
    activity = services.plan_activity_add(
        actor=handler, plan=plan, goal=goal, what="Väckning", responsible=trainer, when="Varje morgon"
    )
    with history_written() as rows:
        done = services.plan_activity_done(actor=handler, plan=plan, activity=activity, done_on=today)
    assert rows == [row(handler, done, UPDATE, {"done_on": [None, today.isoformat()]}, case=plan_case)]


@pytest.mark.django_db
def test_plan_build(plan, plan_case, handler, today):
    """The one-sitting form's service writes each part's own rows, in order, in one transaction."""
    school, social = Actor.objects.get(code="skola"), Actor.objects.get(code="socialtjanst")
    consents_record(
        actor=handler,
        person=plan_case.person,
        custodians=[None, *plan_case.person.custodians.all()],
        actors=[school],
        given_on=today,
        form="skriftligt",
    )
    custodian = plan_case.person.custodians.first()
    version = _version(plan)
    with history_written() as rows:
        services.plan_build(
            actor=handler,
            plan=plan,
            meeting_on=today,
            goals=[
                ("Gå till skolan", [{"what": "Närvaro", "responsible": school, "when": "Varje dag"}]),
                ("Fritid", [{"what": "Fotboll", "responsible": social, "when": "Tisdagar", "due_on": None}]),
            ],
            trainer_name="Tina Tränare",
            follow_ups=[today + datetime.timedelta(days=30)],
            approvers=[None, custodian],
            signed_on=today,
            expected_version=plan.version,
        )
    goals = list(version.goals.order_by("position"))
    activities = {a.what: a for a in version.activities.all()}
    participants = {p.actor_id: p for p in version.participants.all()}
    follow_up = version.follow_ups.get()
    agreements = {a.custodian_id: a for a in version.agreements.all()}
    trainer_changes = {
        "trainer_name": ["", "Tina Tränare"],
        "trainer_phone": ["", ""],
        "trainer_assigned_on": [None, today.isoformat()],
    }
    trainer_changes = {k: v for k, v in trainer_changes.items() if v[0] != v[1]}

    def activity_row(activity, goal, responsible):
        changes = created(
            version=pk(version),
            goal=pk(goal),
            what=activity.what,
            actor=pk(responsible),
            when=activity.when,
            created_by=pk(handler),
        )
        return row(handler, activity, CREATE, changes, case=plan_case)

    def participant_row(responsible):
        changes = created(version=pk(version), actor=pk(responsible), added_on=today.isoformat())
        return row(handler, participants[responsible.pk], CREATE, changes, case=plan_case)

    def agreement_row(custodian_obj):
        changes = created(
            version=pk(version),
            **({"custodian": pk(custodian_obj)} if custodian_obj else {}),
            agreed_on=today.isoformat(),
            recorded_by=pk(handler),
        )
        return row(handler, agreements[custodian_obj.pk if custodian_obj else None], CREATE, changes, case=plan_case)

    assert rows == [
        row(handler, plan, UPDATE, trainer_changes, case=plan_case),
        row(handler, version, UPDATE, {"meeting_on": [None, today.isoformat()]}, case=plan_case),
        row(
            handler, goals[0], CREATE, created(version=pk(version), position="1", text="Gå till skolan"), case=plan_case
        ),
        participant_row(school),
        activity_row(activities["Närvaro"], goals[0], school),
        row(handler, goals[1], CREATE, created(version=pk(version), position="2", text="Fritid"), case=plan_case),
        participant_row(social),
        activity_row(activities["Fotboll"], goals[1], social),
        row(
            handler,
            follow_up,
            CREATE,
            created(version=pk(version), due_on=(today + datetime.timedelta(days=30)).isoformat()),
            case=plan_case,
        ),
        agreement_row(None),
        agreement_row(custodian),
    ]


@pytest.mark.django_db
def test_plan_build_refused_in_a_later_row_saves_nothing(plan, plan_case, handler, today):
    """Polis without consent in the second goal: the first goal, the trainer and the meeting date are not
    kept either, and the history has no row."""
    school, police = Actor.objects.get(code="skola"), Actor.objects.get(code="polis")
    consents_record(
        actor=handler,
        person=plan_case.person,
        custodians=[None, *plan_case.person.custodians.all()],
        actors=[school],
        given_on=today,
        form="skriftligt",
    )
    with history_written() as rows, pytest.raises(ValidationError) as refused:
        services.plan_build(
            actor=handler,
            plan=plan,
            meeting_on=today,
            goals=[
                ("Skolan", [{"what": "Närvaro", "responsible": school, "when": "Varje dag"}]),
                ("Inga brott", [{"what": "Orosamtal", "responsible": police, "when": "Varje månad"}]),
            ],
            trainer_name="Tina Tränare",
            expected_version=plan.version,
        )
    assert refused.value.messages[0].startswith("Mål 2, aktivitet 1: Polis kan inte ingå i planen")
    assert rows == []
    version = _version(plan)
    assert not version.goals.exists() and version.meeting_on is None
    plan.refresh_from_db()
    assert plan.trainer_name == ""


@pytest.mark.django_db
def test_plan_agreement_record(plan, plan_case, handler, today):
    custodian = plan_case.person.custodians.first()
    with history_written() as rows:
        agreement = services.plan_agreement_record(actor=handler, plan=plan, custodian=custodian, agreed_on=today)
    changes = created(
        version=pk(_version(plan)), custodian=pk(custodian), agreed_on=today.isoformat(), recorded_by=pk(handler)
    )
    assert rows == [row(handler, agreement, CREATE, changes, case=plan_case)]


@pytest.mark.django_db
def test_plan_follow_up_schedule(plan, plan_case, handler, today):
    due = today + datetime.timedelta(days=30)
    with history_written() as rows:
        follow_up = services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=due)
    changes = created(version=pk(_version(plan)), due_on=due.isoformat())
    assert rows == [row(handler, follow_up, CREATE, changes, case=plan_case)]


@pytest.mark.django_db
def test_plan_follow_up_record(plan, plan_case, handler, coordinator, today):
    goal = services.plan_goal_add(actor=handler, plan=plan, text="Gå till skolan")
    follow_up = services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today)
    with history_written() as rows:
        services.plan_follow_up_record(
            actor=coordinator,
            follow_up=follow_up,
            held_on=today,
            note="Bra månad",
            attainments={goal.pk: ("delvis", "Tre frånvarodagar")},
        )
    attainment = GoalAttainment.objects.get(follow_up=follow_up)
    follow_up_changes = {
        "held_on": [None, today.isoformat()],
        "note": ["", "Bra månad"],
        "recorded_by": [None, pk(coordinator)],
    }
    attainment_changes = created(follow_up=pk(follow_up), goal=pk(goal), level="delvis", comment="Tre frånvarodagar")
    assert rows == [
        row(coordinator, follow_up, UPDATE, follow_up_changes, case=plan_case),
        row(coordinator, attainment, CREATE, attainment_changes, case=plan_case),
    ]


@pytest.mark.django_db
def test_plan_revise(plan, plan_case, handler):
    services.plan_goal_add(actor=handler, plan=plan, text="Gå till skolan")
    old = _version(plan)
    with history_written() as rows:
        new = services.plan_revise(actor=handler, plan=plan, reason="Nytt mål om fritid")
    old.refresh_from_db()
    new_changes = created(
        plan=pk(plan),
        number="2",
        overall_goal="Inga nya brott",
        created_by=pk(handler),
        revision_reason="Nytt mål om fritid",
    )
    # the copied goals, activities and participants are the old version's, not a change of their own
    assert rows == [
        row(handler, old, UPDATE, {"superseded_at": [None, old.superseded_at.isoformat()]}, case=plan_case),
        row(handler, new, CREATE, new_changes, case=plan_case),
    ]


@pytest.mark.django_db
def test_a_follow_up_is_never_planned_for_a_day_that_has_passed(plan, handler, today):
    with history_written() as rows, pytest.raises(ValidationError) as refused:
        services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today - datetime.timedelta(days=1))
    assert refused.value.message_dict["due_on"] == ["Uppföljningen kan inte planeras till ett datum som har passerat."]
    assert rows == [] and not plan.versions.get().follow_ups.exists()
