"""Query counts on generated data: the case list issues ≤ 15 and the case page ≤ 21 SQL statements,
the same number whether the user has a handful of rows or many (≥ 25 cases, ≥ 25 journal entries).

Counted like `make bench` counts (bench.harness.count_queries: every statement except transaction
control), on XS data from the generator, so the counts hold for data shaped like S, M and L.
The web helper's cases/tests/test_views.py pins the same pages on factory data.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bench.harness import statements_of
from cases.models import Case, InsatsType, JournalEntry, Person
from consent.models import Actor, Consent
from core.models import User
from devdata.datagen import BENCH_COLLEAGUE, BENCH_HANDLER, generate
from devdata.identity import personnummer

pytestmark = pytest.mark.django_db

# the to-do items' cases are one query of their own; the consent flags of plan activities four (the activities and
# why, then consent.selectors.sharing_decisions' three)
CASE_LIST_MAX = 15
# the insats panel prefetches each relation in a query of its own (medling with a plan: 19), and the akt adds one
# query for its received documents and one for its aktbilagor
CASE_PAGE_MAX = 21
MORE = 30
ALL_INSATS = ["ungdomstjanst", "medling", "stod_brottsutsatta", "skk", "aslan", "sig", "avhopp", "faltverksamhet"]


@pytest.fixture(scope="module")
def generated_once(django_db_setup, django_db_blocker):
    """XS data generated once for the module's eleven tests, in a transaction rolled back after the last one (as
    devdata's seeded demo): each test's own rows live in a savepoint inside it and are rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        generate("XS")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def generated(generated_once, db):
    """The generated XS data, read (and added to) by one test."""


def _client(user: User) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def _open_cases_for(user: User, count: int, *, serial: int, protected_first: bool = True) -> list[Case]:
    """More open cases for the user (the first for a protected person), outside the generated numbers."""
    unit_id = user.unit_id
    assert unit_id is not None, "the generated handlers have a unit"
    cases = []
    for n in range(count):
        person = Person.objects.create(
            id_kind="personnummer",
            id_number=personnummer(datetime.date(2010, 1, 1) + datetime.timedelta(days=n), serial),
            first_name="Extra",
            last_name=f"Ungdom{n}",
            birth_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=n),
            unit_id=unit_id,
            protection="sekretessmarkering" if n == 0 and protected_first else "",
        )
        sample = Case.objects.filter(unit_id=unit_id).first()
        assert sample is not None, "the generated unit has cases"
        cases.append(
            Case.objects.create(
                number=f"9{serial:03d}-{n:04d}",
                person=person,
                insats_type=sample.insats_type,
                unit_id=unit_id,
                handler=user,
                referral_source="polis",
                basis="service",
                opened_on=datetime.date(2026, 3, 1),
                next_follow_up_on=datetime.date(2026, 7, 1),
            )
        )
    return cases


def _home_queries(user: User) -> list[str]:
    client = _client(user)
    url = reverse("home")
    client.get(url)  # warm caches that every request has warm in production (content types, permissions)
    return statements_of(lambda: client.get(url))


def test_case_list_query_count_is_small_and_constant(generated):
    # given two handläggare of the generated unit, each with a protected person among their cases
    few_user = User.objects.get(username=BENCH_COLLEAGUE)
    many_user = User.objects.get(username=BENCH_HANDLER)
    _open_cases_for(few_user, 2, serial=997)
    _open_cases_for(many_user, MORE, serial=998)
    assert Case.objects.filter(handler=many_user, closed_on__isnull=True).count() >= 25

    # when each opens Mina ärenden
    few, many = _home_queries(few_user), _home_queries(many_user)

    # then the count is the same and within the budget; the long list shows a full page of 25
    assert len(few) == len(many), "\n".join(sorted(set(few) ^ set(many)))
    assert len(many) <= CASE_LIST_MAX, "\n".join(many)
    page = _client(many_user).get(reverse("home")).content.decode()
    assert page.count("/arenden/") >= 25


def _case_page_queries(user: User, case: Case) -> list[str]:
    client = _client(user)
    url = reverse("case_detail", kwargs={"case_id": case.pk})
    client.get(url)
    return statements_of(lambda: client.get(url))


