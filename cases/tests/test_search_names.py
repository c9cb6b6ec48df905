"""The name search index: triggers keep it equal to "who sees whom" on every write path; search uses it."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from cases import search_names
from cases.importer import cases_import
from cases.models import Case, Person, SearchName
from cases.search_names import fold
from cases.selectors import person_search
from cases.tests.test_importer import ELIN, csv_file
from tests.factories import CaseFactory, PersonFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def derived() -> set[tuple]:
    """What the index must hold, worked out in Python from people and cases."""
    people = {person.pk: person for person in Person.objects.all()}
    pairs = {(person.pk, person.unit_id) for person in people.values()}
    pairs |= set(Case.objects.values_list("person_id", "unit_id"))
    return {
        (pk, unit, people[pk].first_name, people[pk].last_name, fold(f"{people[pk].first_name} {people[pk].last_name}"))
        for pk, unit in pairs
    }


def indexed() -> set[tuple]:
    return set(SearchName.objects.values_list("person_id", "unit_id", "first_name", "last_name", "name"))


def test_every_write_keeps_the_index_equal_to_who_sees_whom(handler, outsider):
    person = PersonFactory(unit=handler.unit, first_name="Maja", last_name="Lind")
    assert indexed() == derived() and len(indexed()) == 1

    elsewhere = CaseFactory(person=person, handler=outsider)  # a case in another unit: seen there too
    CaseFactory(person=person, handler=handler)
    assert indexed() == derived() and len(indexed()) == 2

    Person.objects.filter(pk=person.pk).update(first_name="Maja-Li", last_name="Lindqvist")
    assert indexed() == derived()
    assert set(SearchName.objects.values_list("name", flat=True)) == {"Maja-Li Lindqvist"}

    third = UnitFactory()
    Case.objects.filter(pk=elsewhere.pk).update(unit=third)  # the case moved: the old unit no longer sees her
    assert indexed() == derived() and {unit for _p, unit, *_rest in indexed()} == {handler.unit_id, third.pk}

    Person.objects.filter(pk=person.pk).update(unit=outsider.unit)  # registering unit changed; own case remains
    assert indexed() == derived() and len(indexed()) == 3

    Case.objects.filter(person=person).delete()
    assert indexed() == derived() == {(person.pk, outsider.unit_id, "Maja-Li", "Lindqvist", "Maja-Li Lindqvist")}

    Person.objects.filter(pk=person.pk).delete()
    assert indexed() == set()


def test_bulk_writes_and_the_rebuild_agree(handler, outsider):
    people = Person.objects.bulk_create(
        [PersonFactory.build(unit=handler.unit if i % 2 else outsider.unit) for i in range(30)]
    )
    CaseFactory.create_batch(10, person=people[3], handler=outsider)
    for person in people[:12]:
        CaseFactory(person=person, handler=handler)
    assert indexed() == derived()
    before = indexed()

    search_names.rebuild()

    assert indexed() == before == derived()


def test_import_keeps_the_index(manager):
    content = csv_file(f"{ELIN};Elin;Testsson;;Ungdomstjänst;2025-02-03;Polis;Bistånd;;;;")
    assert cases_import(actor=manager, content=content, filename="arenden.csv").committed

    assert indexed() == derived() and ("Elin Testsson" in {row[4] for row in indexed()})


def test_name_search_finds_the_units_people_the_granted_ones_and_no_one_else(handler, outsider):
    registered_here = PersonFactory(unit=handler.unit, first_name="Johan", last_name="Berg")
    case_here = CaseFactory(
        person=PersonFactory(unit=outsider.unit, first_name="Lina", last_name="Johansson"), handler=handler
    )
    elsewhere = PersonFactory.create_batch(5, unit=outsider.unit, last_name="Johansson")
    granted_case = CaseFactory(
        person=PersonFactory(unit=outsider.unit, first_name="Sam", last_name="Ohanian"), handler=outsider
    )
    assign_perm("cases.view_case", handler, granted_case)

    found = person_search(user=handler, query="ohan")

    assert found == [registered_here, case_here.person, granted_case.person]  # by last name, then first
    assert not set(found) & set(elsewhere)
    assert person_search(user=handler, query="lina ohan") == [case_here.person]
    # one or two letters (no trigram) are matched too, alone or beside a longer term
    assert person_search(user=handler, query="li") == [case_here.person]
    assert person_search(user=handler, query="b ohan") == [registered_here]
    assert case_here.person in person_search(user=outsider, query="ohan")  # her registering unit still sees her


def test_name_search_limit_takes_the_first_by_name_from_unit_and_grants(handler, outsider):
    PersonFactory.create_batch(4, unit=handler.unit, last_name="Svensson")
    granted = CaseFactory(person=PersonFactory(unit=outsider.unit, last_name="Asplund-Svensson"), handler=outsider)
    assign_perm("cases.view_case", handler, granted)

    found = person_search(user=handler, query="svensson", limit=2)

    assert len(found) == 2 and found[0] == granted.person  # "A…" sorts first although it came by a grant


@pytest.mark.requires("postgresql")  # the GIN index exists on PostgreSQL only
def test_postgresql_answers_the_search_from_the_unit_and_name_index(handler, outsider):
    units = [handler.unit, *UnitFactory.create_batch(29)]  # the user's unit holds a small share, as in a nation
    Person.objects.bulk_create([PersonFactory.build(unit=units[i % 30], id_number=f"TEST{i:08d}") for i in range(3000)])
    with connection.cursor() as cursor:
        # settled as autovacuum leaves it: rows still in the GIN pending list make the index look dear
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", ["search_name_unit_trgm"])
        cursor.execute("ANALYZE cases_searchname")
    with CaptureQueriesContext(connection) as queries:
        person_search(user=handler, query="ohan")
    [sql] = [query["sql"] for query in queries.captured_queries if "cases_searchname" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_name_unit_trgm" in plan and "unit_id" in plan and "OHAN" in plan, plan


@pytest.mark.django_db(transaction=True)
@pytest.mark.requires("postgresql")  # two connections at once
def test_a_case_removed_while_another_is_opened_for_the_same_unit_keeps_the_row(handler, outsider):
    # given a person registered elsewhere with one case in the handler's unit
    person = PersonFactory(unit=outsider.unit, first_name="Mira", last_name="Samtidig")
    leaving = CaseFactory(person=person, handler=handler)
    outcome = {}

    def remove_the_case():
        try:
            Case.objects.filter(pk=leaving.pk).delete()
        except BaseException as error:  # reported below
            outcome["error"] = error
        finally:
            connections.close_all()

    # when a colleague opens a new case for her in the same unit, and before that commits, the old case goes
    with transaction.atomic():
        CaseFactory(person=person, handler=handler)
        remover = threading.Thread(target=remove_the_case)
        remover.start()
        deadline = time.monotonic() + 30
        while not _someone_waits():
            assert time.monotonic() < deadline, "the removal did not wait for the case being opened"
            time.sleep(0.05)
    remover.join(timeout=60)

    # then the unit still finds her by name
    assert "error" not in outcome, outcome.get("error")
    assert indexed() == derived() and (person.pk, handler.unit_id) in {row[:2] for row in indexed()}
    assert person_search(user=handler, query="Samtidig") == [person]


def _someone_waits() -> bool:
    """Another connection waits for a lock this one holds (pg_locks is cluster-wide: ask who blocks whom)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
        )
        return cursor.fetchone()[0] > 0


