import pytest

from cases.models import InsatsType
from core.models import Role


@pytest.mark.django_db
def test_catalogue_and_roles_exist_after_migrate():
    assert InsatsType.objects.count() == 8
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.django_db
def test_personas_are_in_different_units(handler, outsider):
    assert handler.unit_id != outsider.unit_id
    assert handler.has_perm("cases.view_case")