@pytest.fixture
def case_pages(generated):
    """Statements of two case pages: a case with one entry and one with many entries, corrections, consents."""
    handler = User.objects.get(username=BENCH_HANDLER)
    small, big = _open_cases_for(handler, 2, serial=996, protected_first=False)
    JournalEntry.objects.create(case=small, kind="samtal", occurred_on=small.opened_on, text="En", author=handler)
    previous = None
    for n in range(MORE):
        previous = JournalEntry.objects.create(
            case=big,
            kind="rattelse" if previous and n % 10 == 0 else "samtal",
            occurred_on=big.opened_on + datetime.timedelta(days=n),
            text=f"Anteckning {n}",
            author=handler,
            corrects=previous if n % 10 == 0 else None,
        )
    actors = list(Actor.objects.filter(needs_consent=True)[:3])
    for person in (small.person, big.person):
        consent = Consent.objects.create(
            person=person, given_on=datetime.date(2026, 3, 2), form="skriftligt", recorded_by=handler
        )
        consent.actors.set(actors)
    assert big.entries.count() >= 25
    return _case_page_queries(handler, small), _case_page_queries(handler, big)


def test_case_page_query_count_does_not_grow(case_pages):
    few, many = case_pages
    assert len(few) == len(many), "\n".join(sorted(set(few) ^ set(many)))


def test_case_page_query_count_within_budget(case_pages):
    _few, many = case_pages
    assert len(many) <= CASE_PAGE_MAX, "\n".join(many)


