"""View tests for case work in the browser: what a handläggare relies on, with the personas from
tests/fixtures.py (outsider always gets 404), the access log, and pinned query counts."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, ClosureReason, InsatsType, JournalEntry, Person
from consent.models import Actor
from consent.services import consent_record
from core.models import AccessLog
from tests.factories import (
    CaseFactory,
    CustodianFactory,
    DistrictFactory,
    JournalEntryFactory,
    MunicipalityFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    personnummer_for,
)

BIRTH = datetime.date(2009, 4, 12)


def _logs(user, person, what=None):
    rows = AccessLog.objects.filter(user=user, person_id=person.pk)
    return rows.filter(what=what) if what else rows


def _html(response) -> str:
    return response.content.decode()


# --- Log in, log out, idle session ---------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_swedish_and_logs_in(client, handler):
    page = client.get(reverse("login"))
    assert "Logga in" in _html(page)
    assert '<html lang="sv">' in _html(page)

    response = client.post(reverse("login"), {"username": "handler", "password": "demo-losen-123"})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_logout_is_a_post_form_and_ends_the_session(client, handler):
    client.force_login(handler)
    home = _html(client.get(reverse("home")))
    assert f'action="{reverse("logout")}"' in home and "Logga ut" in home

    client.post(reverse("logout"))

    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_session_ends_after_idle_minutes_and_each_request_renews_it(client, handler):
    client.force_login(handler)
    client.get(reverse("home"))
    session = Session.objects.get()
    left = session.expire_date - timezone.now()
    assert settings.SESSION_IDLE_MINUTES == 30
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)

    # when 30 minutes pass without a request
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_pages_require_login(client, handler):
    case = CaseFactory(handler=handler)
    for url in [reverse("home"), reverse("person_search"), reverse("case_detail", args=[case.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/logga-in/")


# --- Mina ärenden --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_lists_only_my_open_cases_with_counts_and_logs_each_shown_person(client, handler, colleague):
    mine = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Elin"))
    CaseFactory(
        handler=handler,
        insats_type=mine.insats_type,
        closed_on=datetime.date(2025, 4, 1),
        closure_reason=ClosureReason.PLANNED,
        number="2025-0900",
    )
    theirs = CaseFactory(handler=colleague, number="2025-0901")
    client.force_login(handler)

    response = client.get(reverse("home"))

    html = _html(response)
    assert mine.number in html and mine.person.display_name in html
    assert "2025-0900" not in html and theirs.number not in html
    assert "Ungdomstjänst: <strong>1</strong>" in html
    assert _logs(handler, mine.person, "home").count() == 1
    assert not _logs(handler, theirs.person).exists()


@pytest.mark.django_db
def test_home_masks_a_protected_identity(client, handler):
    person = PersonFactory(
        unit=handler.unit, first_name="Hemlig", last_name="Skyddsson", protection="skyddad_folkbokforing"
    )
    CaseFactory(handler=handler, person=person)
    client.force_login(handler)

    html = _html(client.get(reverse("home")))

    assert "Skyddsson" not in html
    assert "Skyddad identitet" in html


@pytest.mark.django_db
def test_home_sorts_and_paginates(client, handler):
    for day in range(1, 31):
        CaseFactory(handler=handler, opened_on=datetime.date(2025, 1, day), number=f"2025-{day:04d}")
    client.force_login(handler)

    first = _html(client.get(reverse("home"), {"sortera": "opened"}))
    assert "2025-0001" in first and "2025-0030" not in first
    assert "Sida 1 av 2" in first
    assert 'aria-sort="ascending"' in first

    second = _html(client.get(reverse("home"), {"sortera": "opened", "sida": 2}))
    assert "2025-0030" in second and "2025-0001" not in second

    newest_first = _html(client.get(reverse("home"), {"sortera": "opened", "ordning": "fallande"}))
    assert "2025-0030" in newest_first and "2025-0001" not in newest_first
    assert 'aria-sort="descending"' in newest_first


# In tests the request's transaction (ATOMIC_REQUESTS) nests inside the test's own transaction, so it adds
# a SAVEPOINT/RELEASE pair that production sends as BEGIN/COMMIT.
SAVEPOINT_STATEMENTS = 2


def _data_queries(captured) -> int:
    return sum(1 for query in captured.captured_queries if "SAVEPOINT" not in query["sql"])


@pytest.mark.django_db
def test_home_sorted_by_person_puts_protected_identities_last(client, handler):
    for number, last_name, protection in [
        ("2025-0001", "Örn", ""),
        ("2025-0002", "Andersson", "sekretessmarkering"),
        ("2025-0003", "Berg", ""),
    ]:
        CaseFactory(
            handler=handler,
            number=number,
            person=PersonFactory(unit=handler.unit, last_name=last_name, protection=protection),
        )
    client.force_login(handler)

    html = _html(client.get(reverse("home"), {"sortera": "person"}))

    assert html.index("2025-0003") < html.index("2025-0001") < html.index("2025-0002")
    assert "Andersson" not in html


def _home_queries(client, handler, django_assert_max_num_queries, count) -> int:
    CaseFactory.create_batch(count, handler=handler)
    client.force_login(handler)
    client.get(reverse("person_search"))  # the first request after login renews the session (one write)
    with django_assert_max_num_queries(10 + SAVEPOINT_STATEMENTS) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert _data_queries(captured) <= 10
    return len(captured)


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_cases(client, handler, colleague, django_assert_max_num_queries):
    few = _home_queries(client, colleague, django_assert_max_num_queries, 5)
    many = _home_queries(client, handler, django_assert_max_num_queries, 500)
    assert few == many


# --- Search --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["200904120011", "20090412-0011", "0904120011", "090412-0011"],
)
def test_search_finds_a_person_by_personnummer_in_any_common_form(client, handler, typed):
    number = personnummer_for(BIRTH, 1)
    assert number == "200904120011"  # the forms above are this number
    person = PersonFactory(unit=handler.unit, id_number=number, first_name="Sökbar")
    client.force_login(handler)

    response = client.post(reverse("person_search"), {"q": typed})

    assert reverse("person_detail", args=[person.pk]) in _html(response)
    assert _logs(handler, person, "search").count() == 1


@pytest.mark.django_db
def test_search_by_name_and_case_number(client, handler):
    person = PersonFactory(unit=handler.unit, first_name="Ebba", last_name="Lindqvist")
    case = CaseFactory(handler=handler, person=person, number="2025-0042")
    client.force_login(handler)

    by_name = _html(client.post(reverse("person_search"), {"q": "ebba lind"}))
    by_number = _html(client.post(reverse("person_search"), {"q": case.number}))

    assert "Ebba Lindqvist" in by_name and "Ebba Lindqvist" in by_number


@pytest.mark.django_db
def test_search_respects_permissions_and_protected_identity(client, handler, outsider):
    visible = PersonFactory(unit=handler.unit, first_name="Synlig", last_name="Person")
    PersonFactory(unit=handler.unit, first_name="Dold", last_name="Person", protection="sekretessmarkering")
    client.force_login(outsider)
    assert "Synlig" not in _html(client.post(reverse("person_search"), {"q": "Person"}))
    assert not _logs(outsider, visible).exists()

    client.force_login(handler)
    html = _html(client.post(reverse("person_search"), {"q": "Person"}))
    assert "Synlig Person" in html
    assert "Dold" not in html  # a masked row never confirms a typed name


@pytest.mark.django_db
def test_search_query_count_does_not_grow_with_hits(client, handler, django_assert_max_num_queries):
    PersonFactory.create_batch(3, unit=handler.unit, first_name="Alva")
    client.force_login(handler)
    client.get(reverse("home"))  # the first request after login renews the session (one write)
    with django_assert_max_num_queries(10 + SAVEPOINT_STATEMENTS) as few:
        client.post(reverse("person_search"), {"q": "Alva"})
    PersonFactory.create_batch(40, unit=handler.unit, first_name="Alva")
    with django_assert_max_num_queries(10 + SAVEPOINT_STATEMENTS) as many:
        html = _html(client.post(reverse("person_search"), {"q": "Alva"}))
    assert "43 träffar" in html
    assert len(few) == len(many)


@pytest.mark.django_db
def test_search_is_a_post_and_a_query_string_is_not_searched(client, handler):
    person = PersonFactory(unit=handler.unit, id_number=personnummer_for(BIRTH, 1), first_name="Postad")
    client.force_login(handler)

    page = _html(client.get(reverse("person_search")))
    assert 'method="post"' in page and 'hx-post="' in page and "hx-get" not in page and "hx-push-url" not in page

    ignored = client.get(reverse("person_search"), {"q": person.id_number})  # an old bookmark, say
    assert "Postad" not in _html(ignored) and person.id_number not in _html(ignored)
    assert not _logs(handler, person).exists()
    assert "Postad" in _html(client.post(reverse("person_search"), {"q": person.id_number}))


@pytest.mark.django_db
def test_search_says_when_the_list_is_cut_at_fifty(client, handler):
    PersonFactory.create_batch(50, unit=handler.unit, last_name="Femtiosson")
    client.force_login(handler)
    cut = "Visar de 50 första träffarna – förfina sökningen."

    exactly = _html(client.post(reverse("person_search"), {"q": "Femtiosson"}))
    assert "50 träffar" in exactly and cut not in exactly  # all of them shown: nothing was cut

    PersonFactory(unit=handler.unit, last_name="Femtiosson")
    more = _html(client.post(reverse("person_search"), {"q": "Femtiosson"}))
    assert "50 träffar" in more and cut in more
    assert AccessLog.objects.filter(user=handler, action="search").count() == 100  # the shown rows only


@pytest.mark.django_db
def test_search_by_case_number_lists_the_case(client, handler, outsider):
    person = PersonFactory(unit=handler.unit, first_name="Ebba", last_name="Lindqvist")
    case = CaseFactory(handler=handler, person=person, number="2025-0042")
    CaseFactory(handler=handler, person=person, number="2025-0043")
    client.force_login(handler)

    html = _html(client.post(reverse("person_search"), {"q": "2025-0042"}))

    assert "1 ärende" in html and "träff" not in html  # a case row, not a person row
    assert f'href="{reverse("case_detail", args=[case.pk])}">2025-0042</a>' in html
    assert "Ebba Lindqvist" in html and "2025-0043" not in html
    assert list(AccessLog.objects.filter(user=handler).values_list("case_id", "what")) == [(case.pk, "search")]
    client.force_login(outsider)
    assert "2025-0042</a>" not in _html(client.post(reverse("person_search"), {"q": "2025-0042"}))


# --- Register a person ---------------------------------------------------------------------------


def _register_data(**overrides):
    data = {
        "id_kind": "personnummer",
        "id_number": "090412-0011",
        "first_name": "Nora",
        "last_name": "Ny",
        "protection": "",
        "vh-TOTAL_FORMS": "2",
        "vh-INITIAL_FORMS": "0",
        "vh-MIN_NUM_FORMS": "0",
        "vh-MAX_NUM_FORMS": "4",
        "vh-0-name": "Mona Ny",
        "vh-0-relation": "mamma",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_register_person_with_custodian(client, handler):
    client.force_login(handler)

    response = client.post(reverse("person_register"), _register_data())

    person = Person.objects.get(id_number="200904120011")
    assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[person.pk])
    assert person.unit_id == handler.unit_id
    assert list(person.custodians.values_list("name", flat=True)) == ["Mona Ny"]


@pytest.mark.django_db
def test_register_and_edit_offer_the_districts_of_the_units_municipality(client, handler):
    own = DistrictFactory(name="Ryd")
    elsewhere = DistrictFactory(name="Centrum", municipality=MunicipalityFactory(name="Motala kommun", code="0583"))
    client.force_login(handler)

    page = client.get(reverse("person_register")).content.decode()
    refused = client.post(reverse("person_register"), _register_data(district=elsewhere.pk))
    client.post(reverse("person_register"), _register_data(district=own.pk))

    assert f'<option value="{own.pk}">Ryd</option>' in page and "Centrum</option>" not in page
    assert refused.status_code == 400 and "Välj ett giltigt alternativ" in refused.content.decode()
    person = Person.objects.get()
    assert person.district == own
    edit = client.get(reverse("person_edit", args=[person.pk])).content.decode()
    assert f'<option value="{own.pk}" selected>Ryd</option>' in edit and "Centrum</option>" not in edit


@pytest.mark.django_db
def test_register_invalid_personnummer_shows_swedish_field_error_and_saves_nothing(client, handler):
    client.force_login(handler)

    response = client.post(reverse("person_register"), _register_data(id_number="090412-0012"))

    html = _html(response)
    assert response.status_code == 400
    assert 'id="id_id_number_error"' in html and "Kontrollsiffran stämmer inte" in html
    assert 'aria-describedby="id_id_number_helptext id_id_number_error"' in html
    assert "090412-0012" not in html.replace('value="090412-0012"', "")  # only echoed back in the field
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_register_existing_visible_person_links_to_them(client, handler):
    existing = PersonFactory(unit=handler.unit, id_number="200904120011")
    client.force_login(handler)

    html = _html(client.post(reverse("person_register"), _register_data()))

    assert "Det finns redan en person registrerad med det numret." in html
    assert reverse("person_detail", args=[existing.pk]) in html
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_register_existing_hidden_person_gives_no_hint(client, handler, outsider):
    existing = PersonFactory(unit=handler.unit, id_number="200904120011", first_name="Hidden")
    client.force_login(outsider)

    html = _html(client.post(reverse("person_register"), _register_data()))

    assert str(existing.pk) not in html and "Hidden" not in html
    assert "redan" not in html
    assert "kan inte registreras här" in html


# --- Person page ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_person_page_shows_cases_and_consent_and_logs_one_row(client, handler, outsider):
    person = PersonFactory(unit=handler.unit, first_name="Ida")
    custodian = CustodianFactory(person=person, name="Per Förälder")
    case = CaseFactory(handler=handler, person=person)
    police = Actor.objects.get(code="polis")
    consent_record(
        actor=handler,
        person=person,
        custodian=None,
        actors=[police],
        given_on=datetime.date(2025, 3, 2),
        form="skriftligt",
        valid_until=None,
    )
    consent_record(
        actor=handler,
        person=person,
        custodian=custodian,
        actors=[police],
        given_on=datetime.date(2025, 3, 2),
        form="muntligt",
        valid_until=None,
    )
    client.force_login(handler)

    html = _html(client.get(reverse("person_detail", args=[person.pk])))

    assert case.number in html and "Per Förälder" in html
    assert "Polis</th>" in html and "<strong>Ja</strong>" in html
    assert _logs(handler, person).count() == 1

    client.force_login(outsider)
    assert client.get(reverse("person_detail", args=[person.pk])).status_code == 404


# --- Open a case ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_open_case_defaults_to_me_and_opens(client, handler):
    person = PersonFactory(unit=handler.unit)
    client.force_login(handler)
    url = reverse("case_open", args=[person.pk])
    form = client.get(url).context["form"]
    assert form["handler"].value() == handler.pk and form["unit"].value() == handler.unit_id

    response = client.post(
        url,
        {
            "insats_type": form.fields["insats_type"].queryset.get(code="medling").pk,
            "referral_source": "polis",
            "basis": "service",
            "unit": handler.unit_id,
            "handler": handler.pk,
            "opened_on": "2025-03-01",
        },
    )

    case = Case.objects.get(person=person)
    assert response["Location"] == reverse("case_detail", args=[case.pk])
    assert (case.handler, case.basis, case.opened_on) == (handler, "service", datetime.date(2025, 3, 1))


@pytest.mark.django_db
def test_open_case_errors_are_swedish_and_next_to_the_field(client, handler):
    person = PersonFactory(unit=handler.unit, birth_date=BIRTH)  # 15 years old in 2025
    client.force_login(handler)
    url = reverse("case_open", args=[person.pk])
    insats = client.get(url).context["form"].fields["insats_type"].queryset.get(code="aslan")  # 10–14

    missing = _html(client.post(url, {"unit": handler.unit_id, "handler": handler.pk}))
    assert 'id="id_insats_type_error"' in missing and "Det här fältet är obligatoriskt." in missing

    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = {
        "insats_type": insats.pk,
        "referral_source": "skola",
        "basis": "bistand",
        "unit": handler.unit_id,
        "handler": handler.pk,
        "opened_on": future,
    }
    html = _html(client.post(url, data))
    assert 'id="id_opened_on_error"' in html and "Datumet kan inte ligga i framtiden." in html

    data["opened_on"] = "2025-03-01"
    html = _html(client.post(url, data))
    assert 'id="id_insats_type_error"' in html and "ASLAN är för personer 10–14 år" in html
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_open_case_in_a_sister_unit_returns_to_the_person(client, handler):
    sister = UnitFactory(provider=handler.unit.provider, name="Fenix")
    fenix_worker = UserFactory(unit=sister)
    person = PersonFactory(unit=handler.unit)
    client.force_login(handler)

    response = client.post(
        reverse("case_open", args=[person.pk]),
        {
            "insats_type": InsatsType.objects.get(code="avhopp").pk,
            "referral_source": "polis",
            "basis": "bistand",
            "unit": sister.pk,
            "handler": fenix_worker.pk,
            "opened_on": "2025-03-01",
        },
    )

    assert response["Location"] == reverse("person_detail", args=[person.pk])
    assert Case.objects.get(person=person).unit == sister


@pytest.mark.django_db
def test_open_case_for_hidden_person_is_404(client, handler, outsider):
    person = PersonFactory(unit=handler.unit)
    client.force_login(outsider)
    assert client.get(reverse("case_open", args=[person.pk])).status_code == 404


# --- Case page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_page_for_personas(client, handler, colleague, outsider, manager):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit))
    url = reverse("case_detail", args=[case.pk])
    for user, status in [(handler, 200), (colleague, 200), (manager, 200), (outsider, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    assert not _logs(outsider, case.person).exists()
    assert _logs(handler, case.person, "case_page").count() == 1


@pytest.mark.django_db
def test_case_page_shows_facts_consent_timeline_and_allowed_actions(client, handler, manager):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Tove"))
    signed = JournalEntryFactory(case=case, text="Första samtalet.", signed_at=timezone.now())
    draft = JournalEntryFactory(case=case, text="Utkast om skolan.")
    client.force_login(handler)

    html = _html(client.get(reverse("case_detail", args=[case.pk])))

    assert "Tove" in html and "Ungdomstjänst" in html and "Polis" in html
    assert html.index('id="facts-heading"') < html.index('id="consent-heading"') < html.index('id="journal-heading"')
    assert "Ärendet aktualiserades." in html
    assert reverse("entry_correct", args=[case.pk, signed.pk]) in html
    assert reverse("entry_edit", args=[case.pk, signed.pk]) not in html  # never offers to edit a signed entry
    assert reverse("entry_edit", args=[case.pk, draft.pk]) in html
    assert reverse("case_close", args=[case.pk]) in html
    assert reverse("case_reassign", args=[case.pk]) not in html  # socialsekreterare

    client.force_login(manager)
    assert reverse("case_reassign", args=[case.pk]) in _html(client.get(reverse("case_detail", args=[case.pk])))


def _case_page_queries(client, user, django_assert_max_num_queries, entries: int) -> int:
    person = PersonFactory.create(unit=user.unit)
    CustodianFactory(person=person)
    case = CaseFactory.create(handler=user, person=person)
    consent_record(
        actor=user,
        person=person,
        custodian=None,
        actors=list(Actor.objects.filter(code="polis")),
        given_on=datetime.date(2025, 3, 2),
        form="skriftligt",
    )
    JournalEntryFactory.create_batch(entries, case=case, signed_at=timezone.now())
    client.force_login(user)
    client.get(reverse("person_search"))  # the first request after login renews the session (one write)
    # 16: the akt's received documents and its aktbilagor are one query each, whatever their number
    with django_assert_max_num_queries(16 + SAVEPOINT_STATEMENTS) as captured:
        response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert _data_queries(captured) <= 16
    return len(captured)


@pytest.mark.django_db
def test_case_page_query_count_does_not_grow_with_entries(client, handler, colleague, django_assert_max_num_queries):
    few = _case_page_queries(client, colleague, django_assert_max_num_queries, 5)
    many = _case_page_queries(client, handler, django_assert_max_num_queries, 500)
    assert few == many


# --- Journal -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_write_and_sign_an_entry(client, handler):
    case = CaseFactory(handler=handler)
    client.force_login(handler)

    response = client.post(
        reverse("entry_create", args=[case.pk]),
        {
            "kind": "samtal",
            "occurred_on": "2025-03-10",
            "text": "Samtal om skolan.",
            "signera": "1",
            "confirm_sign": "on",
        },
    )

    entry = JournalEntry.objects.get(case=case)
    assert entry.is_signed and entry.author == handler
    assert response["Location"].endswith(f"#anteckning-{entry.pk}")


@pytest.mark.django_db
def test_draft_is_edited_then_signed_and_then_locked(client, handler):
    case = CaseFactory(handler=handler)
    client.force_login(handler)
    client.post(
        reverse("entry_create", args=[case.pk]),
        {"kind": "telefon", "occurred_on": "2025-03-10", "text": "Ringde.", "utkast": "1"},
    )
    entry = JournalEntry.objects.get(case=case)
    assert not entry.is_signed

    client.post(
        reverse("entry_edit", args=[case.pk, entry.pk]),
        {"occurred_on": "2025-03-11", "text": "Ringde mamma.", "version": entry.version},
    )
    client.post(reverse("entry_sign", args=[case.pk, entry.pk]), {"confirm_sign": "on"})

    entry.refresh_from_db()
    assert (entry.text, entry.is_signed) == ("Ringde mamma.", True)
    response = client.post(reverse("entry_edit", args=[case.pk, entry.pk]), {"occurred_on": "2025-03-11", "text": "X"})
    entry.refresh_from_db()
    assert response.status_code == 302 and entry.text == "Ringde mamma."


@pytest.mark.django_db
def test_entry_errors_are_shown_next_to_the_field(client, handler):
    case = CaseFactory(handler=handler)
    client.force_login(handler)

    response = client.post(
        reverse("entry_create", args=[case.pk]),
        {"kind": "samtal", "occurred_on": "2025-02-01", "text": "Före aktualiseringen."},
    )

    assert response.status_code == 400
    html = _html(response)
    assert 'id="id_occurred_on_error"' in html and "Datumet kan inte vara före aktualiseringen." in html
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_correct_a_signed_entry_keeps_the_original_visible(client, handler):
    case = CaseFactory(handler=handler)
    original = JournalEntryFactory(case=case, text="Fel datum nämnt.", signed_at=timezone.now())
    client.force_login(handler)

    client.post(
        reverse("entry_correct", args=[case.pk, original.pk]), {"text": "Rätt datum är 5 mars.", "confirm_sign": "on"}
    )

    correction = JournalEntry.objects.get(corrects=original)
    assert correction.is_signed
    original.refresh_from_db()
    assert original.text == "Fel datum nämnt."
    html = _html(client.get(reverse("case_detail", args=[case.pk])))
    assert "Fel datum nämnt." in html and "Rätt datum är 5 mars." in html
    assert f'href="#anteckning-{original.pk}"' in html and f'href="#anteckning-{correction.pk}"' in html


@pytest.mark.django_db
def test_entry_links_work_for_large_ids(client, handler):
    # ids past 999 must not be grouped with spaces ("anteckning-1 234") in anchors
    case = CaseFactory(handler=handler)
    original = JournalEntryFactory(case=case, id=12345, text="Fel.", signed_at=timezone.now())
    client.force_login(handler)
    client.post(reverse("entry_correct", args=[case.pk, original.pk]), {"text": "Rätt.", "confirm_sign": "on"})
    html = _html(client.get(reverse("case_detail", args=[case.pk])))
    assert 'id="anteckning-12345"' in html and 'href="#anteckning-12345"' in html


@pytest.mark.django_db
def test_outsider_cannot_write_on_a_case(client, handler, outsider):
    case = CaseFactory(handler=handler)
    entry = JournalEntryFactory(case=case, signed_at=timezone.now())
    client.force_login(outsider)
    assert client.post(reverse("entry_create", args=[case.pk]), {"kind": "samtal"}).status_code == 404
    assert client.get(reverse("entry_correct", args=[case.pk, entry.pk])).status_code == 404
    assert client.get(reverse("case_close", args=[case.pk])).status_code == 404


# --- Close and reassign --------------------------------------------------------------------------


@pytest.mark.django_db
def test_close_case_unplanned_then_read_only(client, handler):
    case = CaseFactory(handler=handler)
    JournalEntryFactory(case=case, signed_at=timezone.now())
    client.force_login(handler)

    client.post(
        reverse("case_close", args=[case.pk]),
        {"version": case.version, "reason": "oplanerat", "closed_on": "2025-04-01", "note": "Avbröt."},
    )

    case.refresh_from_db()
    assert (case.closed_on, case.closure_reason) == (datetime.date(2025, 4, 1), "oplanerat")
    html = _html(client.get(reverse("case_detail", args=[case.pk])))
    assert "Ärendet är avslutat och kan bara läsas." in html
    assert "<form" not in html.split('id="journal-heading"')[1]
    assert "Rätta" not in html and reverse("case_close", args=[case.pk]) not in html
    response = client.post(
        reverse("entry_create", args=[case.pk]), {"kind": "samtal", "occurred_on": "2025-04-02", "text": "Sent."}
    )
    assert response.status_code == 302 and not JournalEntry.objects.filter(text="Sent.").exists()


@pytest.mark.django_db
def test_close_with_a_stale_version_saves_nothing(client, handler, manager):
    case = CaseFactory(handler=handler)
    client.force_login(handler)
    shown_version = case.version
    other = UserFactory(unit=handler.unit)
    client_manager = type(client)()
    client_manager.force_login(manager)
    client_manager.post(reverse("case_reassign", args=[case.pk]), {"version": shown_version, "handler": other.pk})

    response = client.post(
        reverse("case_close", args=[case.pk]),
        {"version": shown_version, "reason": "planerat", "closed_on": "2025-04-01"},
    )

    assert response.status_code == 400
    html = _html(response)
    assert "Någon annan har sparat ändringar i ärende medan du redigerade" in html
    assert "Inget av det du skrev har sparats." in html
    case.refresh_from_db()
    assert case.is_open and case.handler == other


@pytest.mark.django_db
def test_close_errors_in_swedish(client, handler):
    case = CaseFactory(handler=handler)
    client.force_login(handler)

    html = _html(
        client.post(
            reverse("case_close", args=[case.pk]),
            {"version": case.version, "reason": "planerat", "closed_on": "2025-01-01"},
        )
    )

    assert 'id="id_closed_on_error"' in html and "Avslutsdatum kan inte vara före aktualiseringsdatum" in html


@pytest.mark.django_db
def test_reassign_only_by_manager(client, handler, colleague, manager):
    case = CaseFactory(handler=handler)
    url = reverse("case_reassign", args=[case.pk])
    client.force_login(handler)
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": case.version, "handler": colleague.pk}).status_code == 404

    client.force_login(manager)
    response = client.post(url, {"version": case.version, "handler": colleague.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.handler == colleague and case.version == 2


@pytest.mark.django_db
def test_plan_follow_up_shows_on_mina_arenden_and_a_stale_form_saves_nothing(client, handler, colleague):
    case = CaseFactory(handler=handler)
    client.force_login(handler)
    shown_version = case.version
    next_week = timezone.localdate() + datetime.timedelta(days=7)

    client.post(reverse("case_follow_up", args=[case.pk]), {"version": shown_version, "next_follow_up_on": next_week})

    case.refresh_from_db()
    assert case.next_follow_up_on == next_week and case.version == shown_version + 1
    assert next_week.isoformat() in _html(client.get(reverse("home")))

    # a colleague who loaded the page before that change
    client.force_login(colleague)
    response = client.post(
        reverse("case_follow_up", args=[case.pk]), {"version": shown_version, "next_follow_up_on": ""}
    )
    assert response.status_code == 400
    assert "Nästa uppföljning är nu: " + next_week.isoformat() in _html(response)
    case.refresh_from_db()
    assert case.next_follow_up_on == next_week


@pytest.mark.django_db
def test_statistics_user_gets_no_case_work_links_or_pages(client, stats_client):
    client.force_login(stats_client)

    html = _html(client.get(reverse("home")))

    assert "Du har inga öppna ärenden." in html
    assert reverse("person_register") not in html
    assert client.get(reverse("person_register")).status_code == 404


def _person_page_queries(client, user, django_assert_max_num_queries, cases: int) -> int:
    person = PersonFactory.create(unit=user.unit)
    CustodianFactory.create_batch(2, person=person)
    CaseFactory.create_batch(cases, handler=user, person=person)
    client.force_login(user)
    client.get(reverse("home"))  # the first request after login renews the session (one write)
    with django_assert_max_num_queries(15 + SAVEPOINT_STATEMENTS) as captured:
        assert client.get(reverse("person_detail", args=[person.pk])).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_person_page_query_count_does_not_grow_with_cases(client, handler, colleague, django_assert_max_num_queries):
    few = _person_page_queries(client, colleague, django_assert_max_num_queries, 2)
    many = _person_page_queries(client, handler, django_assert_max_num_queries, 60)
    assert few == many


# --- Forms: empty forms, confirming a signature, follow-up dates ---------------------------------


@pytest.mark.django_db
def test_every_case_form_opens_empty_without_an_error_banner(client, handler, manager):
    case = CaseFactory(handler=handler)
    draft = JournalEntryFactory(case=case, author=handler)
    signed = JournalEntryFactory(case=case, author=handler, signed_at=timezone.now())
    pages = {
        handler: [
            reverse("person_search"),
            reverse("person_search") + "?q=",  # an empty search box sent as it used to be
            reverse("person_register"),
            reverse("case_open", args=[case.person_id]),
            reverse("case_detail", args=[case.pk]),
            reverse("case_close", args=[case.pk]),
            reverse("entry_edit", args=[case.pk, draft.pk]),
            reverse("entry_sign", args=[case.pk, draft.pk]),
            reverse("entry_correct", args=[case.pk, signed.pk]),
        ],
        manager: [reverse("case_reassign", args=[case.pk])],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "error-summary" not in _html(response) and "errorlist" not in _html(response), url
    client.force_login(handler)
    empty_search = client.post(reverse("person_search"), {"q": ""})
    assert "errorlist" not in _html(empty_search) and "Inga träffar" not in _html(empty_search)


@pytest.mark.django_db
def test_save_and_sign_needs_the_confirmation_ticked(client, handler):
    case = CaseFactory(handler=handler)
    client.force_login(handler)
    data = {"kind": "samtal", "occurred_on": "2025-03-10", "text": "Samtal om skolan.", "signera": "1"}

    refused = client.post(reverse("entry_create", args=[case.pk]), data)

    assert refused.status_code == 400 and not JournalEntry.objects.exists()
    assert "Bekräfta att anteckningen ska signeras, eller spara den som utkast." in _html(refused)
    assert "Samtal om skolan." in _html(refused)  # the text is kept for the second try
    # a draft needs no confirmation
    draft = {key: value for key, value in data.items() if key != "signera"} | {"utkast": "1"}
    assert client.post(reverse("entry_create", args=[case.pk]), draft).status_code == 302
    assert not JournalEntry.objects.get(case=case).is_signed


@pytest.mark.django_db
def test_signing_a_draft_is_confirmed_on_a_page_of_its_own(client, handler, colleague):
    case = CaseFactory(handler=handler)
    draft = JournalEntryFactory(case=case, author=handler, text="Utkast om skolan.")
    url = reverse("entry_sign", args=[case.pk, draft.pk])
    client.force_login(handler)

    case_page = _html(client.get(reverse("case_detail", args=[case.pk])))
    assert f'href="{url}"' in case_page  # a link to the confirmation, not a one-click signature
    confirm = _html(client.get(url))
    assert "Utkast om skolan." in confirm and "Jag bekräftar att anteckningen är färdig" in confirm
    assert _logs(handler, case.person, "entry_sign").count() == 1

    unconfirmed = client.post(url, {})
    draft.refresh_from_db()
    assert unconfirmed.status_code == 400 and not draft.is_signed
    assert "Bekräfta att anteckningen ska signeras." in _html(unconfirmed)

    client.force_login(colleague)  # not the author: sent back to the case, nothing signed
    assert client.post(url, {"confirm_sign": "on"}).status_code == 302
    draft.refresh_from_db()
    assert not draft.is_signed

    client.force_login(handler)
    response = client.post(url, {"confirm_sign": "on"})
    draft.refresh_from_db()
    assert draft.is_signed and response["Location"].endswith(f"#anteckning-{draft.pk}")


@pytest.mark.django_db
def test_a_follow_up_date_in_the_past_is_refused_and_a_passed_one_is_pointed_out(client, handler):
    today = timezone.localdate()
    case = CaseFactory(handler=handler)
    client.force_login(handler)

    page = _html(client.get(reverse("case_detail", args=[case.pk])))
    assert f'min="{today.isoformat()}"' in page  # the date picker offers no past day
    refused = client.post(
        reverse("case_follow_up", args=[case.pk]),
        {"version": case.version, "next_follow_up_on": (today - datetime.timedelta(days=1)).isoformat()},
    )
    case.refresh_from_db()
    assert refused.status_code == 400 and case.next_follow_up_on is None
    assert "Uppföljningen kan inte planeras till ett datum som har passerat." in _html(refused)

    Case.objects.filter(pk=case.pk).update(next_follow_up_on=today - datetime.timedelta(days=3))  # planned, then passed
    page = _html(client.get(reverse("case_detail", args=[case.pk])))
    assert "datumet har passerat. Planera en ny uppföljning." in page
