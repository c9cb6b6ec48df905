"""The Django admin: Swedish, no query per row, identities masked, logs and consent history untouchable."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.identity import format_id_number
from cases.models import Case, InsatsType, JournalEntry, Person
from consent.models import Actor, Consent, ConsentRevocation, Disclosure, LegalBasis, MaturityAssessment
from core.access_log import Seen, access_log_record
from core.models import AccessAction, AccessLog, ChangeLog, Role, User
from reporting.admin import format_kr
from reporting.models import AgreedVolume, Agreement
from tests.factories import (
    CaseFactory,
    CustodianFactory,
    DistrictFactory,
    JournalEntryFactory,
    PersonFactory,
    ProviderFactory,
    UserFactory,
)


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    return manager


# -- rows for the query-count test ---------------------------------------------------------------


def make_people(n, ctx):
    PersonFactory.create_batch(n, unit=ctx["handler"].unit, district=DistrictFactory())


def make_cases(n, ctx):
    CaseFactory.create_batch(n, handler=ctx["handler"])


def make_entries(n, ctx):
    for case in CaseFactory.create_batch(n, handler=ctx["handler"]):
        JournalEntryFactory(case=case, signed_at=datetime.datetime(2025, 3, 5, 10, tzinfo=datetime.UTC))


def make_consents(n, ctx):
    polis = Actor.objects.get(code="polis")
    for person in PersonFactory.create_batch(n, unit=ctx["handler"].unit):
        custodian = CustodianFactory(person=person)
        consent = Consent.objects.create(
            person=person,
            custodian=custodian,
            given_on=datetime.date(2025, 1, 1),
            form="skriftligt",
            recorded_by=ctx["handler"],
        )
        consent.actors.set([polis])
        revocation = ConsentRevocation.objects.create(
            consent=consent, revoked_on=datetime.date(2025, 2, 1), recorded_by=ctx["handler"]
        )
        revocation.actors.set([polis])


def make_access_log(n, ctx):
    people = PersonFactory.create_batch(n, unit=ctx["handler"].unit)
    access_log_record(
        user=ctx["handler"], seen=[Seen(person_id=p.pk) for p in people], action=AccessAction.VIEW, what="t"
    )


def make_users(n, ctx):
    UserFactory.create_batch(n, unit=ctx["handler"].unit)


def make_agreements(n, ctx):
    provider = ProviderFactory()
    for index in range(n):
        Agreement.objects.create(
            provider=provider,
            unit=ctx["handler"].unit,
            name=f"Uppdrag {index}",
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
            budget=3_854_000,
        )


def make_maturity(n, ctx):
    for person in PersonFactory.create_batch(n, unit=ctx["handler"].unit):
        MaturityAssessment.objects.create(
            person=person, assessed_on=datetime.date(2025, 1, 1), mature=True, reasoning="x", assessed_by=ctx["handler"]
        )


def make_disclosures(n, ctx):
    polis, basis = Actor.objects.get(code="polis"), LegalBasis.objects.first()
    for case in CaseFactory.create_batch(n, handler=ctx["handler"]):
        Disclosure.objects.create(
            person=case.person,
            case=case,
            recipient=polis,
            what_sent="Uppgift om pågående insats.",
            legal_basis=basis,
            disclosed_on=datetime.date(2025, 4, 1),
            decided_by=ctx["handler"],
            recorded_by=ctx["handler"],
        )


def make_changes(n, ctx):
    for index in range(n):
        ChangeLog.objects.create(actor=ctx["handler"], object_type="cases.case", object_id=str(index), action="create")


LISTS = [
    (Person, make_people),
    (Case, make_cases),
    (JournalEntry, make_entries),
    (Consent, make_consents),
    (ConsentRevocation, make_consents),
    (MaturityAssessment, make_maturity),
    (AccessLog, make_access_log),
    (User, make_users),
    (Agreement, make_agreements),
    (Disclosure, make_disclosures),
    (ChangeLog, make_changes),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "make"), LISTS, ids=[model.__name__ for model, _make in LISTS])
def test_admin_lists_do_not_issue_a_query_per_row(model, make, admin_client, handler, django_assert_max_num_queries):
    # given 5 rows, the list page costs some number of queries
    ctx = {"handler": handler}
    make(5, ctx)
    admin_client.get(changelist(model))  # warm per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as five:
        response = admin_client.get(changelist(model))
    assert response.status_code == 200

    # when there are 50 rows, then the same page costs no more
    make(45, ctx)
    with django_assert_max_num_queries(len(five)):
        response = admin_client.get(changelist(model))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 50


@pytest.mark.django_db
def test_every_registered_admin_page_answers_in_swedish(admin_client, handler):
    # given one row of the main records
    entry = JournalEntryFactory(case=CaseFactory(handler=handler))
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ["Ungdomar", "Ärenden", "Journalanteckningar", "Samtycken", "Åtkomstlogg", "Överenskommelser"]:
        assert label in html
    # then every list (and add page, where adding is allowed) renders
    for model, model_admin in admin.site._registry.items():
        response = admin_client.get(changelist(model))
        assert response.status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            assert admin_client.get(add).status_code == 200, model
    assert admin_client.get(change(entry)).status_code == 200
    assert admin_client.get(change(entry.case)).status_code == 200
    assert admin_client.get(change(entry.case.person)).status_code == 200


# -- skyddad identitet ----------------------------------------------------------------------------


@pytest.fixture
def protected(handler):
    return PersonFactory(
        first_name="Hemliga",
        last_name="Skyddsson",
        protection="skyddad_folkbokforing",
        street_address="Lönngatan 7",
        unit=handler.unit,
    )


@pytest.mark.django_db
def test_person_list_masks_protected_identity(admin_client, protected):
    open_person = PersonFactory(first_name="Öppen", last_name="Synligsson", unit=protected.unit)

    html = admin_client.get(changelist(Person)).content.decode()

    assert "Skyddad identitet" in html
    for secret in [
        protected.first_name,
        protected.last_name,
        protected.id_number,
        format_id_number(protected.id_number, "personnummer"),
    ]:
        assert secret not in html
    assert "Synligsson" in html and format_id_number(open_person.id_number, "personnummer") in html


@pytest.mark.django_db
def test_admin_search_never_finds_a_protected_person(admin_client, protected):
    number_10 = protected.id_number[2:8] + "-" + protected.id_number[8:]
    for term in ["Skyddsson", "Hemliga", protected.id_number, number_10]:
        response = admin_client.get(changelist(Person), {"q": term})
        assert len(response.context["cl"].result_list) == 0, term
        assert "Skyddad identitet" not in response.content.decode()  # not even a masked row
        response = admin_client.get(changelist(Case), {"q": term})
        assert len(response.context["cl"].result_list) == 0, term


@pytest.mark.django_db
def test_admin_search_finds_unprotected_people_by_name_and_any_number_form(admin_client, handler):
    person = PersonFactory(first_name="Nora", last_name="Sökbar", unit=handler.unit)
    case = CaseFactory(person=person, handler=handler)
    number_10 = person.id_number[2:8] + "-" + person.id_number[8:]
    for term in ["Sökbar", "nora sök", number_10, person.id_number]:
        assert list(admin_client.get(changelist(Person), {"q": term}).context["cl"].result_list) == [person], term
    assert list(admin_client.get(changelist(Case), {"q": case.number}).context["cl"].result_list) == [case]


@pytest.mark.django_db
def test_protected_person_detail_and_case_pages_are_masked(admin_client, protected, handler):
    case = CaseFactory(person=protected, handler=handler)
    CustodianFactory(person=protected, name="Förälder Skyddsson")
    for url in [change(protected), change(case)]:
        html = admin_client.get(url).content.decode()
        assert "Skyddad identitet" in html
        for secret in ["Hemliga", "Skyddsson", "Lönngatan", protected.id_number[8:]]:
            assert secret not in html, (url, secret)


@pytest.mark.django_db
def test_admin_pages_showing_people_write_the_access_log(admin_client, handler):
    people = PersonFactory.create_batch(3, unit=handler.unit)

    admin_client.get(changelist(Person))
    admin_client.get(change(people[0]))

    rows = AccessLog.objects.filter(user__username="admin")
    assert rows.filter(action=AccessAction.LIST).count() == 3
    assert list(rows.filter(action=AccessAction.VIEW).values_list("person_id", flat=True)) == [people[0].pk]


@pytest.mark.django_db
def test_staff_sees_only_their_units_people_and_cases(client, staff_manager, outsider):
    own = CaseFactory(handler=UserFactory(unit=staff_manager.unit))
    other = CaseFactory(handler=outsider)
    client.force_login(staff_manager)

    listed = list(client.get(changelist(Case)).context["cl"].result_list)
    assert listed == [own]
    assert list(client.get(changelist(Person)).context["cl"].result_list) == [own.person]
    # another unit's case is as good as absent (the admin redirects with "does not exist")
    response = client.get(change(other))
    assert response.status_code == 302 and other.person.last_name not in response.content.decode()
    assert client.get(change(other.person)).status_code == 302


# -- read-only and append-only --------------------------------------------------------------------


@pytest.mark.django_db
def test_access_log_admin_is_read_only(admin_client, handler):
    person = PersonFactory(unit=handler.unit)
    access_log_record(user=handler, seen=[Seen(person_id=person.pk)], action=AccessAction.VIEW, what="t")
    row = AccessLog.objects.get(user=handler)
    model_admin = admin.site._registry[AccessLog]
    request = admin_client.get(changelist(AccessLog)).wsgi_request

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)
    assert admin_client.get(reverse("admin:core_accesslog_add")).status_code == 403
    assert admin_client.post(change(row), {"what": "ändrat"}).status_code == 403
    assert admin_client.post(reverse("admin:core_accesslog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.what == "t"
    # searching by person id works on the UUID column, and junk does not crash it
    assert admin_client.get(changelist(AccessLog), {"q": str(person.pk)}).status_code == 200
    assert admin_client.get(changelist(AccessLog), {"q": "inte-ett-uuid"}).status_code == 200


@pytest.mark.django_db
def test_signed_journal_entry_cannot_be_changed_or_deleted_in_the_admin(admin_client, handler):
    entry = JournalEntryFactory(case=CaseFactory(handler=handler), text="Original.")
    entry.signed_at = datetime.datetime(2025, 3, 5, 10, tzinfo=datetime.UTC)
    JournalEntry.objects.filter(pk=entry.pk).update(signed_at=entry.signed_at)
    model_admin = admin.site._registry[JournalEntry]
    request = admin_client.get(changelist(JournalEntry)).wsgi_request

    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    response = admin_client.post(change(entry), {"text": "Ändrad.", "kind": "samtal", "occurred_on": "2025-03-05"})
    assert response.status_code == 403
    assert (
        admin_client.post(reverse("admin:cases_journalentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.text == "Original."
    assert "Original." in admin_client.get(change(entry)).content.decode()  # still viewable


@pytest.mark.django_db
def test_consent_admin_adds_through_the_service_and_never_changes(admin_client, handler):
    person = PersonFactory(unit=handler.unit)
    custodian = CustodianFactory(person=person)
    polis, skola = Actor.objects.get(code="polis"), Actor.objects.get(code="skola")

    response = admin_client.post(
        reverse("admin:consent_consent_add"),
        {
            "person": str(person.pk),
            "custodian": str(custodian.pk),
            "actors": [polis.pk, skola.pk],
            "given_on": "2025-02-01",
            "form": "skriftligt",
            "valid_until": "2026-01-31",
            "note": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    consent = Consent.objects.get()
    assert consent.recorded_by.username == "admin"
    assert set(consent.actors.all()) == {polis, skola}
    model_admin = admin.site._registry[Consent]
    request = response.wsgi_request
    assert not model_admin.has_change_permission(request, consent)
    assert not model_admin.has_delete_permission(request, consent)
    assert admin_client.post(change(consent), {"given_on": "2020-01-01"}).status_code == 403
    consent.refresh_from_db()
    assert consent.given_on == datetime.date(2025, 2, 1)


@pytest.mark.django_db
def test_consent_admin_shows_the_services_swedish_errors_and_saves_nothing(admin_client, handler):
    person = PersonFactory(unit=handler.unit)
    someone_elses_custodian = CustodianFactory(person=PersonFactory(unit=handler.unit))
    polis = Actor.objects.get(code="polis")

    response = admin_client.post(
        reverse("admin:consent_consent_add"),
        {
            "person": str(person.pk),
            "custodian": str(someone_elses_custodian.pk),
            "actors": [polis.pk],
            "given_on": "2025-02-01",
            "form": "skriftligt",
        },
    )

    assert response.status_code == 200
    assert "Vårdnadshavaren hör inte till den här personen." in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_revocation_and_maturity_are_added_through_their_services(admin_client, handler):
    person = PersonFactory(unit=handler.unit)
    consent = Consent.objects.create(
        person=person, given_on=datetime.date(2025, 1, 1), form="muntligt", recorded_by=handler
    )
    consent.actors.set([Actor.objects.get(code="polis")])

    early = admin_client.post(
        reverse("admin:consent_consentrevocation_add"), {"consent": consent.pk, "revoked_on": "2024-12-01"}
    )
    assert early.status_code == 200 and not ConsentRevocation.objects.exists()
    assert "före datumet" in early.content.decode()
    ok = admin_client.post(
        reverse("admin:consent_consentrevocation_add"),
        {"consent": consent.pk, "revoked_on": "2025-03-01", "reason": ""},
    )
    assert ok.status_code == 302
    assert ConsentRevocation.objects.get().recorded_by.username == "admin"

    no_reason = admin_client.post(
        reverse("admin:consent_maturityassessment_add"),
        {"person": str(person.pk), "assessed_on": "2025-01-01", "mature": "on", "reasoning": "   "},
    )
    assert no_reason.status_code == 200 and not MaturityAssessment.objects.exists()


# -- users and agreements -------------------------------------------------------------------------


@pytest.mark.django_db
def test_system_administrator_assigns_roles_but_cannot_make_superusers(client, handler):
    sysadmin = UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(sysadmin)

    html = client.get(change(handler)).content.decode()

    assert 'name="groups"' in html
    assert 'name="is_superuser"' not in html
    # and no personal data in the admin for this role
    assert client.get(changelist(Person)).status_code == 403
    assert client.get(changelist(Case)).status_code == 403


@pytest.mark.django_db
def test_agreement_list_shows_budget_in_swedish_format_and_decision_date(admin_client):
    agreement = Agreement.objects.create(
        provider=ProviderFactory(),
        name="Verksamhetsuppdrag Råd och stöd",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        budget=3_854_000,
    )
    ungdomstjanst = InsatsType.objects.get(code="ungdomstjanst")
    AgreedVolume.objects.create(agreement=agreement, insats_type=ungdomstjanst, min_per_year=30, max_per_year=40)

    html = admin_client.get(changelist(Agreement)).content.decode()

    assert format_kr(3_854_000) == "3 854 000 kr"
    assert "3 854 000 kr" in html
    assert "2025-12-31" in html or "31 december 2025" in html