def _rich_case(handler: User, code: str, rows: int, serial: int) -> Case:
    """An open case of `code` for a person of 16 (ASLAN: 12) with two custodians and `rows` of everything the case
    page shows: consents, a genomförandeplan (goals, participants, activities, follow-ups), utlämnanden and
    insats details."""
    from consent.models import LegalBasis
    from consent.services import consent_record, disclosure_record
    from interventions import services
    from interventions.models import MeetingKind, PartyRole, PurchaseKind, SkkOrderedBy, ThreatLevel

    unit_id = handler.unit_id
    assert unit_id is not None, "the generated handlers have a unit"
    today = datetime.date.today()
    age = 12 if code == "aslan" else 16  # ASLAN is for children 10-14
    birth = datetime.date(today.year - age - 1, 1, 1) + datetime.timedelta(days=serial % 300)
    person = Person.objects.create(
        id_kind="personnummer",
        id_number=personnummer(birth, serial),
        first_name="Rik",
        last_name=f"Ungdom{serial}",
        birth_date=birth,
        unit_id=unit_id,
    )
    custodians = [person.custodians.create(name=f"Vårdnadshavare {n}", relation="mor") for n in range(2)]
    case = Case.objects.create(
        number=f"8{serial:03d}-0001",
        person=person,
        insats_type=InsatsType.objects.get(code=code),
        unit_id=unit_id,
        handler=handler,
        referral_source="polis",
        basis="service",
        opened_on=today - datetime.timedelta(days=60),
        next_follow_up_on=today + datetime.timedelta(days=30),
    )
    actors = list(Actor.objects.filter(needs_consent=True).order_by("sort_order")[: rows + 1])
    for giver in [None, *custodians]:
        consent_record(actor=handler, person=person, custodian=giver, actors=actors, given_on=today, form="skriftligt")
    plan = services.plan_create(actor=handler, case=case, coordinator=handler)
    for n in range(rows):
        goal = services.plan_goal_add(actor=handler, plan=plan, text=f"Mål {n}")
        services.plan_participant_add(actor=handler, plan=plan, actor_obj=actors[n])
        services.plan_activity_add(
            actor=handler, plan=plan, goal=goal, what="Träffas", responsible=actors[n], when="Varje vecka"
        )
        services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today + datetime.timedelta(days=10 + n))
        disclosure_record(
            actor=handler,
            person=person,
            case=case,
            recipient=actors[n],
            what_sent="Planen",
            legal_basis=LegalBasis.objects.get(code="samtycke"),
            disclosed_on=today,
            decided_by=handler,
        )
    day = today - datetime.timedelta(days=30)
    if code == "ungdomstjanst":
        order = services.community_service_set(
            actor=handler, case=case, ordered_hours=20, judgment_on=day, issued_by="Tingsrätten", report_to="Åklagaren"
        )
        for n in range(rows):
            place = services.community_service_workplace_add(actor=handler, order=order, name=f"Arbetsplats {n}")
            services.community_service_session_add(
                actor=handler, order=order, workplace=place, performed_on=day, hours=Decimal("2")
            )
    elif code == "medling":
        mediation = services.mediation_set(actor=handler, case=case, offence="Skadegörelse", mediator=handler)
        for n in range(rows):
            services.mediation_party_add(actor=handler, mediation=mediation, role=PartyRole.VICTIM, name=f"Part {n}")
            services.mediation_consultation_add(actor=handler, mediation=mediation, consulted_on=day, with_whom="FUL")
            services.mediation_meeting_add(actor=handler, mediation=mediation, kind=MeetingKind.PRE_VICTIM, held_on=day)
    elif code == "stod_brottsutsatta":
        services.victim_support_set(actor=handler, case=case, crime_type="ran", crime_on=day)
    elif code == "skk":
        services.skk_set(
            actor=handler,
            case=case,
            contact_person="Kim",
            contact_phone="070-000 00 00",
            hours_per_month=Decimal("8"),
            ordered_by=SkkOrderedBy.SOL,
            decided_on=day,
        )
    elif code == "aslan":
        group = services.aslan_group_create(actor=handler, name=f"Grupp {serial}", starts_on=day)
        participant = services.aslan_participant_add(actor=handler, group=group, case=case, parents=custodians)
        for n in range(rows):
            services.aslan_meeting_record(
                actor=handler,
                group=group,
                held_on=day + datetime.timedelta(days=n),
                topic="Känslor",
                attendance={participant.pk: (True, 1)},
            )
    elif code == "avhopp":
        for n in range(rows):
            services.defector_assess(
                actor=handler, case=case, assessed_on=day, threat_level=ThreatLevel.LATENT, motivated=True
            )
            services.purchased_service_add(
                actor=handler,
                case=case,
                kind=PurchaseKind.TREATMENT,
                provider=f"Behandlingshem {n}",  # distinct purchases: an exact copy would need confirming
                starts_on=day,
                ends_on=None,
                price=Decimal("1000"),
            )
    for n in range(rows):
        JournalEntry.objects.create(case=case, kind="samtal", occurred_on=day, text=f"Samtal {n}", author=handler)
    return case


SHOWN = {  # something of each insats's details that the case page shows (the 3-row case)
    "ungdomstjanst": ["Arbetsplats 0; Arbetsplats 1; Arbetsplats 2", "Utförda timmar</dt><dd>6<"],
    "medling": ["Part 2", "FUL", "Förmöte med brottsoffret"],
    "stod_brottsutsatta": ["Rån", "3 (se journalen)"],
    "skk": ["Kim, 070-000 00 00"],
    "aslan": ["Föräldrar som deltar: 2", "närvarande; "],
    "avhopp": ["Behandlingshem", "3\u00a0000\u00a0kr"],
}


@pytest.mark.parametrize("code", ALL_INSATS)
def test_case_page_query_count_for_every_insats_with_plan_disclosures_and_details(generated, code):
    handler = User.objects.get(username=BENCH_HANDLER)
    serial = 900 + ALL_INSATS.index(code) * 2
    few = _case_page_queries(handler, _rich_case(handler, code, 1, serial))
    many = _case_page_queries(handler, _rich_case(handler, code, 3, serial + 1))
    assert len(few) == len(many), "\n".join(sorted(set(few) ^ set(many)))
    assert len(many) <= CASE_PAGE_MAX, "\n".join(many)
    case = Case.objects.get(number=f"8{serial + 1:03d}-0001")
    page = _client(handler).get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    for text in [*SHOWN.get(code, []), "Genomförandeplan, version 1", "Mål</dt><dd>3</dd>", "Planen"]:
        assert text in page, text
