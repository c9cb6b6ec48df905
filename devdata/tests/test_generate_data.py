"""`make test` smoke of the generator (`manage.py generate_data`) at scale XS (seconds, not minutes): it is
deterministic and consistent, and the command refuses to overwrite data without --reset.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from cases.identity import parse_id_number
from cases.models import Case, CaseNumberSequence, JournalEntry, Person
from cases.tests.test_search_names import derived as search_index_derived
from cases.tests.test_search_names import indexed as search_index_rows
from consent.models import Consent
from core.models import AccessLog
from devdata.datagen import SCALES, generate, reset_database
from interventions.models import Plan, VictimSupport
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _fingerprint() -> dict:
    return {
        "people": list(Person.objects.order_by("id_number").values_list("id_number", "first_name", "last_name")),
        "cases": list(Case.objects.order_by("number").values_list("number", "opened_on", "closed_on", "unit_id")),
        "entries": JournalEntry.objects.count(),
        "log": AccessLog.objects.count(),
        "consents": Consent.objects.count(),
        "victim_support": VictimSupport.objects.count(),
        "plans": list(Plan.objects.order_by("id").values_list("id", "case__number")),
    }


def test_generator_is_deterministic_and_consistent():
    # given the XS scale generated twice into an emptied database
    generate("XS")
    first = _fingerprint()
    assert search_index_rows() == search_index_derived()  # built after the load, which runs without triggers
    reset_database()
    generate("XS")
    second = _fingerprint()

    # then the rows are the same and near the scale's sizes
    assert first == second
    scale = SCALES["XS"]
    assert len(first["people"]) == scale.people
    assert 0.9 * scale.cases <= len(first["cases"]) <= 1.15 * scale.cases
    assert 0.9 * scale.entries <= first["entries"] <= 1.2 * scale.entries
    assert 0.9 * scale.access_log <= first["log"] <= 1.2 * scale.access_log
    # every number is a valid, normalised identity number; ≈1 % skyddad identitet exists
    for number, _first, _last in first["people"]:
        if number.isdigit():
            assert parse_id_number(number).number == number
    assert Person.objects.exclude(protection="").exists()
    # insats details in proportion: stöd till brottsutsatta has its crime, SIG and avhopp cases have a plan
    assert first["victim_support"] == Case.objects.filter(insats_type__code="stod_brottsutsatta").count()
    assert len(first["plans"]) == Case.objects.filter(insats_type__code__in=["sig", "avhopp"]).count() > 0
    # cases respect the catalogue's age range and closure rules
    for case in Case.objects.select_related("person", "insats_type"):
        age = case.person.age_on(case.opened_on)
        assert case.insats_type.min_age <= age <= case.insats_type.max_age
        assert (case.closed_on is None) == (case.closure_reason == "")
    # the case number sequence continues after the generated numbers
    latest = Case.objects.filter(number__startswith="2026-").count()
    assert CaseNumberSequence.objects.get(year=2026).last_number == latest


def test_generate_data_command_refuses_to_overwrite_without_reset(capsys):
    # given a database holding one person: the refusal asks only whether any person exists
    # (datagen.database_holds_people), so one is as much "data" as a whole generation, in a fraction of its time
    PersonFactory()
    if connection.vendor == "postgresql":  # its deferred checks run now, as they would have at its commit
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (--reset truncates; pending events would stop it)
    with pytest.raises(Exception, match="--reset"):
        call_command("generate_data", scale="XS")
    assert Person.objects.count() == 1
    # with --reset the person is gone and the scale's people are there, no more
    call_command("generate_data", scale="XS", reset=True)
    assert Person.objects.count() == SCALES["XS"].people