def test_superuser_search_still_finds_everyone(handler, outsider):
    person = PersonFactory(unit=outsider.unit, first_name="Vera", last_name="Öberg")
    root = UserFactory(is_superuser=True, unit=None)
    assert person_search(user=root, query="Öberg") == [person]


def test_names_are_found_without_their_diacritics(handler):
    kovac = PersonFactory(unit=handler.unit, first_name="Mirza", last_name="Kovač")
    ostlund = PersonFactory(unit=handler.unit, first_name="Åsa", last_name="Östlund")

    assert person_search(user=handler, query="Kovac") == [kovac]
    assert person_search(user=handler, query="ostlund") == [ostlund]
    assert person_search(user=handler, query="asa östlund") == [ostlund]  # typed with or without
    assert person_search(user=handler, query="Kovač mirza") == [kovac]


def test_a_renamed_person_is_found_by_the_new_name_folded(handler):
    person = PersonFactory(unit=handler.unit, first_name="Lea", last_name="Berg")
    Person.objects.filter(pk=person.pk).update(last_name="Šimić")  # any write path: the triggers fold

    assert indexed() == derived() and {row[4] for row in indexed()} == {"Lea Simic"}
    assert person_search(user=handler, query="simic") == [person]


def test_superuser_search_is_folded_too(outsider):
    person = PersonFactory(unit=outsider.unit, first_name="Jörg", last_name="Dvořák")
    root = UserFactory(is_superuser=True, unit=None)
    assert person_search(user=root, query="dvorak jorg") == [person]


def test_fold_maps_what_a_keyboard_without_the_letters_types():
    assert (
        fold("Kovač Östlund Ærø Łukasz Şahin Ștefan Øystein Groß")
        == "Kovac Ostlund AEro Lukasz Sahin Stefan Oystein Gross"
    )
    assert fold(fold("Åsa")) == "Asa"  # folding twice changes nothing (the rebuild folds rows the trigger folded)
