"""The one to-do list (interventions.todo): each signal, overdue marking, permissions, and the pages
that show it (Mina ärenden, Planering, the enhetschef's caseload) with pinned query counts."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from guardian.shortcuts import assign_perm

from cases.models import Case
from cases.selectors import case_queryset_for_user
from consent.models import Actor
from consent.services import consent_record, consent_revoke
from core.models import AccessLog, ChangeLog
from interventions import selectors, services, todo
from interventions.models import Activity
from interventions.tests.factories import ActivityFactory, FollowUpFactory, MediationMeetingFactory, PlanVersionFactory
from interventions.views.todo_links import todo_url
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

# Planering: the to-do rows (counted and paged from one read), the people, the page's cases, the plans of the page
# lacking consent, the access log, and the session and user
PLANNING_QUERIES = 10
SAVEPOINT_STATEMENTS = 2  # the test client's request runs in a savepoint (as in cases/tests/test_views.py)


def _days(today, n):
    return today + datetime.timedelta(days=n)


def _items(user, today, owner="self"):
    return todo.todo_list(cases=case_queryset_for_user(user), on=today, owner=user if owner == "self" else owner)


def _data_queries(captured) -> int:
    return sum(1 for query in captured.captured_queries if "SAVEPOINT" not in query["sql"])


@pytest.fixture
def young(db):
    return Actor.objects.get(code="ungdomen")


@pytest.fixture
def signals(handler, make_case, police, young, today):
    """One case of the handler per signal, each with one due or overdue item (the handler coordinates the plan)."""
    cases = {"follow_up": make_case("ungdomstjanst", next_follow_up_on=_days(today, -2))}
    sig = make_case("sig", opened_on=_days(today, -40))
    plan = services.plan_create(actor=handler, case=sig, coordinator=handler)
    services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=_days(today, 3))
    services.plan_activity_add(
        actor=handler, plan=plan, goal=None, what="Besöka skolan", responsible=young, when="i veckan",
        due_on=_days(today, -1),
    )  # fmt: skip
    cases["sig"] = sig
    cases["missing_plan"] = make_case("avhopp", opened_on=_days(today, -20))
    cases["mediation"] = make_case("medling", opened_on=_days(today, -45))
    cases["consent"] = make_case("skk", opened_on=_days(today, -60))
    consent_record(
        actor=handler, person=cases["consent"].person, custodian=None, actors=[police], given_on=_days(today, -30),
        form="skriftligt", valid_until=_days(today, 10),
    )  # fmt: skip
    return {**cases, "plan": plan}


# ---------------------------------------------------------------- the signals


def test_each_signal_appears_with_its_date_oldest_first_and_overdue_marked(handler, signals, today):
    items = _items(handler, today)
    assert [(i.kind, i.case.pk, i.due_on, i.overdue) for i in items] == [
        ("medling", signals["mediation"].pk, _days(today, -15), True),  # opened 45 days ago, 30 days allowed
        ("plan_saknas", signals["missing_plan"].pk, _days(today, -6), True),  # opened 20 days ago, 14 allowed
        ("arendeuppfoljning", signals["follow_up"].pk, _days(today, -2), True),
        ("aktivitet", signals["sig"].pk, _days(today, -1), True),
        ("planuppfoljning", signals["sig"].pk, _days(today, 3), False),
        ("samtycke", signals["consent"].pk, _days(today, 10), False),
    ]
    by_kind = {i.kind: i for i in items}
    assert by_kind["aktivitet"].note == "Besöka skolan"
    assert by_kind["medling"].note == "45 dagar utan medlingsmöte"
    assert by_kind["samtycke"].note == "lämnat av ungdomen"
    plan_url = reverse("interventions:plan", args=[signals["plan"].pk])
    assert todo_url(by_kind["planuppfoljning"]) == plan_url + "?oppna=uppfoljning#form-uppfoljning"
    assert todo_url(by_kind["aktivitet"]) == plan_url + "?oppna=aktivitet-klar#form-aktivitet-klar"
    assert todo_url(by_kind["plan_saknas"]).endswith("#form-plan")
    assert todo_url(by_kind["arendeuppfoljning"]).startswith(reverse("case_detail", args=[signals["follow_up"].pk]))


def test_every_to_do_link_opens_the_form_of_its_next_step(client, handler, signals, today):
    # given one item of each kind
    client.force_login(handler)
    items = _items(handler, today)
    assert {item.kind for item in items} == set(todo.KINDS)
    for item in items:
        # when the handläggare follows the item's link
        path, _hash, fragment = todo_url(item).partition("#")
        html = " ".join(client.get(path).content.decode().split())
        # then the place it names is on the page, and the form there is open, not folded away
        assert f'id="{fragment}"' in html, item.kind
        if item.kind == todo.CASE_FOLLOW_UP:  # the date form stands open in the case facts
            assert f'action="{reverse("case_follow_up", args=[item.case.pk])}"' in html
        else:
            assert f'<details class="action-form" id="{fragment}" open>' in html, item.kind


def test_items_beyond_the_horizon_are_not_listed(handler, make_case, today):
    make_case("ungdomstjanst", next_follow_up_on=_days(today, 15))  # the horizon is 14 days
    make_case("medling", opened_on=_days(today, -10))  # due in 20 days
    assert _items(handler, today) == []


def test_done_held_and_renewed_items_leave_the_list(handler, signals, police, today):
    plan = signals["plan"]
    activity = Activity.objects.get(version__plan=plan)
    services.plan_activity_done(actor=handler, plan=plan, activity=activity, done_on=today)
    follow_up = plan.versions.get().follow_ups.get()
    services.plan_goal_add(actor=handler, plan=plan, text="Skolan")
    goal = plan.versions.get().goals.get()
    services.plan_follow_up_record(
        actor=handler, follow_up=follow_up, held_on=today, note="", attainments={goal.pk: ("delvis", "")}
    )
    # the young person consents again for a year: the expiring consent is renewed
    consent_record(
        actor=handler, person=signals["consent"].person, custodian=None, actors=[police], given_on=today,
        form="skriftligt", valid_until=_days(today, 365),
    )  # fmt: skip
    services.plan_create(actor=handler, case=signals["missing_plan"], coordinator=handler)
    mediation = services.mediation_set(actor=handler, case=signals["mediation"], offence="Stöld", mediator=handler)
    # a held mediation meeting (set up directly: starting a medling needs the § 5 checks, tested elsewhere)
    MediationMeetingFactory(mediation=mediation, held_on=today)

    assert [i.kind for i in _items(handler, today)] == ["arendeuppfoljning"]


def test_revoked_consent_and_closed_cases_are_not_listed(handler, signals, today):
    consent_revoke(actor=handler, consent=signals["consent"].person.consents.get(), revoked_on=today)
    Case.objects.filter(pk=signals["follow_up"].pk).update(
        closed_on=today, closure_reason="planerat"
    )  # closed: nothing more is due
    kinds = [i.kind for i in _items(handler, today)]
    assert "samtycke" not in kinds and "arendeuppfoljning" not in kinds


def test_only_cases_the_user_may_see_and_only_their_own_items(handler, colleague, outsider, signals, today):
    # the colleague sees the unit's cases (Planering) but is responsible for none of them
    assert _items(colleague, today) == []
    assert len(_items(colleague, today, owner=None)) == 6
    # another unit sees nothing, not even as "everyone's" list
    assert _items(outsider, today, owner=None) == []
    CaseFactory(handler=outsider, next_follow_up_on=today)  # the outsider's own case is theirs only
    assert [i.kind for i in _items(outsider, today)] == ["arendeuppfoljning"]
    assert len(_items(handler, today, owner=None)) == 6


def test_plan_items_belong_to_the_samordnare(handler, coordinator, make_case, young, today):
    case = make_case("sig")
    plan = services.plan_create(actor=handler, case=case, coordinator=coordinator)
    services.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today)
    assert [i.kind for i in _items(coordinator, today)] == ["planuppfoljning"]
    assert "planuppfoljning" not in [i.kind for i in _items(handler, today)]


def test_consent_of_a_custodian_names_the_giver_unless_the_identity_is_masked(
    handler, colleague, make_case, police, today
):
    case = make_case("skk")
    custodian = case.person.custodians.first()
    consent_record(
        actor=handler, person=case.person, custodian=custodian, actors=[police], given_on=today,
        form="skriftligt", valid_until=_days(today, 5),
    )  # fmt: skip
    item = _items(handler, today)[0]
    assert item.note == f"lämnat av {custodian.name}"
    case.person.protection = "skyddad_folkbokforing"
    case.person.save()
    items = _items(colleague, today, owner=None)
    todo.todo_log(user=colleague, items=items, request=None, what="planning")
    assert items[0].note == "lämnat av vårdnadshavare"
    assert items[0].case.person.display_name == "Skyddad identitet"


# ---------------------------------------------------------------- consent flags of plan activities (issue 19.12)


def _police_activity(handler, make_case, police, school, today, *, valid_until=None):
    """An adult's SIG case (only their own consent counts) whose plan has a Polis activity due tomorrow, under
    the young person's consent to Polis and Skola (valid until `valid_until`)."""
    case = make_case("sig", birth_date=datetime.date(2000, 1, 1), custodians=0)
    consent = consent_record(
        actor=handler, person=case.person, custodian=None, actors=[police, school], given_on=today,
        form="skriftligt", valid_until=valid_until,
    )  # fmt: skip
    plan = services.plan_create(actor=handler, case=case, coordinator=handler)
    services.plan_activity_add(
        actor=handler, plan=plan, goal=None, what="Träffa närpolisen", responsible=police, when="i veckan",
        due_on=_days(today, 1),
    )  # fmt: skip
    return case, consent


