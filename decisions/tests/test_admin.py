"""The systemadministratör edits the lagrum catalogue and the delegationsordning in the admin; beslut (personal
data) are not in the admin."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import Role
from decisions.models import Decision, DelegationRule, Lagrum
from tests.factories import UserFactory


@pytest.mark.django_db
def test_system_administrator_edits_the_delegationsordning_and_lagrum(client):
    sysadmin = UserFactory(username="sysadmin", unit=None, role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(sysadmin)
    rule = DelegationRule.objects.get(outcome="avslag", insats_type=None)
    page = client.get(reverse("admin:decisions_delegationrule_changelist")).content.decode()
    assert "Delegationsordning" in page and "enhetschef" in page
    url = reverse("admin:decisions_delegationrule_change", args=[rule.pk])
    groups = [Group.objects.get(name=Role.MANAGER).pk, Group.objects.get(name=Role.SOCIAL_WORKER).pk]
    response = client.post(url, {"outcome": "avslag", "insats_type": "", "roles": groups, "note": "Punkt 4.2"})
    assert response.status_code == 302
    assert {group.name for group in rule.roles.all()} == {Role.MANAGER, Role.SOCIAL_WORKER}
    assert client.get(reverse("admin:decisions_lagrum_add")).status_code == 200
    assert Lagrum.objects.filter(law="SoL (2025:400)").exists()


def test_beslut_are_not_in_the_admin():
    assert not admin.site.is_registered(Decision)
