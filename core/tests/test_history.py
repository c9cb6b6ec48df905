"""Change history: who changed what and when, with old and new values, for people,
cases, the journal and consent; append-only; shown only to those who may see the record."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from cases.models import ClosureReason, JournalEntry, ProtectionLevel
from cases.services import case_close, case_reassign, journal_entry_create, journal_entry_update, person_register
from consent.models import Actor, LegalBasis
from consent.services import consent_record, consent_revoke, disclosure_record
from core.history import change_record, history_snapshot
from core.models import AccessLog, ChangeAction, ChangeLog
from tests.factories import CaseFactory, DistrictFactory, PersonFactory, personnummer_for


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit))


@pytest.mark.django_db
def test_registering_a_person_records_who_and_the_values(handler):
    person = person_register(
        actor=handler,
        id_kind="personnummer",
        id_number=personnummer_for(datetime.date(2010, 2, 3), 11),
        first_name="Nova",
        last_name="Ny",
    )
    entry = ChangeLog.objects.get(object_type="cases.person")
    assert (entry.actor, entry.action, entry.person_id) == (handler, ChangeAction.CREATE, person.pk)
    assert entry.changes["first_name"] == [None, "Nova"]


@pytest.mark.django_db
def test_closing_and_reassigning_record_old_and_new_values(handler, colleague, manager, case):
    case_reassign(actor=manager, case=case, handler=colleague)
    case_close(actor=colleague, case=case, reason=ClosureReason.UNPLANNED, closed_on=datetime.date(2025, 4, 1))

    reassigned, closed = ChangeLog.objects.filter(case_id=case.pk).order_by("id")
    assert reassigned.actor == manager and reassigned.changes == {"handler": [str(handler.pk), str(colleague.pk)]}
    assert closed.actor == colleague
    assert closed.changes["closed_on"] == [None, "2025-04-01"]
    assert closed.changes["closure_reason"] == ["", "oplanerat"]
    assert closed.person_id == case.person_id


@pytest.mark.django_db
def test_journal_draft_edit_and_consent_are_recorded(handler, case):
    entry = journal_entry_create(
        actor=handler, case=case, kind="samtal", occurred_on=datetime.date(2025, 3, 4), text="Första utkast"
    )
    journal_entry_update(
        actor=handler, entry=entry, text="Rättat utkast", occurred_on=entry.occurred_on, expected_version=1
    )
    actor = Actor.objects.filter(needs_consent=True).first()
    consent = consent_record(
        actor=handler,
        person=case.person,
        custodian=None,
        actors=[actor],
        given_on=datetime.date(2025, 3, 5),
        form="skriftligt",
    )
    consent_revoke(actor=handler, consent=consent, revoked_on=datetime.date(2025, 3, 6))

    edit = ChangeLog.objects.get(object_type="cases.journalentry", action=ChangeAction.UPDATE)
    assert edit.changes == {"text": ["Första utkast", "Rättat utkast"]} and edit.case_id == case.pk
    recorded = ChangeLog.objects.get(object_type="consent.consent")
    assert recorded.changes["actors"] == [None, actor.code] and recorded.person_id == case.person_id
    revoked = ChangeLog.objects.get(object_type="consent.consentrevocation")
    assert revoked.person_id == case.person_id and revoked.changes["revoked_on"] == [None, "2025-03-06"]


@pytest.mark.django_db
def test_change_record_api_for_other_apps(handler, case):
    # the one call other apps (plans) use: snapshot before, change, record
    before = history_snapshot(case)
    case.next_follow_up_on = datetime.date(2025, 5, 1)
    assert change_record(actor=handler, instance=case, action=ChangeAction.UPDATE, before=before).changes == {
        "next_follow_up_on": [None, "2025-05-01"]
    }
    assert (
        change_record(actor=handler, instance=case, action=ChangeAction.UPDATE, before=history_snapshot(case)) is None
    )


@pytest.mark.django_db
def test_history_pages_show_changes_to_those_who_see_the_record(client, handler, colleague, outsider, manager, case):
    case_reassign(actor=manager, case=case, handler=colleague)
    person_url = reverse("person_history", kwargs={"person_id": case.person.pk})
    case_url = reverse("case_history", kwargs={"case_id": case.pk})
    client.force_login(handler)
    html = client.get(case_url).content.decode()
    assert "Maria Chef" in html and "Handläggare" in html
    assert client.get(person_url).status_code == 200
    client.force_login(outsider)
    assert client.get(case_url).status_code == 404
    assert client.get(person_url).status_code == 404


@pytest.mark.django_db
def test_history_masks_a_protected_identity(client, handler):
    person = person_register(
        actor=handler,
        id_kind="personnummer",
        id_number=personnummer_for(datetime.date(2010, 2, 3), 12),
        first_name="Dold",
        last_name="Doldsson",
        protection=ProtectionLevel.FICTITIOUS,
    )
    client.force_login(handler)
    html = client.get(reverse("person_history", kwargs={"person_id": person.pk})).content.decode()
    assert "Dolds" not in html and person.id_number not in html


@pytest.mark.django_db
@pytest.mark.requires("postgresql")  # database-level guard
def test_history_is_append_only(handler, case):
    entry = change_record(actor=handler, instance=case, action=ChangeAction.CREATE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeLog.objects.filter(pk=entry.pk).update(changes={})
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeLog.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
def test_a_failed_change_leaves_no_history(handler, case):
    with pytest.raises(Exception):  # noqa: B017 - any validation error
        case_close(actor=handler, case=case, reason="", closed_on=datetime.date(2025, 4, 1))
    assert not ChangeLog.objects.filter(case_id=case.pk).exists()
    assert not JournalEntry.objects.exists() and connection.vendor in {"postgresql", "sqlite"}


@pytest.mark.django_db
def test_each_history_page_view_writes_exactly_one_log_row(client, handler, case):
    client.force_login(handler)
    client.get(reverse("person_history", kwargs={"person_id": case.person.pk}))
    client.get(reverse("case_history", kwargs={"case_id": case.pk}))
    rows = AccessLog.objects.filter(user=handler, person_id=case.person.pk).order_by("id")
    assert list(rows.values_list("what", flat=True)) == ["person_history", "case_history"]


# -- the history in words (issue 19 point 7) --------------------------------------------------------------


@pytest.mark.django_db
def test_history_page_speaks_in_names_labels_ja_nej_and_swedish_numbers(client, handler, colleague, manager, case):
    # given a reassignment, a closure, an utlämnande and a corrected hour report on the case
    case_reassign(actor=manager, case=case, handler=colleague)
    case_close(actor=colleague, case=case, reason=ClosureReason.UNPLANNED, closed_on=datetime.date(2025, 4, 1))
    polis = Actor.objects.get(code="polis")
    disclosure_record(
        actor=handler,
        person=case.person,
        case=case,
        recipient=polis,
        what_sent="Uppgift om pågående insats.",
        legal_basis=LegalBasis.objects.filter(active=True, is_consent=False).first(),
        disclosed_on=datetime.date(2025, 4, 2),
        decided_by=manager,
    )
    ChangeLog.objects.create(
        actor=handler,
        object_type="interventions.communityservicesession",
        object_id="999999",
        person_id=case.person_id,
        case_id=case.pk,
        action=ChangeAction.UPDATE,
        changes={"hours": ["5.0", "3.5"], "performed_on": ["2025-03-04", "2025-03-04"], "change_reason": [None, "Fel"]},
    )
    ChangeLog.objects.create(
        actor=handler,
        object_type="consent.maturityassessment",
        object_id="999999",
        person_id=case.person_id,
        action=ChangeAction.CREATE,
        changes={"mature": [None, "True"]},
    )
    client.force_login(manager)

    # when the history of the person is read
    response = client.get(reverse("person_history", args=[case.person_id]))

    # then people are named, codes are labels, Ja/Nej and decimal commas, and the corrected row says which day
    html = response.content.decode()
    rows = [change for row in response.context["rows"] for change in row["changes"]]
    texts = {(change["field"], change["old"], change["new"]) for change in rows}
    assert ("handläggare", str(handler), str(colleague)) in {(f.lower(), o, n) for f, o, n in texts}
    assert ("avslutsorsak", None, str(ClosureReason.UNPLANNED.label)) in texts
    assert ">oplanerat<" not in html
    assert any(new == polis.name for _f, _o, new in texts)  # not the actor's id
    assert any(new == str(manager) for f, _o, new in texts if f.lower().startswith("beslut")), texts
    assert any((old, new) == ("5", "3,5") for _f, old, new in texts), texts
    assert any(new == "Ja" for _f, _o, new in texts), texts
    whats = [row["what"] for row in response.context["rows"]]
    assert any("2025-03-04" in what for what in whats), whats
    for raw in [f">{colleague.pk}<", f">{polis.pk}<", ">True<", ">3.5<"]:
        assert raw not in html, raw


@pytest.mark.django_db
def test_history_masks_birth_date_and_district_of_a_protected_person(client, handler, colleague):
    # given a protected person whose district and birth date were changed
    person = PersonFactory(unit=handler.unit, protection=ProtectionLevel.PROTECTED_REGISTRATION)
    district = DistrictFactory(name="Skäggetorp")
    ChangeLog.objects.create(
        actor=handler,
        object_type="cases.person",
        object_id=str(person.pk),
        person_id=person.pk,
        action=ChangeAction.UPDATE,
        changes={"district": [None, str(district.pk)], "birth_date": ["2009-04-12", "2009-04-13"]},
    )
    client.force_login(colleague)

    html = client.get(reverse("person_history", args=[person.pk])).content.decode()

    for secret in ["Skäggetorp", f">{district.pk}<", "2009-04-12", "2009-04-13"]:
        assert secret not in html, secret