def _case_row(html: str, case) -> str:
    """Mina ärenden's row of an open case (the case table, after the to-do list)."""
    start = html.index(f'href="{reverse("case_detail", args=[case.pk])}"', html.index("Mina öppna ärenden"))
    return html[start : html.index("</tr>", start)]


def test_an_activity_whose_actors_consent_was_revoked_is_flagged_on_mina_arenden_and_planering(
    client, handler, make_case, police, school, today
):
    # given two plans with a Polis activity, each under the young person's consent
    revoked, consent = _police_activity(handler, make_case, police, school, today)
    kept, _consent = _police_activity(handler, make_case, police, school, today)

    # when one young person revokes the consent for Polis (keeping Skola)
    consent_revoke(actor=handler, consent=consent, revoked_on=today, actors=[police])

    # then Mina ärenden says so in words on that case's row and on its activity, Planering on the activity,
    # and nothing on the other case
    flag = "Samtycke för Polis återkallat"
    client.force_login(handler)
    home = " ".join(client.get(reverse("home")).content.decode().split())
    assert flag in _case_row(home, revoked) and flag in _row(home, revoked.number, "aktivitet")
    assert "Samtycke för" not in _case_row(home, kept) + _row(home, kept.number, "aktivitet")
    planning = client.get(reverse("interventions:planning"), {"visa": "mina"}).content.decode()
    assert _row(" ".join(planning.split()), revoked.number, "aktivitet") == _row(home, revoked.number, "aktivitet")


