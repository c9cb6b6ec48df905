"""Keeping a person's record up to date after registration: details, vårdnadshavare added, changed and ended
(kept, with history), skyddad identitet respected; and the target-group age check at registration."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases import services
from cases.models import Custodian, Person
from cases.rules import target_group_warning
from core.models import AccessLog, ChangeLog
from tests.factories import CaseFactory, CustodianFactory, PersonFactory, UserFactory, personnummer_for

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=30)


def _register(client, born: datetime.date, **extra):
    data = {
        "id_kind": "personnummer",
        "id_number": personnummer_for(born, 5),
        "first_name": "Åldersson",
        "last_name": "Testar",
        "protection": "",
        "vh-TOTAL_FORMS": "2",
        "vh-INITIAL_FORMS": "0",
        "vh-MIN_NUM_FORMS": "0",
        "vh-MAX_NUM_FORMS": "4",
        **extra,
    }
    return client.post(reverse("person_register"), data)


# --- Age at registration -------------------------------------------------------------------------


def test_the_target_group_is_ten_to_twentyone_and_the_insatsteam_takes_up_to_twentynine():
    assert target_group_warning(age=10) is None and target_group_warning(age=21) is None
    assert "insatsteamets insatser" in target_group_warning(age=25)
    assert "Ingen insats" in target_group_warning(age=9) and "Ingen insats" in target_group_warning(age=30)


@pytest.mark.parametrize(("age", "says"), [(25, "upp till 29 år"), (8, "Ingen insats tar emot")])
def test_registering_outside_the_target_group_is_warned_and_needs_a_confirmation(client, handler, age, says):
    client.force_login(handler)

    warned = _register(client, _years_ago(age))

    assert warned.status_code == 400 and not Person.objects.exists()
    html = _html(warned)
    assert f"Personen är {age} år" in html and says in html
    assert "Jag bekräftar att personen ska registreras trots åldern." in html

    confirmed = _register(client, _years_ago(age), age_confirmed="on")
    person = Person.objects.get()
    assert confirmed["Location"] == reverse("person_detail", args=[person.pk])


def test_registering_within_the_target_group_asks_nothing(client, handler):
    client.force_login(handler)
    page = _html(client.get(reverse("person_register")))
    assert "Jag bekräftar" not in page
    assert _register(client, _years_ago(15)).status_code == 302


# --- Person details ------------------------------------------------------------------------------


def _edit_data(person, **overrides):
    data = {
        "version": person.version,
        "id_kind": person.id_kind,
        "id_number": person.id_number,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "gender": person.gender,
        "protection": person.protection,
        "street_address": person.street_address,
        "postal_code": person.postal_code,
        "city": person.city,
        "district": "",
    }
    return {**data, **overrides}


def test_details_are_changed_with_history_and_a_stale_form_saves_nothing(client, handler, colleague):
    person = PersonFactory(unit=handler.unit, first_name="Nora", last_name="Flytt", street_address="Gamla vägen 1")
    url = reverse("person_edit", args=[person.pk])
    client.force_login(handler)
    assert 'value="Gamla vägen 1"' in _html(client.get(url))
    assert AccessLog.objects.filter(user=handler, person_id=person.pk, what="person_edit").exists()
    shown = _edit_data(person)

    response = client.post(url, {**shown, "street_address": "Nya gatan 2", "city": "Linköping"})

    person.refresh_from_db()
    assert response.status_code == 302 and (person.street_address, person.version) == ("Nya gatan 2", 2)
    change = ChangeLog.objects.get(object_type="cases.person", action="update")
    assert change.changes == {"street_address": ["Gamla vägen 1", "Nya gatan 2"], "city": ["", "Linköping"]}
    assert change.actor == handler and change.person_id == person.pk

    client.force_login(colleague)  # the form the colleague opened before the change
    stale = client.post(url, {**shown, "last_name": "Annan"})
    person.refresh_from_db()
    assert stale.status_code == 400 and person.last_name == "Flytt"
    assert "Någon annan har sparat ändringar" in _html(stale)


def test_a_new_number_is_checked_and_never_names_who_holds_it(client, handler, outsider):
    person = PersonFactory(unit=handler.unit)
    taken = PersonFactory(unit=outsider.unit, first_name="Annans")
    client.force_login(handler)
    url = reverse("person_edit", args=[person.pk])

    bad = client.post(url, _edit_data(person, id_number="20090412-0000"))
    duplicate = client.post(url, _edit_data(person, id_number=taken.id_number))

    assert bad.status_code == 400 and "Kontrollsiffran stämmer inte" in _html(bad)
    assert duplicate.status_code == 400 and "Personen kan inte registreras här" in _html(duplicate)
    assert "Annans" not in _html(duplicate)
    person.refresh_from_db()
    assert person.version == 1


def test_a_protected_identity_is_neither_shown_nor_changed_without_the_permission(client, handler, manager):
    person = PersonFactory(
        unit=handler.unit, first_name="Hemlig", last_name="Skyddsson", street_address="Dold väg 3",
        protection="skyddad_folkbokforing",
    )  # fmt: skip
    custodian = CustodianFactory(person=person, name="Mamma Skyddsson")
    url = reverse("person_edit", args=[person.pk])
    client.force_login(handler)

    page = _html(client.get(url))
    detail = _html(client.get(reverse("person_detail", args=[person.pk])))
    for secret in ("Hemlig", "Skyddsson", "Dold väg", person.id_number, person.id_number[:8]):
        assert secret not in page and secret not in detail, secret
    assert 'name="first_name"' not in page and 'name="protection"' not in page
    assert reverse("custodian_edit", args=[person.pk, custodian.pk]) not in detail
    # a hand-made post changes only what the form offers
    client.post(url, _edit_data(person, first_name="Avslöjad", protection="", gender="annat"))
    person.refresh_from_db()
    assert (person.first_name, person.protection, person.gender) == ("Hemlig", "skyddad_folkbokforing", "annat")
    with pytest.raises(ValidationError, match="skyddade personuppgifter"):
        services.person_update(actor=handler, person=person, expected_version=person.version, changes={"city": "X"})
    for name in ("custodian_add", "custodian_edit", "custodian_end"):
        args = [person.pk] if name == "custodian_add" else [person.pk, custodian.pk]
        assert client.get(reverse(name, args=args)).status_code == 404, name

    assign_perm("cases.view_protected_identity", manager, person)  # named by the enhetschef
    client.force_login(manager)
    assert 'value="Skyddsson"' in _html(client.get(url))
    assert client.get(reverse("custodian_edit", args=[person.pk, custodian.pk])).status_code == 200


def test_outsider_gets_404_on_every_upkeep_page(client, handler, outsider):
    person = PersonFactory(unit=handler.unit)
    custodian = CustodianFactory(person=person)
    client.force_login(outsider)
    urls = [
        reverse("person_edit", args=[person.pk]),
        reverse("custodian_add", args=[person.pk]),
        reverse("custodian_edit", args=[person.pk, custodian.pk]),
        reverse("custodian_end", args=[person.pk, custodian.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404 and client.post(url, {}).status_code == 404, url
    other = CustodianFactory(person=PersonFactory(unit=handler.unit))
    client.force_login(handler)  # a custodian of someone else under this person's address
    assert client.get(reverse("custodian_edit", args=[person.pk, other.pk])).status_code == 404


# --- Vårdnadshavare ------------------------------------------------------------------------------


def test_custodians_are_added_changed_and_ended_and_the_ended_one_is_kept(client, handler):
    person = PersonFactory(unit=handler.unit)
    CaseFactory(person=person, handler=handler)
    mother = CustodianFactory(person=person, name="Mona Mor", phone="070-111")
    client.force_login(handler)
    detail_url = reverse("person_detail", args=[person.pk])

    added = client.post(
        reverse("custodian_add", args=[person.pk]),
        {"name": "Familjehem Fors", "relation": "särskilt förordnad vårdnadshavare", "valid_from": "2025-06-01"},
    )
    changed = client.post(
        reverse("custodian_edit", args=[person.pk, mother.pk]),
        {"version": 1, "name": "Mona Mor", "relation": "mamma", "phone": "070-222"},
    )
    ended = client.post(reverse("custodian_end", args=[person.pk, mother.pk]), {"version": 2, "valid_to": "2025-05-31"})

    assert [r.status_code for r in (added, changed, ended)] == [302, 302, 302]
    mother.refresh_from_db()
    assert (mother.phone, mother.valid_to, mother.version) == ("070-222", datetime.date(2025, 5, 31), 3)
    history = ChangeLog.objects.filter(object_type="cases.custodian").order_by("id")
    assert [(row.action, row.person_id) for row in history] == [("create", person.pk), ("update", person.pk)] + [
        ("update", person.pk)
    ]
    assert history[1].changes == {"relation": ["förälder", "mamma"], "phone": ["070-111", "070-222"]}
    assert history[2].changes == {"valid_to": [None, "2025-05-31"]}
    assert Custodian.objects.filter(person=person).count() == 2  # the ended one is kept
    assert list(Custodian.objects.filter(person=person).current(timezone.localdate())) == [
        Custodian.objects.get(name="Familjehem Fors")
    ]
    html = _html(client.get(detail_url))
    former = html[html.index("Tidigare vårdnadshavare") :]
    assert "Mona Mor" in former and "till och med 2025-05-31" in former
    assert "Familjehem Fors" in html[: html.index("Tidigare vårdnadshavare")]


def test_ending_or_changing_a_custodian_is_checked(client, handler):
    person = PersonFactory(unit=handler.unit)
    custodian = CustodianFactory(person=person, valid_from=datetime.date(2025, 1, 1))
    client.force_login(handler)
    end_url = reverse("custodian_end", args=[person.pk, custodian.pk])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    future = client.post(end_url, {"version": 1, "valid_to": tomorrow})
    before_start = client.post(end_url, {"version": 1, "valid_to": "2024-12-31"})
    stale = client.post(end_url, {"version": 7, "valid_to": "2025-02-01"})
    nameless = client.post(reverse("custodian_add", args=[person.pk]), {"name": "", "phone": "070"})

    assert {r.status_code for r in (future, before_start, stale, nameless)} == {400}
    assert "Datumet kan inte ligga i framtiden." in _html(future)
    assert "då vårdnaden började" in _html(before_start)
    assert "Någon annan har sparat ändringar" in _html(stale)
    custodian.refresh_from_db()
    assert custodian.valid_to is None and Custodian.objects.count() == 1
    assert not ChangeLog.objects.filter(object_type="cases.custodian").exists()


def test_the_custodian_pages_ask_for_their_own_permission_before_reading_the_person(client, handler):
    # given a user of the unit who may add custodians but not change them (a role made for the test)
    person = PersonFactory(unit=handler.unit)
    custodian = CustodianFactory(person=person)
    adder = UserFactory(unit=handler.unit)
    adder.groups.clear()
    for codename in ("view_person", "view_case", "add_custodian"):
        adder.user_permissions.add(Permission.objects.get(content_type__app_label="cases", codename=codename))
    client.force_login(adder)

    # when they follow the person page's "Lägg till vårdnadshavare" and try the change pages
    detail = _html(client.get(reverse("person_detail", args=[person.pk])))
    codes = [
        client.get(reverse("custodian_add", args=[person.pk])).status_code,
        client.get(reverse("custodian_edit", args=[person.pk, custodian.pk])).status_code,
        client.get(reverse("custodian_end", args=[person.pk, custodian.pk])).status_code,
    ]

    # then adding is open to them as the page offers it, changing is a 404 and nothing is logged as shown there
    assert reverse("custodian_add", args=[person.pk]) in detail
    assert codes == [200, 404, 404]
    assert not AccessLog.objects.filter(user=adder, what__in=["custodian_edit", "custodian_end"]).exists()
