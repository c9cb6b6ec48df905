import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from cases.models import InsatsType
from consent.models import Actor, LegalBasis
from core.models import Role
from interventions.models import PolareFeeRate
from records.models import RetentionRule


@pytest.mark.django_db(transaction=True)
def test_flush_restores_catalogues_and_roles():
    # given a database emptied the way transactional tests empty it
    call_command("flush", interactive=False, verbosity=0)
    # then the catalogues and role groups are back, as after migrate
    assert InsatsType.objects.count() == 8
    assert Actor.objects.filter(code="polis", needs_consent=True).exists()
    assert Actor.objects.filter(code__in=["aklagare", "domstol"]).count() == 2  # added by a later migration
    assert LegalBasis.objects.filter(code="osl_10_18a").exists()
    assert PolareFeeRate.objects.exists()
    assert RetentionRule.objects.exists()
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.django_db
def test_restore_leaves_edited_catalogue_alone():
    InsatsType.objects.filter(code="aslan").update(name="ASLAN föräldrastöd")
    call_command("migrate", verbosity=0)
    assert InsatsType.objects.get(code="aslan").name == "ASLAN föräldrastöd"