def test_an_activity_whose_actors_consent_has_run_out_is_flagged(handler, make_case, police, school, today):
    case, _consent = _police_activity(handler, make_case, police, school, today, valid_until=_days(today, 5))
    for day, flag in [(today, ""), (_days(today, 5), ""), (_days(today, 6), "Samtycke för Polis har gått ut")]:
        items = [i for i in _items(handler, day) if i.kind == todo.ACTIVITY]
        flags = todo.todo_consent_flags(items=items, on=day, with_cases=[case])
        assert [i.consent_flag for i in items] == [flag], day
        assert flags.get(case.pk, []) == ([flag] if flag else []), day


def test_a_done_activity_or_an_actor_without_consent_need_is_not_flagged(
    handler, make_case, police, school, young, today
):
    case, consent = _police_activity(handler, make_case, police, school, today)
    plan = case.plans.get()
    services.plan_activity_add(
        actor=handler, plan=plan, goal=None, what="Skriva dagbok", responsible=young, when="varje dag", due_on=today
    )
    consent_revoke(actor=handler, consent=consent, revoked_on=today)
    services.plan_activity_done(
        actor=handler, plan=plan, activity=Activity.objects.get(what="Träffa närpolisen"), done_on=today
    )
    items = _items(handler, today)
    assert todo.todo_consent_flags(items=items, on=today, with_cases=[case]) == {}
    assert [i.consent_flag for i in items] == [""]


