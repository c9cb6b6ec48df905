"""The load test's inputs from the generated data (bench/loadtest.py writes them before locust starts, which never
imports Django): per role the accounts and what each works on, a session per virtual user, the enhetschef's stored
report and the statistics client's key, search terms with what each must find."""

import datetime
import importlib
import json
import time
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Exists, OuterRef, QuerySet

from api.services import api_token_create
from cases.models import Case, InsatsCode, Person
from core.models import AccessLog, Role, Unit, User
from devdata.datagen import BENCH_HANDLER, BENCH_MANAGER, BENCH_STATISTICS, DEFAULT_UNTIL, LOADTEST_USERS
from interventions.models import CommunityServiceOrder, CommunityServiceStatus, Plan
from reporting import selectors, services
from reporting.figures import Period
from reporting.models import GenerationStatus, Report, ReportKind


def _session_for(user: User) -> str:
    """A logged-in session, as the login view would create it: the mix measures work, not PBKDF2 logins."""
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _stored_report(manager: User) -> dict:
    """The provider's half-year report the enhetschef opens: requested as the manager would, generated once
    (figures, PDF, Excel) in this process; later runs find it done. Celery runs the job eagerly here, never
    through a broker, so no message is left for a worker of another database."""
    choices = selectors.scope_choices_for_user(manager)
    provider, unit = selectors.scope_models(choices[0][2])
    period = Period.half_year(DEFAULT_UNTIL.year, 1)
    current_app.conf.task_always_eager = True
    version = services.report_request(
        actor=manager, provider=provider, unit=unit, kind=ReportKind.FIRST_HALF, period=period
    )
    deadline = time.monotonic() + 900
    while True:
        version.refresh_from_db()
        if version.generation_status == GenerationStatus.DONE and version.figures:
            break
        if version.generation_status == GenerationStatus.FAILED or time.monotonic() > deadline:
            state = version.failure_reason or f"status {version.generation_status} efter 15 minuter"
            raise SystemExit(f"Uppföljningsrapporten kunde inte skapas: {state}")
        time.sleep(0.5)  # the job runs in the outbox's background thread (JOBS_EAGER_IN_BACKGROUND)
    report = Report.objects.get(pk=version.report_id)
    return {"id": str(report.pk), "period": f"{report.period_start:%Y-%m-%d} – {report.period_end:%Y-%m-%d}"}


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def prepare_inputs(path: Path, *, sessions: int) -> dict:
    """Accounts per role with what each works on, `sessions` sessions per role, search terms; written to `path`."""
    handler = User.objects.select_related("unit__provider").get(username=BENCH_HANDLER)
    if handler.unit is None:
        raise SystemExit(f"{BENCH_HANDLER} saknar enhet: kör `manage.py generate_data --scale S` igen.")
    unit, provider = handler.unit, handler.unit.provider
    open_cases = Case.objects.filter(closed_on__isnull=True).order_by("number")

    def case_rows(cases: QuerySet[Case]) -> list[dict]:
        return [{"id": str(pk), "number": number} for pk, number in cases.values_list("id", "number")[:50]]

    def people_rows(cases: QuerySet[Case]) -> list[dict]:
        rows = cases.filter(person__protection="").values_list("person_id", "person__first_name", "person__last_name")
        return [{"id": str(pk), "name": f"{first} {last}"} for pk, first, last in rows[:50]]

    def insats_rows(cases: QuerySet[Case]) -> list[dict]:
        orders = (
            CommunityServiceOrder.objects.filter(case__in=cases, status=CommunityServiceStatus.ONGOING)
            .filter(judgment_on__lte=datetime.date.today(), workplaces__isnull=False)
            .order_by("case__number")
            .values_list("case_id", "case__number", "workplaces__id")
        )
        rows: dict[str, dict] = {}
        for case_id, number, workplace in orders[:200]:
            rows.setdefault(str(case_id), {"id": str(case_id), "number": number, "workplace": workplace})
        return list(rows.values())[:50]

    # socialsekreterare: bench.ss01 … (their own open cases; the unit's when they have too few)
    unit_cases = open_cases.filter(unit=unit)
    unit_insats = insats_rows(unit_cases.filter(insats_type__code=InsatsCode.COMMUNITY_SERVICE))
    workers = []
    for n in range(1, LOADTEST_USERS + 1):
        user = User.objects.get(username=f"bench.ss{n:02d}")
        own = open_cases.filter(handler=user)
        workers.append(
            (
                user,
                {
                    "username": user.username,
                    "cases": case_rows(own) if own.count() >= 5 else case_rows(unit_cases),
                    "people": people_rows(own) or people_rows(unit_cases),
                    "insats_cases": insats_rows(own.filter(insats_type__code=InsatsCode.COMMUNITY_SERVICE))
                    or unit_insats,
                },
            )
        )
    if not unit_insats:
        raise SystemExit("Benchmarkenheten har ingen pågående ungdomstjänst: generera data igen.")

    # fältarbetare: the staff of the bench provider's Fältverksamheten (no individual cases)
    field_unit = Unit.objects.filter(provider=provider, name="Fältverksamheten").order_by("pk").first()
    field_staff = list(
        User.objects.filter(unit=field_unit, groups__name=Role.SOCIAL_WORKER, is_active=True).order_by("username")
    )
    if not field_staff:
        raise SystemExit("Fältverksamheten saknar personal: generera data igen.")
    districts = [str(pk) for pk in provider.municipality.districts.order_by("name").values_list("pk", flat=True)]
    field = [
        (
            user,
            {
                "username": user.username,
                "staff": [str(user.pk), str(field_staff[(i + 1) % len(field_staff)].pk)],
                "districts": districts,
            },
        )
        for i, user in enumerate(field_staff)
    ]

    # samordnare: those of the provider who coordinate open plans, each on their own plans
    open_plans = Plan.objects.filter(case__closed_on__isnull=True).order_by("case__number")
    coordinators = User.objects.filter(groups__name=Role.COORDINATOR, unit__provider=provider).filter(
        Exists(open_plans.filter(coordinator=OuterRef("pk")))
    )
    coordinating = []
    for user in coordinators.order_by("username"):
        plans = open_plans.filter(coordinator=user)
        rows = [{"id": str(pk), "number": number} for pk, number in plans.values_list("id", "case__number")[:50]]
        coordinating.append((user, {"username": user.username, "plans": rows}))
    if not coordinating:
        raise SystemExit("Ingen samordnare har en öppen genomförandeplan: generera data igen.")

    # enhetschef: bench.chef; loggkontroll of a colleague's last month, the stored half-year report
    manager = User.objects.get(username=BENCH_MANAGER)
    since, until = DEFAULT_UNTIL - datetime.timedelta(days=30), DEFAULT_UNTIL - datetime.timedelta(days=1)
    # bounds on the column itself (not its date), so the (user, at) index answers at L too
    logged = AccessLog.objects.filter(
        user_id=OuterRef("pk"), at__gte=_day_start(since), at__lt=_day_start(until + datetime.timedelta(days=1))
    )
    log_users = User.objects.filter(unit=unit).filter(Exists(logged)).order_by("username")[:20]
    log_queries = [
        {"user": str(pk), "since": since.isoformat(), "until": until.isoformat()}
        for pk in log_users.values_list("pk", flat=True)
    ]
    if not log_queries:
        raise SystemExit("Inga loggrader för enhetens personal den sista månaden: generera data igen.")
    managing = [
        (manager, {"username": manager.username, "log_queries": log_queries, "report": _stored_report(manager)})
    ]

    # statistics: a BI client's key for the municipality (a new key per run; the plain key is shown only once)
    stats_user = User.objects.get(username=BENCH_STATISTICS)
    _token, key = api_token_create(
        actor=None, name="make loadtest", scope="statistics", user=stats_user, municipality=provider.municipality
    )

    accounts: dict[str, list[tuple[Any, dict]]] = {
        "socialsekreterare": workers,
        "faltarbetare": field,
        "samordnare": coordinating,
        "enhetschef": managing,
    }
    roles: dict[str, dict] = {
        role: {
            "accounts": [data for _user, data in rows],
            "sessions": [
                {"account": i % len(rows), "session": _session_for(rows[i % len(rows)][0])} for i in range(sessions)
            ],
        }
        for role, rows in accounts.items()
    }
    roles["statistik"] = {
        "accounts": [{"username": stats_user.username, "token": key}],
        "sessions": [{"account": 0, "session": ""}],  # the key is its credential
    }

    people = Person.objects.filter(unit=unit, protection="").order_by("id_number")[:300]
    queries = []
    for i, person in enumerate(people):
        kind = i % 4
        if kind == 0:
            queries.append({"q": person.last_name, "expect": person.last_name})
        elif kind == 1:
            queries.append({"q": f"{person.first_name} {person.last_name}", "expect": person.last_name})
        elif kind == 2:
            queries.append({"q": person.id_number, "expect": f"{person.first_name} {person.last_name}"})
        else:
            part = person.last_name[1:5] if len(person.last_name) > 5 else person.last_name
            queries.append({"q": part, "expect": part})
    months = [(DEFAULT_UNTIL.replace(day=1) - datetime.timedelta(days=31 * n)).strftime("%Y-%m") for n in range(6)]
    inputs = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "year": DEFAULT_UNTIL.year,
        "roles": roles,
        "queries": queries,
        "field_months": months,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(inputs), encoding="utf-8")
    return inputs
