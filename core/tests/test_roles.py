"""Roles are Django groups with exactly the permissions core.roles documents."""

import pytest
from django.contrib.auth.models import Group, Permission

from core.models import Role
from core.roles import ROLE_PERMISSIONS, roles_sync
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

# models holding personal data: the statistics and administrator roles get no permission on them
PERSONAL_DATA = {
    "cases.person",
    "cases.custodian",
    "cases.case",
    "cases.journalentry",
    "consent.consent",
    "consent.consentrevocation",
    "consent.maturityassessment",
    "consent.disclosure",
    "core.accesslog",
}


def codes(group: Group) -> set[str]:
    return {
        f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_every_role_is_a_group_with_exactly_the_documented_permissions():
    assert set(ROLE_PERMISSIONS) == set(Role)
    for role, documented in ROLE_PERMISSIONS.items():
        assert codes(Group.objects.get(name=role)) == set(documented), role


@pytest.mark.parametrize("role", [Role.STATISTICS, Role.ADMINISTRATOR])
def test_statistics_and_administrator_roles_reach_no_personal_data(role):
    for code in ROLE_PERMISSIONS[role]:
        app, codename = code.split(".")
        model = codename.split("_", 1)[1]
        assert f"{app}.{model}" not in PERSONAL_DATA, code
        assert app != "interventions" or model == "polarefeerate", code  # the fee table only


def test_nobody_changes_or_deletes_signed_history_or_unmasks_globally():
    for role, documented in ROLE_PERMISSIONS.items():
        for forbidden in [
            "cases.change_journalentry",
            "cases.delete_journalentry",
            "cases.delete_case",
            "cases.delete_person",
            "consent.change_consent",
            "consent.delete_consent",
            "core.change_accesslog",
            "core.delete_accesslog",
            "cases.view_protected_identity",  # granted per person, never by role
        ]:
            assert forbidden not in documented, (role, forbidden)


def test_what_each_role_may_do():
    handler = UserFactory(role=Role.SOCIAL_WORKER)
    coordinator = UserFactory(role=Role.COORDINATOR)
    manager = UserFactory(role=Role.MANAGER)
    stats = UserFactory(role=Role.STATISTICS, unit=None)
    sysadmin = UserFactory(role=Role.ADMINISTRATOR, unit=None)

    for worker in (handler, coordinator, manager):
        assert worker.has_perm("cases.add_case") and worker.has_perm("cases.add_journalentry")
        assert worker.has_perm("consent.add_consent") and worker.has_perm("consent.add_consentrevocation")
    assert not handler.has_perm("cases.reassign_case") and manager.has_perm("cases.reassign_case")
    assert not handler.has_perm("core.view_accesslog") and manager.has_perm("core.view_accesslog")
    assert not handler.has_perm("cases.export_person") and manager.has_perm("cases.export_person")
    assert manager.has_perm("reporting.change_agreement") and not handler.has_perm("reporting.change_agreement")
    assert stats.has_perm("reporting.view_agreement") and not stats.has_perm("cases.view_case")
    assert sysadmin.has_perm("core.add_user") and sysadmin.has_perm("cases.change_insatstype")
    assert not sysadmin.has_perm("cases.view_person")
    assert handler.has_role(Role.SOCIAL_WORKER) and not handler.has_role(Role.MANAGER)


def test_roles_sync_restores_the_documented_permissions():
    group = Group.objects.get(name=Role.STATISTICS)
    group.permissions.add(Permission.objects.get(content_type__app_label="cases", codename="view_person"))

    roles_sync()
    roles_sync()  # idempotent

    assert codes(group) == set(ROLE_PERMISSIONS[Role.STATISTICS])
    assert Group.objects.filter(name__in=Role.values).count() == len(Role)


def test_a_user_without_role_or_unit_has_no_case_permissions():
    loose = UserFactory(unit=UnitFactory(), role=None)
    loose.groups.clear()
    assert not loose.has_perm("cases.view_case")


def test_administrator_manages_api_tokens_in_the_admin(client):
    admin_user = UserFactory(unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(admin_user)
    assert client.get("/admin/api/apitoken/").status_code == 200
    assert client.get("/admin/api/apitoken/add/").status_code == 200