# ---------------------------------------------------------------- marking an activity done


def test_activity_done_is_recorded_in_the_change_history_and_refuses_a_future_date(handler, signals, today):
    plan = signals["plan"]
    activity = Activity.objects.get(version__plan=plan)
    with pytest.raises(ValidationError) as error:
        services.plan_activity_done(actor=handler, plan=plan, activity=activity, done_on=_days(today, 1))
    assert error.value.message_dict["done_on"] == ["Datumet kan inte ligga i framtiden."]
    services.plan_activity_done(actor=handler, plan=plan, activity=activity, done_on=today)
    assert ChangeLog.objects.filter(object_type="interventions.activity", action="update").count() == 1
    with pytest.raises(ValidationError) as error:
        services.plan_activity_done(actor=handler, plan=plan, activity=activity, done_on=today)
    assert "redan markerad" in str(error.value)
    services.plan_revise(actor=handler, plan=plan, reason="Nytt läge")
    assert Activity.objects.get(version__plan=plan, version__superseded_at__isnull=True).done_on == today


def test_plan_page_marks_an_activity_done(client, handler, signals, today):
    plan = signals["plan"]
    activity = Activity.objects.get(version__plan=plan)
    client.force_login(handler)
    response = client.post(
        reverse("interventions:plan_action", args=[plan.pk, "aktivitet-klar"]),
        {"activity": activity.pk, "done_on": today.isoformat()},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.done_on == today
    assert 'id="form-aktivitet-klar"' not in client.get(reverse("interventions:plan", args=[plan.pk])).content.decode()


# ---------------------------------------------------------------- the pages


def _row(html: str, number: str, kind: str) -> str:
    """The to-do table row of one case and kind."""
    start = html.index(f'data-kind="{kind}"', html.index('class="todo"'))
    while number not in html[start : html.index("</tr>", start)]:
        start = html.index(f'data-kind="{kind}"', start + 1)
    return html[start : html.index("</tr>", start)]


def test_mina_arenden_and_planering_show_the_same_items(client, handler, signals, today):
    client.force_login(handler)
    home = client.get(reverse("home")).content.decode()
    planning = client.get(reverse("interventions:planning"), {"visa": "mina"}).content.decode()
    for kind, key in [
        ("arendeuppfoljning", "follow_up"), ("planuppfoljning", "sig"), ("aktivitet", "sig"),
        ("plan_saknas", "missing_plan"), ("medling", "mediation"), ("samtycke", "consent"),
    ]:  # fmt: skip
        number = signals[key].number
        assert _row(home, number, kind) == _row(planning, number, kind), kind
    # the overdue rows say so in text (an icon hidden from screen readers only repeats it)
    overdue = _row(home, signals["follow_up"].number, "arendeuppfoljning")
    assert "Försenad" in overdue and '<span aria-hidden="true">⚠ </span>' in overdue
    assert "Försenad" not in _row(home, signals["consent"].number, "samtycke")
    assert "Följ upp och planera nästa uppföljning" in overdue


def test_mina_arenden_logs_the_to_do_rows_it_shows(client, handler, colleague, signals):
    client.force_login(handler)
    client.get(reverse("home"))
    logged = set(AccessLog.objects.filter(user=handler, what="home").values_list("case_id", flat=True))
    assert {signals[key].pk for key in ("follow_up", "sig", "missing_plan", "mediation", "consent")} <= logged


def test_planering_groups_everyones_items_per_responsible_user(client, colleague, handler, signals):
    client.force_login(colleague)
    html = client.get(reverse("interventions:planning")).content.decode()
    assert f'id="ansvarig-{handler.pk}"' in html
    assert f'<a href="?ansvarig={handler.pk}">{handler}</a>' in html  # the overview links to their list
    assert signals["consent"].number in html
    only_mine = client.get(reverse("interventions:planning"), {"visa": "mina"}).content.decode()
    assert signals["consent"].number not in only_mine


def test_outsider_sees_no_items_of_the_unit(client, outsider, signals):
    client.force_login(outsider)
    for page in (client.get(reverse("home")), client.get(reverse("interventions:planning"))):
        html = page.content.decode()
        assert all(case.number not in html for case in signals.values() if isinstance(case, Case))


def _home_queries(client, user, django_assert_max_num_queries) -> int:
    client.force_login(user)
    client.get(reverse("person_search"))  # the first request after login renews the session (one write)
    with django_assert_max_num_queries(15 + SAVEPOINT_STATEMENTS) as captured:
        html = client.get(reverse("home")).content.decode()
    assert _data_queries(captured) <= 15  # the to-do items' cases one query, the consent flags four
    assert "Att göra" in html
    return len(captured)


def _many_signals(handler, make_case, police, young, today, n):
    for _ in range(n):
        sig = make_case("sig", next_follow_up_on=today)
        version = PlanVersionFactory(plan__case=sig, plan__coordinator=handler)
        FollowUpFactory(version=version, due_on=today)
        ActivityFactory(version=version, what="Gör", actor=young, when="nu", due_on=today)
        # a Polis activity the custodians never consented to (as if added before a custodian was registered): its
        # consent flag is decided, so the count holds the flag's queries too
        ActivityFactory(version=version, what="Träffa polisen", actor=police, when="nu", due_on=today)
        consent_record(
            actor=handler, person=sig.person, custodian=None, actors=[police], given_on=today,
            form="skriftligt", valid_until=_days(today, 3),
        )  # fmt: skip
        make_case("avhopp")
        protected = make_case("medling")
        protected.person.protection = "sekretessmarkering"
        protected.person.save()


@pytest.mark.parametrize("page", ["home", "planning", "caseload"])
def test_query_count_does_not_grow_with_items(
    client, handler, manager, make_case, police, young, today, page, django_assert_max_num_queries
):
    # given one item of each kind, then many more
    user = manager if page == "caseload" else handler
    url = {"home": reverse("home"), "planning": reverse("interventions:planning"), "caseload": None}[page]
    url = url or reverse("interventions:caseload")
    # home, planning: the to-do items' cases are one query; the consent flags of plan activities four (the
    # activities and why, then consent.selectors.sharing_decisions' three), however many rows; planning also
    # counts the items per responsible user for its overview (one)
    budget = {"home": 15, "planning": 26, "caseload": 10}[page]
    counts = []
    for n in (1, 8):
        _many_signals(handler, make_case, police, young, today, n)
        client.force_login(user)
        client.get(url)  # warm the session and permission caches
        with django_assert_max_num_queries(budget + SAVEPOINT_STATEMENTS) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(_data_queries(captured))
    assert counts[0] == counts[1] <= budget
    if page == "home":
        html = response.content.decode()
        assert html.count('data-kind="') >= 8 * 5
        assert html.count("Samtycke för Polis saknas") >= 8  # the flags were decided, and shown


@override_settings(PLAN_DUE_DAYS=0)
def test_home_lists_at_most_fifty_items_and_points_to_planering(client, handler, make_case):
    for _ in range(51):
        make_case("avhopp")
    client.force_login(handler)
    html = client.get(reverse("home")).content.decode()
    assert html.count('data-kind="plan_saknas"') == 50
    assert "Listan visar de 50 första." in html and "Se hela listan under Planering" in html


# ---------------------------------------------------------------- the enhetschef's caseload


def test_caseload_counts_per_handlaggare(handler, colleague, coordinator, manager, make_case, signals, today):
    CaseFactory(handler=colleague, next_follow_up_on=_days(today, 1))  # due this week... or next
    CaseFactory(handler=colleague)  # nothing planned
    rows = {row.user.pk: row for row in todo.caseload_for_manager(user=manager, on=today)}
    mine = rows[handler.pk]
    assert (mine.open_cases, mine.todo.overdue) == (5, 4)
    assert mine.todo.kind("samtycke") == mine.todo.kind("plan_saknas") == mine.todo.kind("medling") == 1
    assert mine.todo.kind("aktivitet") == mine.todo.kind("planuppfoljning") == 1
    assert mine.without_follow_up == 4  # only the ungdomstjänst case has a next follow-up date
    assert mine.todo.this_week == sum(1 for i in _items(handler, today) if today <= i.due_on <= todo.week_end(today))
    other = rows[colleague.pk]
    assert (other.open_cases, other.without_follow_up, other.todo.overdue) == (2, 1, 0)
    assert rows[coordinator.pk].open_cases == 0  # a samordnare of the unit is listed with nothing


def test_caseload_is_only_for_the_enhetschef_of_the_unit(client, handler, manager, signals, other_unit):
    client.force_login(handler)
    assert client.get(reverse("interventions:caseload")).status_code == 404
    other_manager = UserFactory(username="chef2", unit=other_unit, role="enhetschef")
    client.force_login(other_manager)
    html = client.get(reverse("interventions:caseload")).content.decode()
    assert handler.get_full_name() not in html
    client.force_login(manager)
    html = client.get(reverse("interventions:caseload")).content.decode()
    assert handler.get_full_name() in html and "Ärendebelastning per handläggare" in html
    assert all(case.person.last_name not in html for case in signals.values() if isinstance(case, Case))
    home = client.get(reverse("home")).content.decode()
    assert reverse("interventions:caseload") in home


def test_the_list_follows_a_changed_unit_and_a_new_grant_the_same_day(handler, outsider, signals, today):
    # the union's SQL is kept per process; what the user may see must still be decided at each call
    assert len(_items(outsider, today, owner=None)) == 0
    assign_perm("cases.view_case", outsider, signals["follow_up"])  # a per-case grant
    assert [i.kind for i in _items(outsider, today, owner=None)] == ["arendeuppfoljning"]
    outsider.unit = handler.unit  # moved to the handler's unit
    outsider.save()
    assert len(_items(outsider, today, owner=None)) == 6


def test_planering_counts_and_lists_a_case_granted_outside_the_unit_once(handler, outsider, signals, today):
    # Planering reads the unit's cases and the granted ones as two parts; a grant inside the unit is not a second part
    assign_perm("cases.view_case", outsider, signals["follow_up"])
    own = CaseFactory(handler=outsider, next_follow_up_on=today)
    assign_perm("cases.view_case", outsider, own)

    planning = selectors.planning_for_user(user=outsider, on=today)

    counts = {row.owner.pk: row.counts.total for row in planning.overview}
    assert counts == {outsider.pk: 1, handler.pk: 1}
    assert sorted(item.case.pk for item in planning.page.object_list) == sorted([signals["follow_up"].pk, own.pk])


# ---------------------------------------------------------------- Planering of a large unit (issue 23.4)


def _follow_ups(user, today, n, *, first=-100):
    """n cases of `user` whose follow-ups fall on n successive days from `first` days from today, oldest first."""
    return [CaseFactory(handler=user, next_follow_up_on=_days(today, first + i)) for i in range(n)]


def _numbers(html: str) -> list[str]:
    return re.findall(r'<td class="nowrap">([^<]+)</td>', html)


def test_planering_overview_counts_each_responsible_users_items(colleague, handler, signals, today):
    # given the handler's items of every kind and one of the colleague
    CaseFactory(handler=colleague, next_follow_up_on=today)
    # when the colleague opens Planering
    planning = selectors.planning_for_user(user=colleague, on=today)
    # then the colleague's row comes first, and each row counts that person's items
    assert planning.overview[0].owner == colleague
    counts = {row.owner.pk: row.counts for row in planning.overview}
    items = _items(handler, today)
    assert counts[handler.pk].total == len(items) == 6
    assert counts[handler.pk].overdue == sum(1 for i in items if i.overdue) == 4
    assert counts[handler.pk].this_week == sum(1 for i in items if today <= i.due_on <= todo.week_end(today))
    assert (counts[colleague.pk].total, counts[colleague.pk].overdue, counts[colleague.pk].this_week) == (1, 0, 1)


def test_planering_shows_fifty_items_a_page_oldest_first(client, colleague, handler, today):
    mine = _follow_ups(colleague, today, 5, first=-200)
    theirs = _follow_ups(handler, today, 55)
    client.force_login(colleague)
    first = client.get(reverse("interventions:planning")).content.decode()
    second = client.get(reverse("interventions:planning"), {"sida": 2}).content.decode()
    # every item once, in date order, grouped per responsible user within the page
    assert _numbers(first) == [case.number for case in mine + theirs[:45]]
    assert _numbers(second) == [case.number for case in theirs[45:]]
    assert 'href="?sida=2"' in first and "Sida 1 av 2" in first
    assert f'id="ansvarig-{colleague.pk}"' not in second  # the colleague's items were all on page 1


def test_planering_of_one_responsible_user_keeps_the_filter_on_every_page(client, colleague, handler, today):
    _follow_ups(colleague, today, 5, first=-200)
    theirs = _follow_ups(handler, today, 55)
    client.force_login(colleague)
    url = reverse("interventions:planning")
    first = client.get(url, {"ansvarig": handler.pk}).content.decode()
    assert _numbers(first) == [case.number for case in theirs[:50]]
    assert f'href="?ansvarig={handler.pk}&amp;sida=2"' in first
    second = client.get(url, {"ansvarig": handler.pk, "sida": 2}).content.decode()
    assert _numbers(second) == [case.number for case in theirs[50:]]
    only_mine = client.get(url, {"visa": "mina"}).content.decode()
    assert len(_numbers(only_mine)) == 5 and "sida=" not in only_mine


def test_planering_of_someone_outside_what_the_user_sees_is_not_found(client, colleague, handler, outsider, today):
    _follow_ups(outsider, today, 1)
    client.force_login(colleague)
    url = reverse("interventions:planning")
    assert client.get(url, {"ansvarig": handler.pk}).status_code == 200  # staff of the unit, even with nothing
    assert client.get(url, {"ansvarig": outsider.pk}).status_code == 404
    assert client.get(url, {"ansvarig": "abc"}).status_code == 404


def test_planering_logs_only_the_rows_it_shows(client, colleague, handler, today):
    cases = _follow_ups(handler, today, 55)
    client.force_login(colleague)
    client.get(reverse("interventions:planning"))
    logged = set(AccessLog.objects.filter(user=colleague, what="planning").values_list("case_id", flat=True))
    assert logged == {case.pk for case in cases[:50]}


def test_planering_masks_skyddad_identitet(client, colleague, handler, today):
    case = CaseFactory(handler=handler, next_follow_up_on=today)
    case.person.protection = "skyddad_folkbokforing"
    case.person.save()
    client.force_login(colleague)
    html = client.get(reverse("interventions:planning")).content.decode()
    assert case.number in html and "Skyddad identitet" in html
    assert case.person.first_name not in html and case.person.last_name not in html


def test_planering_query_count_does_not_grow_past_a_page(
    client, colleague, handler, today, django_assert_max_num_queries
):
    counts = []
    for n in (3, 120):
        _follow_ups(handler, today, n)
        client.force_login(colleague)
        client.get(reverse("interventions:planning"))  # warm the session and permission caches
        with django_assert_max_num_queries(PLANNING_QUERIES + SAVEPOINT_STATEMENTS) as captured:
            response = client.get(reverse("interventions:planning"), {"sida": 2 if n > 50 else 1})
        assert response.status_code == 200
        counts.append(_data_queries(captured))
    assert counts == [PLANNING_QUERIES, PLANNING_QUERIES]
