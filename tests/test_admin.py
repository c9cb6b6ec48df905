"""The Django admin: IT administration only (no personal data for any role), separate duties for roles and
tokens, every change in the history, Swedish, no query per row."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken, TokenScope
from cases.identity import format_id_number
from cases.models import InsatsType
from core.access_log import Seen, access_log_record
from core.admin import ADMIN_MODELS
from core.models import AccessAction, ChangeLog, Role, User
from decisions.models import Lagrum
from records.models import RetentionRule
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


def make_admin_changes(n, ctx):
    for index in range(n):
        ChangeLog.objects.create(
            actor=ctx["handler"],
            object_type="core.unit",
            object_id=str(index),
            action="update",
            changes={"name": ["A", "B"], "provider": [None, str(ctx["handler"].unit.provider_id)]},
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


LISTS = [
    (User, make_users),
    (Agreement, make_agreements),
    (ChangeLog, make_admin_changes),
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
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ["Användare", "Enheter", "Insatstyper", "Överenskommelser", "Gallringsregler", "API-nycklar"]:
        assert label in html
    # then every list (and add page, where adding is allowed) renders
    for model, model_admin in admin.site._registry.items():
        response = admin_client.get(changelist(model))
        assert response.status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            assert admin_client.get(add).status_code == 200, model
    assert admin_client.get(change(handler)).status_code == 200


# -- users and agreements -------------------------------------------------------------------------


@pytest.mark.django_db
def test_system_administrator_assigns_roles_but_cannot_make_superusers(client, handler):
    sysadmin = UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(sysadmin)

    html = client.get(change(handler)).content.decode()

    assert 'name="groups"' in html
    assert 'name="is_superuser"' not in html
    # and no personal data in the admin for this role
    assert client.get("/admin/cases/person/").status_code == 404
    assert client.get("/admin/cases/case/").status_code == 404


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

    assert format_kr(3_854_000) == "3\u00a0854\u00a0000\u00a0kr"
    assert "3\u00a0854\u00a0000\u00a0kr" in html
    assert "2025-12-31" in html or "31 december 2025" in html


# -- the admin is not a back door (issue 25 point 3) ----------------------------------------------------


def test_the_admin_registers_no_model_with_personal_data():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered <= ADMIN_MODELS, registered - ADMIN_MODELS
    person_models = {"cases.person", "cases.case", "cases.custodian", "cases.journalentry"}
    for model in admin.site._registry:
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            related = field.related_model
            assert related is None or related._meta.label_lower not in person_models, (model, field)


@pytest.fixture
def personal_data(handler, outsider):
    """People of two units (one protected), a custodian, a case, a journal entry and access-log rows: the
    strings that must never appear in the admin."""
    secrets = []
    for unit_user, protection in [(handler, ""), (handler, "skyddad_folkbokforing"), (outsider, "")]:
        person = PersonFactory(
            unit=unit_user.unit,
            first_name=f"Hemlig{len(secrets)}",
            last_name="Ungdomsson",
            protection=protection,
            district=DistrictFactory(name=f"Lönnområde{len(secrets)}"),
        )
        custodian = CustodianFactory(
            person=person, name=f"Vårdnadshavare Förälderström{len(secrets)}", phone="0701234567"
        )
        case = CaseFactory(person=person, handler=unit_user)
        JournalEntryFactory(case=case, text=f"Journaltext{len(secrets)} om ungdomen.")
        access_log_record(user=unit_user, seen=[Seen(person_id=person.pk)], action=AccessAction.VIEW, what="t")
        secrets.append(
            [
                person.first_name,
                person.id_number,
                format_id_number(person.id_number, "personnummer"),
                custodian.name,
                custodian.phone,
                f"Journaltext{len(secrets)}",
                str(person.pk),
                case.number,
            ]
        )
    return [secret for group in secrets for secret in group]


def _staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def staff_of_every_role(handler, manager, coordinator, stats_client):
    """Staff access for every role, a system administrator and a superuser."""
    sysadmin = UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    superuser = UserFactory(username="root", unit=None, role=None, is_staff=True, is_superuser=True)
    return {
        "handler": _staff(handler),
        "manager": _staff(manager),
        "coordinator": _staff(coordinator),
        "stats_client": _staff(stats_client),
        "sysadmin": sysadmin,
        "superuser": superuser,
    }


# one test per role, so that pytest-xdist spreads the walks; every role's test has all of them as staff
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["handler", "manager", "coordinator", "stats_client", "sysadmin", "superuser"])
def test_every_admin_page_as_every_role_shows_no_personal_data(client, staff_of_every_role, personal_data, role):
    # given staff access for every role, a system administrator and a superuser
    user = staff_of_every_role[role]
    client.force_login(user)
    # when they walk every list (sorted by every column, each filter), add page and first row of the admin
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        urls += [changelist(model), changelist(model) + "?o=1", changelist(model) + "?o=-2&q=Ungdomsson"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(change(first))
    for url in urls:
        response = client.get(url)
        # then nothing fails, and no person, custodian, number, journal text or case is shown
        assert response.status_code in (200, 302, 403), (user.username, url, response.status_code)
        html = response.content.decode()
        for secret in personal_data:
            assert secret not in html, (user.username, url, secret)
    # and the old personal-data pages are gone for everyone
    for old in OLD_PERSONAL_DATA_PAGES:
        assert client.get(old).status_code == 404, (user.username, old)


OLD_PERSONAL_DATA_PAGES = [
    "/admin/cases/person/",
    "/admin/cases/case/",
    "/admin/cases/custodian/",
    "/admin/core/accesslog/",
    "/admin/consent/consent/",
    "/admin/interventions/polarenight/",
    "/admin/records/retentionitem/",
]


def _user_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "unit": user.unit_id or "",
        "title": user.title,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [group.pk for group in user.groups.all()],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


@pytest.mark.django_db
def test_nobody_grants_themselves_a_role_and_an_administrator_never_holds_casework(client, manager, handler):
    sysadmin = UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    chef = Group.objects.get(name=Role.MANAGER)
    client.force_login(sysadmin)

    # when the system administrator gives itself the enhetschef role, then it is refused
    client.post(change(sysadmin), _user_form(sysadmin, groups=[chef.pk, *sysadmin.groups.values_list("pk", flat=True)]))
    assert set(sysadmin.groups.values_list("name", flat=True)) == {Role.ADMINISTRATOR}
    # and another administrator cannot be given casework either
    other_admin = UserFactory(username="sysadmin2", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    response = client.post(
        change(other_admin), _user_form(other_admin, groups=[chef.pk, Group.objects.get(name=Role.ADMINISTRATOR).pk])
    )
    assert response.status_code == 200 and "åtskilda" in response.content.decode()
    assert not other_admin.groups.filter(name=Role.MANAGER).exists()

    # when it makes a colleague enhetschef, then that is allowed and in the change history, in words
    response = client.post(change(handler), _user_form(handler, groups=[chef.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(handler.groups.values_list("name", flat=True)) == {Role.MANAGER}
    entry = ChangeLog.objects.get(object_type="core.user", object_id=str(handler.pk))
    assert entry.actor == sysadmin and entry.person_id is None
    assert entry.changes["groups"][1] == [str(chef.pk)]
    history = client.get(changelist(ChangeLog)).content.decode()
    assert "enhetschef" in history

    # and a superuser cannot change their own roles either (a second person grants)
    root = UserFactory(username="root", unit=None, is_staff=True, is_superuser=True)
    root.groups.clear()
    client.force_login(root)
    client.post(change(root), _user_form(root, groups=[chef.pk], is_superuser="on"))
    assert not root.groups.exists()


@pytest.mark.django_db
def test_administrator_cannot_set_the_password_of_a_caseworker(client, manager):
    sysadmin = UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[manager.pk])

    response = client.post(url, {"password1": "Ett-helt-nytt-losen-42", "password2": "Ett-helt-nytt-losen-42"})

    assert response.status_code == 403
    manager.refresh_from_db()
    assert manager.check_password("demo-losen-123")


@pytest.mark.django_db
def test_api_tokens_are_made_for_oneself_or_a_statistics_account_only(client, manager, stats_client, unit):
    sysadmin = UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(sysadmin)
    add = reverse("admin:api_apitoken_add")
    form = {"name": "BI", "provider": unit.provider_id, "valid_days": 30, "throttle_rate": ""}

    # when the administrator makes a case-level token acting as the enhetschef, then it is refused
    response = client.post(add, {**form, "scope": TokenScope.CASES, "user": manager.pk})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    # nor a statistics token in the enhetschef's name
    response = client.post(add, {**form, "scope": TokenScope.STATISTICS, "user": manager.pk})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    # nor a case-level token for the statistics account
    response = client.post(add, {**form, "scope": TokenScope.CASES, "user": stats_client.pk})
    assert response.status_code == 200 and not ApiToken.objects.exists()

    # when it makes a statistics token for the dedicated statistics account, then it is made and recorded
    response = client.post(add, {**form, "scope": TokenScope.STATISTICS, "user": stats_client.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    token = ApiToken.objects.get()
    entry = ChangeLog.objects.get(object_type="api.apitoken")
    assert entry.actor == sysadmin and entry.changes["user"] == [None, str(stats_client.pk)]
    assert "key_hash" not in entry.changes and token.user == stats_client


@pytest.mark.django_db
def test_admin_changes_to_units_catalogues_and_retention_rules_are_in_the_history(admin_client, unit):
    # when a unit is renamed, an insats type's age changed and a gallring rule switched off in the admin
    admin_client.post(change(unit), {"name": "Nya gruppen", "provider": unit.provider_id})
    insats = InsatsType.objects.get(code="ungdomstjanst")
    admin_client.post(
        change(insats),
        {"name": insats.name, "min_age": 15, "max_age": 22, "has_individual_cases": "on", "sort_order": 1},
    )
    rule = RetentionRule.objects.first()
    admin_client.post(
        change(rule),
        {
            "record_type": rule.record_type,
            "years": rule.years,
            "keep_birth_days": rule.keep_birth_days,
            "action": rule.action,
            "by_end_of_following_year": "on",
        },  # fmt: skip
    )

    # then each change is in the history with old and new values, in words
    assert ChangeLog.objects.get(object_type="core.unit").changes["name"] == [
        "Brottsförebyggande gruppen",
        "Nya gruppen",
    ]
    assert ChangeLog.objects.get(object_type="cases.insatstype").changes["max_age"][1] == "22"
    assert ChangeLog.objects.get(object_type="records.retentionrule").changes["active"] == ["True", "False"]
    html = admin_client.get(changelist(ChangeLog)).content.decode()
    assert "Nya gruppen" in html and "aktiv: Ja → Nej" in html


@pytest.mark.django_db
def test_resetting_a_second_factor_and_editing_the_delegationsordning_are_in_the_history(admin_client, handler):
    # given a handläggare with an enrolled authenticator app
    device = TOTPDevice.objects.create(user=handler, name="Mobilen", confirmed=True)

    # when an administrator removes it (the user enrols anew) and makes a lagrum inactive
    response = admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    lagrum = Lagrum.objects.filter(active=True).first()
    admin_client.post(
        change(lagrum),
        {
            "law": lagrum.law,
            "section": lagrum.section,
            "title": lagrum.title,
            "in_force_from": lagrum.in_force_from or "",
            "in_force_to": lagrum.in_force_to or "",
            "sort_order": lagrum.sort_order,
        },
    )

    # then both are in the change history; the authenticator's secret key never is
    removal = ChangeLog.objects.get(object_type="otp_totp.totpdevice")
    assert removal.actor.is_superuser and set(removal.changes) <= {"user", "name", "confirmed"}
    assert device.key not in str(removal.changes)
    assert ChangeLog.objects.get(object_type="decisions.lagrum").changes["active"] == ["True", "False"]
