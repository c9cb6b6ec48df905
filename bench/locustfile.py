"""Locust users for `make loadtest`: a day's work of every role against gunicorn (bench/loadtest.py runs it).

Each virtual user is one person of one role, signed in with a session of their own that the runner created
(logins are not part of the mix), clicking every LOADTEST_WAIT seconds (0.5–1.5 s by default; 10–30 s in the
think-time run). How many users each role gets follows ROLE_SHARES, at least one each (LOADTEST_STEP_USERS is
the step's total); within a role the request types follow their weights. Every request checks that it got the right
answer (status, and a marker of the page or the redirect's target), not only a 200.

Each request's time, outcome and the server's Server-Timing header (CPU and SQL time, bench/middleware.py) are
recorded; on exit the samples go to LOADTEST_SAMPLES as JSON with the measuring window (LOADTEST_MEASURE seconds
from LOADTEST_WARMUP seconds after the start) for the runner to aggregate. Inputs come from LOADTEST_INPUTS, written by
the runner from the database: this file never imports Django (locust runs under gevent).
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import json
import os
import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gevent
from locust import HttpUser, between, events, task

INPUTS: dict[str, Any] = json.loads(open(os.environ["LOADTEST_INPUTS"], encoding="utf-8").read())  # noqa: SIM115
WAIT_LOW, WAIT_HIGH = (float(part) for part in os.environ.get("LOADTEST_WAIT", "0.5,1.5").split(","))
WAIT = between(WAIT_LOW, WAIT_HIGH)
WARMUP_SECONDS = float(os.environ.get("LOADTEST_WARMUP", "10"))
MEASURE_SECONDS = float(os.environ.get("LOADTEST_MEASURE", "45"))
SKIP = {key.strip() for key in os.environ.get("LOADTEST_SKIP", "").split(",") if key.strip()}
TOUR = os.environ.get("LOADTEST_TOUR") == "1"
TIMEOUT_SECONDS = 30  # a request that takes longer is an error, not a sample lost when the step stops

# Share of the users per role: mostly socialsekreterare, as in a unit's day.
ROLE_SHARES = {"socialsekreterare": 70, "enhetschef": 10, "samordnare": 8, "faltarbetare": 7, "statistik": 5}


@dataclass(frozen=True)
class RequestType:
    key: str  # for --skip and the JSON
    name: str  # what the tables show
    role: str
    weight: int  # within the role
    run: Callable[[Any], None]


# -- checks ---------------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without diacritics: the search matches names that way (cases.search_names.fold)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _page(
    user: Any, path: str, name: str, markers: list[str], params: dict | None = None, *, absent: tuple[str, ...] = ()
) -> None:
    """GET a page and check it is the page asked for: 200, not redirected (to the login page), its markers there
    and none of the texts it shows when it has nothing (`absent`)."""
    with user.client.get(path, params=params, name=name, catch_response=True, timeout=TIMEOUT_SECONDS) as response:
        if response.history:
            response.failure(f"omdirigerad till {response.url}")
        elif response.status_code != 200:
            response.failure(f"status {response.status_code}")
        elif missing := [marker for marker in markers if marker not in response.text]:
            response.failure(f"saknar {missing[0]!r}")
        elif shown := [text for text in absent if text in response.text]:
            response.failure(f"visar {shown[0]!r}")
        else:
            response.success()


def _post(user: Any, path: str, name: str, data: dict, *, redirect_to: str) -> None:
    """POST a form and check it was accepted: 302 to where the saved row is shown (a refused form is a 400)."""
    token = user.client.cookies.get("csrftoken", "")
    with user.client.post(
        path,
        {**data, "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token},
        name=name,
        allow_redirects=False,
        catch_response=True,
        timeout=TIMEOUT_SECONDS,
    ) as response:
        location = response.headers.get("Location", "")
        if response.status_code != 302:
            response.failure(f"status {response.status_code}")
        elif redirect_to not in location:
            response.failure(f"omdirigerad till {location}, väntade {redirect_to}")
        else:
            response.success()


# -- socialsekreterare ------------------------------------------------------------------------------------------


def my_cases(user: Any) -> None:
    _page(user, "/", "Mina ärenden", ["<h1>Mina ärenden</h1>"])


def case_page(user: Any) -> None:
    case = user.rng.choice(user.account["cases"])
    _page(user, f"/arenden/{case['id']}/", "Ärendesida", [f"<h1>Ärende {case['number']}</h1>"])


def person_page(user: Any) -> None:
    person = user.rng.choice(user.account["people"])
    _page(user, f"/personer/{person['id']}/", "Personsida", [f"<h1>{person['name']}</h1>"])


def search(user: Any) -> None:
    query = user.rng.choice(INPUTS["queries"])
    token = user.client.cookies.get("csrftoken", "")
    with user.client.post(
        "/sok/",
        {"q": query["q"], "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token},
        name="Sök person",
        catch_response=True,
        timeout=TIMEOUT_SECONDS,
    ) as response:
        # the hits only: the form above them shows the search term again
        hits = response.text.partition('id="search-hits"')[2]
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")
        elif not re.search(r"\d+ träffa?r?</caption>", hits):
            response.failure("inga träffar")
        elif _fold(query["expect"]) not in _fold(hits):
            response.failure("träffarna saknar den sökta personen")
        else:
            response.success()


def insats_page(user: Any) -> None:
    case = user.rng.choice(user.account["insats_cases"])
    markers = [f"ärende {case['number']} –", "Registrera utförda timmar"]  # the page of the case, with the form
    _page(user, f"/insatser/arende/{case['id']}/", "Insatssida (ungdomstjänst)", markers)


def journal_draft(user: Any) -> None:
    case = user.rng.choice(user.account["cases"])
    today = datetime.date.today().isoformat()
    data = {"kind": "samtal", "occurred_on": today, "text": "Samtal med ungdomen (lasttest)."}
    path, shown = f"/arenden/{case['id']}/anteckningar/", f"/arenden/{case['id']}/#anteckning-"
    _post(user, path, "Journalanteckning: spara utkast", data, redirect_to=shown)


def community_service_hours(user: Any) -> None:
    case = user.rng.choice(user.account["insats_cases"])
    data = {
        "workplace": case["workplace"],
        "performed_on": datetime.date.today().isoformat(),
        "hours": "1,5",
        "note": "Lasttest: extra tillfälle.",  # a note lets the hours pass the ordered total
        "confirm_duplicate": "on",  # the same occasion again is on purpose here
    }
    path = f"/insatser/arende/{case['id']}/timmar/"
    shown = f"/insatser/arende/{case['id']}/#ungdomstjanst"
    _post(user, path, "Ungdomstjänst: registrera timmar", data, redirect_to=shown)


# -- fältverksamhet --------------------------------------------------------------------------------------------


def field_shifts(user: Any) -> None:
    markers = ["<h1>Fältverksamhet: passlogg</h1>"]
    _page(user, "/insatser/falt/", "Fältpass", markers, absent=("Inga pass registrerade.",))


def field_shift_record(user: Any) -> None:
    account = user.account
    met = user.rng.randint(0, 30)
    data = {
        "worked_on": datetime.date.today().isoformat(),
        "starts_at": "18:00",
        "ends_at": "23:00",
        "district": user.rng.choice(account["districts"]),
        "area": "Centrum (lasttest)",
        "staff": account["staff"],
        "youths_met": met,
        "youths_talked": user.rng.randint(0, met),
        "notes": "Lugn kväll.",
        "confirm_duplicate": "on",
    }
    _post(user, "/insatser/falt/", "Fältpass: registrera", data, redirect_to="/insatser/falt/")


def field_month(user: Any) -> None:
    month = user.rng.choice(INPUTS["field_months"])
    markers = ["Fältverksamhet per månad", "Per område</caption>"]
    params = {"manad": month}
    _page(user, "/insatser/falt/manad/", "Fältverksamhet per månad", markers, params, absent=("Inga pass den här",))


# -- samordnare ------------------------------------------------------------------------------------------------


def planning(user: Any) -> None:
    _page(user, "/insatser/planering/", "Planering", ["<h1>Planering</h1>", "Att göra för "])


def plan_page(user: Any) -> None:
    plan = user.rng.choice(user.account["plans"])
    markers = [f"Genomförandeplan – {plan['number']}", "Mål och aktiviteter"]
    _page(user, f"/insatser/plan/{plan['id']}/", "Genomförandeplan", markers)


# -- enhetschef -------------------------------------------------------------------------------------------------


def caseload(user: Any) -> None:
    markers = ["Ärendebelastning per handläggare</h1>", "Öppna ärenden och att göra per handläggare</caption>"]
    _page(user, "/insatser/arendebelastning/", "Ärendebelastning", markers)


def follow_up_start(user: Any) -> None:
    _page(user, "/uppfoljning/", "Uppföljning: startsida", ["<h1>Uppföljning till nämnden</h1>"])


def agreements(user: Any) -> None:
    _page(user, "/uppfoljning/overenskommelser/", "Överenskommelser", ["Avtalad volym per insats och år"])


def access_log_review(user: Any) -> None:
    query = user.rng.choice(user.account["log_queries"])
    markers = ["<h1>Loggkontroll</h1>", "Åtkomstlogg</caption>"]
    _page(user, "/loggkontroll/", "Loggkontroll: medarbetare", markers, query)


def follow_up_report(user: Any) -> None:
    report = user.account["report"]
    markers = [f"<h1>Uppföljning {report['period']}</h1>", "Volymer mot överenskommelsen"]
    _page(user, f"/uppfoljning/rapporter/{report['id']}/", "Uppföljningsrapport", markers)


# -- statistics API client ---------------------------------------------------------------------------------------


def _api(user: Any, path: str, name: str, params: dict, key: str) -> None:
    headers = {"Authorization": f"Bearer {user.account['token']}"}
    with user.client.get(
        path, params=params, headers=headers, name=name, catch_response=True, timeout=TIMEOUT_SECONDS
    ) as response:
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")
        elif not response.json().get(key):
            response.failure(f"svaret saknar {key!r}")
        else:
            response.success()


def statistics_cases(user: Any) -> None:
    params = {
        "measure": user.rng.choice(["new", "closed", "open"]),
        "period": user.rng.choice(["month", "quarter", "half_year"]),
        "year": INPUTS["year"],
        "group_by": user.rng.choice(["insats", "district", "age_band", "gender"]),
    }
    _api(user, "/api/v1/statistics/cases/", "Statistik-API: ärenden", params, "buckets")


def statistics_agreements(user: Any) -> None:
    params = {"year": INPUTS["year"], "half": user.rng.choice([1, 2])}
    _api(user, "/api/v1/statistics/agreements/", "Statistik-API: överenskommelser", params, "agreements")


REQUEST_TYPES = [
    RequestType("mina_arenden", "Mina ärenden", "socialsekreterare", 24, my_cases),
    RequestType("arendesida", "Ärendesida", "socialsekreterare", 22, case_page),
    RequestType("personsida", "Personsida", "socialsekreterare", 8, person_page),
    RequestType("sok", "Sök person", "socialsekreterare", 14, search),
    RequestType("insatssida", "Insatssida (ungdomstjänst)", "socialsekreterare", 10, insats_page),
    RequestType("anteckning", "Journalanteckning: spara utkast", "socialsekreterare", 14, journal_draft),
    RequestType("timmar", "Ungdomstjänst: registrera timmar", "socialsekreterare", 8, community_service_hours),
    RequestType("faltpass", "Fältpass", "faltarbetare", 45, field_shifts),
    RequestType("faltpass_ny", "Fältpass: registrera", "faltarbetare", 20, field_shift_record),
    RequestType("falt_manad", "Fältverksamhet per månad", "faltarbetare", 35, field_month),
    RequestType("planering", "Planering", "samordnare", 40, planning),
    RequestType("plan", "Genomförandeplan", "samordnare", 60, plan_page),
    RequestType("arendebelastning", "Ärendebelastning", "enhetschef", 30, caseload),
    RequestType("uppfoljning", "Uppföljning: startsida", "enhetschef", 15, follow_up_start),
    RequestType("overenskommelser", "Överenskommelser", "enhetschef", 10, agreements),
    RequestType("loggkontroll", "Loggkontroll: medarbetare", "enhetschef", 30, access_log_review),
    RequestType("rapport", "Uppföljningsrapport", "enhetschef", 15, follow_up_report),
    RequestType("statistik_arenden", "Statistik-API: ärenden", "statistik", 70, statistics_cases),
    RequestType("statistik_avtal", "Statistik-API: överenskommelser", "statistik", 30, statistics_agreements),
]
ACTIVE = [t for t in REQUEST_TYPES if t.key not in SKIP]


def role_counts(users: int) -> dict[str, int]:
    """Users per role for a step of `users`: one each for the roles that have requests, the rest by share."""
    roles = [role for role in ROLE_SHARES if any(t.role == role for t in ACTIVE)]
    counts = dict.fromkeys(roles, 1 if users >= len(roles) else 0)
    left = users - sum(counts.values())
    total = sum(ROLE_SHARES[role] for role in roles)
    exact = {role: left * ROLE_SHARES[role] / total for role in roles}
    for role in roles:
        counts[role] += int(exact[role])
    for role in sorted(roles, key=lambda r: exact[r] - int(exact[r]), reverse=True)[: users - sum(counts.values())]:
        counts[role] += 1
    return counts


COUNTS = role_counts(int(os.environ.get("LOADTEST_STEP_USERS", "0")))
_slots: dict[str, Iterator[int]] = {role: itertools.count() for role in ROLE_SHARES}


class Person(HttpUser):
    """One signed-in person of `role`. `first_page` is the page they open first (it also sets the CSRF cookie); then
    each click is one of the role's request types, drawn by weight. With LOADTEST_TOUR they first open every type of
    the role once, back to back, before the mix: a stop lets a user finish its start, so even a short run checks
    every type."""

    abstract = True
    role = ""
    wait_time = WAIT

    def on_start(self) -> None:
        role = INPUTS["roles"][self.role]
        n = next(_slots[self.role])
        slot = role["sessions"][n % len(role["sessions"])]
        self.account = role["accounts"][slot["account"]]
        self.rng = random.Random(f"{self.role}-{n}")  # each user its own, repeatable choices
        self.types = [t for t in ACTIVE if t.role == self.role]
        # people arrive spread over one wait, not all in the instant locust starts them (a burst that the warm-up
        # would still be queueing behind in the think-time run); a tour checks at once
        gevent.sleep(0 if TOUR else self.rng.uniform(0, WAIT_HIGH))
        if slot["session"]:
            self.client.cookies.set(INPUTS["session_cookie"], slot["session"])
            self.first_page()
        for request_type in self.types if TOUR else []:
            self.current = request_type
            request_type.run(self)

    def first_page(self) -> None:
        pass

    @task
    def click(self) -> None:
        request_type = self.rng.choices(self.types, [t.weight for t in self.types])[0]
        self.current = request_type
        request_type.run(self)


def _has_requests(role: str) -> bool:
    """A role whose request types are all skipped (--skip) is left out (locust ignores abstract classes)."""
    return any(t.role == role for t in ACTIVE)


class SocialWorker(Person):
    role = "socialsekreterare"
    abstract = not _has_requests(role)
    fixed_count = COUNTS.get(role, 0)
    first_page = my_cases


class FieldWorker(Person):
    role = "faltarbetare"
    abstract = not _has_requests(role)
    fixed_count = COUNTS.get(role, 0)
    first_page = field_shifts


class Coordinator(Person):
    role = "samordnare"
    abstract = not _has_requests(role)
    fixed_count = COUNTS.get(role, 0)
    first_page = planning


class Manager(Person):
    role = "enhetschef"
    abstract = not _has_requests(role)
    fixed_count = COUNTS.get(role, 0)
    first_page = caseload


class StatisticsClient(Person):
    """A BI tool with a statistics key for the municipality (no session)."""

    role = "statistik"
    abstract = not _has_requests(role)
    fixed_count = COUNTS.get(role, 0)


# -- recording --------------------------------------------------------------------------------------------------

SAMPLES: list[list[Any]] = []
WINDOW: dict[str, float] = {}


def _server_timing(response: Any) -> dict[str, float]:
    """{"cpu": ms, "db": ms, "sql": n, "app": ms} from `cpu;dur=1.2, db;dur=0.4, sql;desc="3", app;dur=2.0`."""
    header = response.headers.get("Server-Timing", "") if response is not None else ""
    values: dict[str, float] = {}
    for metric in header.split(","):
        name, *params = (part.strip() for part in metric.split(";"))
        for param in params:
            key, _eq, value = param.partition("=")
            if key in ("dur", "desc"):
                with contextlib.suppress(ValueError):
                    values[name] = float(value.strip('"'))
    return values


@events.test_start.add_listener
def _started(environment: Any, **_kwargs: Any) -> None:
    WINDOW["started"] = time.time()
    # The run ends with the window, timed from here: locust's --run-time starts before its own set-up, which takes
    # seconds on a busy machine (the runner gives --run-time only as a backstop).
    gevent.spawn_later(WARMUP_SECONDS + MEASURE_SECONDS, environment.runner.quit)


@events.test_stopping.add_listener
def _stopping(**_kwargs: Any) -> None:
    WINDOW["stopping"] = time.time()


@events.request.add_listener
def _record(name: str, response_time: float, response: Any, exception: Any, start_time: float, **_kw: Any) -> None:
    timing = _server_timing(response)
    SAMPLES.append(
        [
            name,
            round(start_time, 3),
            round(response_time, 2),
            exception is None,
            "" if exception is None else str(exception)[:200],
            timing.get("cpu"),
            timing.get("db"),
            timing.get("sql"),
            timing.get("app"),
        ]
    )


@events.user_error.add_listener
def _broken(user_instance: Any, exception: Exception, tb: Any, **_kw: Any) -> None:
    """An exception in this file's request code (bad input data, say) is an error of that request type too."""
    current = getattr(user_instance, "current", None)
    name = current.name if current is not None else "(start)"
    SAMPLES.append([name, round(time.time(), 3), 0.0, False, f"fel i lasttestet: {exception!r}"[:200]] + [None] * 4)


@events.quitting.add_listener
def _write(**_kwargs: Any) -> None:
    started = WINDOW.get("started", time.time())
    window_start = started + WARMUP_SECONDS
    result = {
        "window_start": window_start,
        "window_end": min(WINDOW.get("stopping", time.time()), window_start + MEASURE_SECONDS),
        "roles": COUNTS,
        "types": [[t.key, t.name, t.role] for t in ACTIVE],
        "fields": ["name", "start", "ms", "ok", "error", "cpu_ms", "db_ms", "sql", "app_ms"],
        "samples": SAMPLES,
    }
    with open(os.environ["LOADTEST_SAMPLES"], "w", encoding="utf-8") as handle:
        json.dump(result, handle)
