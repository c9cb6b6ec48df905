"""The operations `make bench` measures, each with its target and, where the operation is
database-bound, the same aggregate as raw SQL.

Each setup finds the product code it needs (a URL name, a module function); when that code does not
exist yet it raises Missing and the table says "saknas". Inputs vary per repetition (different cases,
people, numbers, names) from a deterministic sample of the generated data, so no repetition is a
cache hit of the previous one; nothing is cached by the benchmark.
"""

from __future__ import annotations

import datetime
import importlib
import random
import time
import uuid
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import NoReverseMatch, reverse

from bench.harness import Missing, Operation, Prepared, statements_of
from cases.models import Case, InsatsCode, InsatsType, Person
from cases.search_names import fold
from cases.selectors import TRIGRAM_MIN_LENGTH
from core.models import Provider, Unit, User
from devdata.datagen import BENCH_HANDLER, BENCH_MANAGER, BENCH_STATISTICS, DEFAULT_UNTIL, RowWriter
from devdata.identity import personnummer

SAMPLE = 400  # distinct inputs per operation (repetitions cycle through them)


@dataclass
class Context:
    """The generated data's bench personas and deterministic input samples."""

    until: datetime.date
    handler: User
    manager: User
    statistics: User
    unit: Unit
    provider: Provider
    case_ids: list[uuid.UUID]
    people: list[tuple[uuid.UUID, str, str, str]]  # (id, id_number, first_name, last_name), visible to handler
    log_people: list[uuid.UUID]
    log_users: list[int]
    period_start: datetime.date
    period_end: datetime.date
    import_rows: int = 10_000
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, user: User) -> Client:
        if user.username not in self.clients:
            client = Client(raise_request_exception=True)
            client.force_login(user)
            self.clients[user.username] = client
        return self.clients[user.username]


def build_context(*, until: datetime.date = DEFAULT_UNTIL, seed: int = 8) -> Context:
    """Pick the bench personas and deterministic samples (a seeded shuffle of ids ordered in the database)."""
    rng = random.Random(seed)
    try:
        handler = User.objects.select_related("unit__provider").get(username=BENCH_HANDLER)
        manager = User.objects.get(username=BENCH_MANAGER)
        statistics = User.objects.get(username=BENCH_STATISTICS)
    except User.DoesNotExist:
        raise SystemExit("Benchmarkdata saknas: kör `manage.py generate_data --scale S` först.") from None
    unit = handler.unit
    if unit is None:
        raise SystemExit(f"{BENCH_HANDLER} saknar enhet: kör `manage.py generate_data --scale S` igen.")
    case_ids = list(Case.objects.filter(unit=unit).order_by("number").values_list("id", flat=True)[:20_000])
    rng.shuffle(case_ids)
    people = list(
        Person.objects.filter(unit=unit, protection="")
        .order_by("id_number")
        .values_list("id", "id_number", "first_name", "last_name")[:20_000]
    )
    rng.shuffle(people)
    log_people = [row[0] for row in people[:SAMPLE]]
    log_users = list(User.objects.filter(unit=unit).order_by("id").values_list("id", flat=True))
    rng.shuffle(log_users)
    half = 1 if until.month <= 6 else 2
    period_start = datetime.date(until.year, 1 if half == 1 else 7, 1)
    period_end = datetime.date(until.year, 6, 30) if half == 1 else datetime.date(until.year, 12, 31)
    return Context(
        until=until,
        handler=handler,
        manager=manager,
        statistics=statistics,
        unit=unit,
        provider=unit.provider,
        case_ids=case_ids[:SAMPLE],
        people=people[:SAMPLE],
        log_people=log_people,
        log_users=log_users,
        period_start=period_start,
        period_end=period_end,
    )


# -- helpers ------------------------------------------------------------------------------------------


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        raise Missing(f"ingen URL med namnet {name!r}") from None


def _first_url(names: list[str], **kwargs) -> tuple[str, str]:
    for name in names:
        try:
            return name, reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    raise Missing("ingen av URL-namnen " + ", ".join(names))


def _attr(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise Missing(f"{module}.{name} finns inte") from None


def _get(client: Client, url: str, data: dict | None = None, *, expect: int = 200):
    response = client.get(url, data or {})
    if response.status_code != expect:
        raise AssertionError(f"GET {url} gav {response.status_code}, väntade {expect}")
    # stream/iterate the whole body as a browser would (PDFs, exports)
    if isinstance(response, StreamingHttpResponse):
        b"".join(response.streaming_content)
    return response


def _post(client: Client, url: str, data: dict, *, expect: int = 200):
    """A form POST answered with a page (the search: what is typed never goes in the address)."""
    response = client.post(url, data)
    if response.status_code != expect:
        raise AssertionError(f"POST {url} gav {response.status_code}, väntade {expect}")
    return response


def _uuid_param(value: uuid.UUID):
    return value if connection.vendor == "postgresql" else value.hex


def _sql(statement: str, params_for):
    """A raw-SQL timing call: one cursor, all rows fetched."""

    def run(i: int):
        with connection.cursor() as cursor:
            cursor.execute(statement, params_for(i))
            return cursor.fetchall()

    return run


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


# Visibility of a case for a user, as cases.selectors.case_queryset_for_user writes it.
CASE_VISIBLE = (
    "(c.unit_id = %s OR EXISTS (SELECT 1 FROM cases_caseuserobjectpermission g JOIN auth_permission ap "
    "ON ap.id = g.permission_id WHERE g.user_id = %s AND ap.codename = 'view_case' AND g.content_object_id = c.id))"
)
PERSON_VISIBLE = (
    "(p.unit_id = %s OR EXISTS (SELECT 1 FROM cases_case c WHERE c.person_id = p.id AND " + CASE_VISIBLE + "))"
)


# -- the operations ------------------------------------------------------------------------------------


def _page_statements(client: Client, url: str, data: dict) -> list[str]:
    """The SQL one GET of the page issues, as sent (parameters bound), without transaction control."""
    return statements_of(lambda: _get(client, url, data))


def _replay(statements: list[str]):
    """Run a page's own statements on one cursor in one transaction, rolled back (its access-log rows too)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            if cursor.description is not None:
                cursor.fetchall()
        transaction.set_rollback(True)


def case_list(ctx: Context) -> Prepared:
    url = _url("home")
    client = ctx.client(ctx.handler)
    orders = ["follow_up", "opened", "person", "insats", "number", "days"]
    # the raw SQL does the page's own work: its statements (list, counts, the to-do list, access log, session)
    # captured once per sort order and replayed, so app ÷ SQL is what Python adds on top of the same queries
    statements = [_page_statements(client, url, {"sortera": order}) for order in orders]

    return Prepared(
        app=lambda i: _get(client, url, {"sortera": orders[i % len(orders)]}),
        sql=lambda i: _replay(statements[i % len(statements)]),
        via="GET / (Mina ärenden: egna öppna ärenden, sorterade, 25 per sida, och att göra-listan)",
        note=f"rå SQL = sidans egna {len(statements[0])} satser, återspelade på en markör",
    )


def case_page(ctx: Context) -> Prepared:
    if not ctx.case_ids:
        raise Missing("inga ärenden i benchmarkenheten")
    _url("case_detail", case_id=ctx.case_ids[0])
    client = ctx.client(ctx.handler)
    urls = [reverse("case_detail", kwargs={"case_id": case_id}) for case_id in ctx.case_ids]
    return Prepared(app=lambda i: _get(client, urls[i % len(urls)]), via="GET /arenden/<uuid>/")


def _number_forms(number: str) -> list[str]:
    """The common ways a personnummer is typed: 12 or 10 digits, with or without the dash."""
    if len(number) != 12 or not number.isdigit():
        return [number]
    return [f"{number[:8]}-{number[8:]}", number, f"{number[2:8]}-{number[8:]}", number[2:]]


def personnummer_lookup(ctx: Context) -> Prepared:
    url = _url("person_search")
    client = ctx.client(ctx.handler)
    forms = [_number_forms(number) for _id, number, _f, _l in ctx.people]
    queries = [options[i % len(options)] for i, options in enumerate(forms)]  # a reservnummer has one form
    sql = (
        "SELECT p.id, p.first_name, p.last_name, p.protection FROM cases_person p "
        f"WHERE p.id_number = %s AND {PERSON_VISIBLE} ORDER BY p.last_name, p.first_name LIMIT 50"
    )
    return Prepared(
        app=lambda i: _post(client, url, {"q": queries[i % len(queries)]}),
        sql=_sql(sql, lambda i: [ctx.people[i % len(ctx.people)][1], ctx.unit.pk, ctx.unit.pk, ctx.handler.pk]),
        via="POST /sok/ q=<personnummer i 10 eller 12 siffror>",
    )


def _name_queries(ctx: Context) -> list[str]:
    """Realistic typed names: a whole last name, first + last, or a part of the last name (infix)."""
    queries = []
    for i, (_id, _number, first, last) in enumerate(ctx.people):
        kind = i % 3
        if kind == 0:
            queries.append(last)
        elif kind == 1:
            queries.append(f"{first} {last}")
        else:
            queries.append(last[1:5] if len(last) > 5 else last)
    return queries


def name_search(ctx: Context) -> Prepared:
    url = _url("person_search")
    client = ctx.client(ctx.handler)
    queries = _name_queries(ctx)

    def raw(i):
        # the selector's shape: the first 50 by name in the unit's name index, plus granted cases' people,
        # then the visibility rule on those few
        # names are matched folded (no diacritics), in the index, as the selector does
        terms = [fold(term) for term in queries[i % len(queries)].split()]
        where = " AND ".join(
            ["EXISTS (SELECT 1 FROM cases_searchname x WHERE x.person_id = p.id AND UPPER(x.name) LIKE UPPER(%s))"]
            * len(terms)
        )
        params = [f"%{term}%" for term in terms]
        in_unit = " AND ".join(
            "UPPER(s.name) LIKE UPPER(%s)"
            if len(term) >= TRIGRAM_MIN_LENGTH
            else "(UPPER(s.first_name) LIKE UPPER(%s) OR UPPER(s.last_name) LIKE UPPER(%s))"
            for term in terms
        )
        in_unit_params = [f"%{term}%" for term in terms for _side in range(1 if len(term) >= TRIGRAM_MIN_LENGTH else 2)]
        candidates = (
            f"SELECT hits.person_id FROM (SELECT s.person_id FROM cases_searchname s "
            f"WHERE s.unit_id = CAST(%s AS BIGINT) AND {in_unit} "
            "ORDER BY s.last_name, s.first_name, s.person_id LIMIT 50) hits UNION "
            "SELECT c.person_id FROM cases_case c JOIN cases_caseuserobjectpermission g ON g.content_object_id = c.id "
            "JOIN auth_permission ap ON ap.id = g.permission_id WHERE g.user_id = %s AND ap.codename = 'view_case'"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id, p.first_name, p.last_name, p.protection FROM cases_person p "
                f"WHERE p.id IN ({candidates}) AND {where} AND {PERSON_VISIBLE} "
                "ORDER BY p.last_name, p.first_name, p.id LIMIT 50",
                [
                    ctx.unit.pk,
                    *in_unit_params,
                    ctx.handler.pk,
                    *params,
                    ctx.unit.pk,
                    ctx.unit.pk,
                    ctx.handler.pk,
                ],
            )
            return cursor.fetchall()

    return Prepared(
        app=lambda i: _post(client, url, {"q": queries[i % len(queries)]}),
        sql=raw,
        via="POST /sok/ q=<namn eller del av namn>",
    )


STATS_URL_NAMES = ["api_statistics_cases"]


def _statistics_sql(*, municipality: bool) -> str:
    """A live aggregate of the numbers the request publishes: new cases per month and distinct people per
    month, quarter, half-year and year, in total and per insats (the cube the suppression is decided on).
    On SQLite (no GROUPING SETS) the distinct people per month and insats."""
    scope = "AND pr.municipality_id = %s" if municipality else ""
    joins = "FROM cases_case c JOIN core_unit u ON u.id = c.unit_id JOIN core_provider pr ON pr.id = u.provider_id"
    if connection.vendor != "postgresql":
        return (
            "SELECT strftime('%%Y-%%m', c.opened_on), c.insats_type_id, COUNT(DISTINCT c.person_id) "
            f"{joins} WHERE c.opened_on BETWEEN %s AND %s {scope} GROUP BY 1, 2"
        )
    return (
        "SELECT c.insats_type_id, EXTRACT(MONTH FROM c.opened_on)::int AS m, "
        "(EXTRACT(MONTH FROM c.opened_on)::int + 2) / 3 AS q, (EXTRACT(MONTH FROM c.opened_on)::int + 5) / 6 AS h, "
        f"COUNT(*), COUNT(DISTINCT c.person_id) {joins} WHERE c.opened_on BETWEEN %s AND %s {scope} "
        "GROUP BY GROUPING SETS ((m), (q), (h), (), (c.insats_type_id, m), (c.insats_type_id, q), "
        "(c.insats_type_id, h), (c.insats_type_id))"
    )


def _statistics(ctx: Context, *, municipality: bool) -> Prepared:
    name, url = _first_url(STATS_URL_NAMES)
    client = ctx.client(ctx.statistics)
    headers = {}
    via = f"GET {url} som statistikanvändare utan enhet (hela landet), session"
    if municipality:
        # a statistics token limited to one municipality, as a kommunledning BI client would use
        api_token_create = _attr("api.services", "api_token_create")
        _token, key = api_token_create(
            actor=None,
            name="make bench",
            scope="statistics",
            user=ctx.statistics,
            municipality=ctx.provider.municipality,
        )
        client = Client(raise_request_exception=True)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        via = f"GET {url} med statistiknyckel för en kommun"
    year = ctx.period_end.year
    params = {"measure": "new", "period": "half_year", "year": year, "group_by": "insats"}
    sql_params: list[datetime.date | int] = [datetime.date(year, 1, 1), datetime.date(year, 12, 31)]
    if municipality:
        sql_params.append(ctx.provider.municipality_id)

    def app(i):
        response = client.get(url, params, **headers)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} gav {response.status_code}")
        return response

    return Prepared(
        app=app,
        sql=_sql(_statistics_sql(municipality=municipality), lambda i: sql_params),
        via=via + " (nya ärenden per halvår och insats)",
    )


def statistics_municipality(ctx: Context) -> Prepared:
    return _statistics(ctx, municipality=True)


def statistics_national(ctx: Context) -> Prepared:
    return _statistics(ctx, municipality=False)


def _follow_up(ctx: Context, period_for, via: str) -> Prepared:
    """The follow-up figures of one provider, compared with raw SQL that runs the same aggregates: the report's own
    statements (its totals, volumes, groups and sections, this period and the year before) captured once and
    replayed, so app ÷ SQL is what Python adds on top of the same queries (suppression, tables, labels)."""
    follow_up = _attr("reporting.figures", "follow_up")
    scope = _attr("reporting.figures", "Scope")(provider_id=ctx.provider.pk)
    period = period_for(_attr("reporting.figures", "Period"))
    today = ctx.until + datetime.timedelta(days=1)

    def app(i):
        return follow_up(period, scope, today=today)

    statements = statements_of(lambda: app(0))
    return Prepared(
        app=app,
        sql=lambda i: _replay(statements),
        via=via,
        note=f"rå SQL = rapportens egna {len(statements)} satser, återspelade på en markör",
    )


def follow_up_figures(ctx: Context) -> Prepared:
    half = 1 if ctx.period_start.month == 1 else 2
    return _follow_up(
        ctx,
        lambda period: period.half_year(ctx.period_start.year, half),
        "reporting.figures.follow_up (halvår + samma halvår året innan, en utförare)",
    )


def follow_up_year(ctx: Context) -> Prepared:
    return _follow_up(
        ctx,
        lambda period: period.year(ctx.period_start.year - 1),
        "reporting.figures.follow_up (helt år + året innan, en utförare)",
    )


def follow_up_national(ctx: Context) -> Prepared:
    """The follow-up's counts for the whole country (what a national follow-up adds up: totals, per insats, area,
    age band and gender, this half-year and the year before), against the same statements replayed."""
    case_counts = _attr("reporting.figures", "case_counts")
    scope = _attr("reporting.figures", "Scope")()
    half = 1 if ctx.period_start.month == 1 else 2
    period = _attr("reporting.figures", "Period").half_year(ctx.period_start.year, half)
    groups: list[list[str]] = [[], ["insats"], ["district"], ["age_band"], ["gender"]]

    def app(i):
        periods = (period, period.previous_year())
        return [case_counts(when, scope, group_by=group) for when in periods for group in groups]

    statements = statements_of(lambda: app(0))
    return Prepared(
        app=app,
        sql=lambda i: _replay(statements),
        via="reporting.figures.case_counts (hela landet: totaler, insats, område, ålder, kön; halvår + året innan)",
        note=f"rå SQL = samma {len(statements)} satser, återspelade på en markör",
    )


def _year_earlier(params: list) -> list:
    return [value.replace(year=value.year - 1) if isinstance(value, datetime.date) else value for value in params]


def half_year_pdf(ctx: Context) -> Prepared:
    """The nämnd PDF as the Celery task renders it: figures for the half-year, then WeasyPrint."""
    render_pdf = _attr("reporting.pdf", "render_pdf")
    follow_up = _attr("reporting.figures", "follow_up")
    period_class = _attr("reporting.figures", "Period")
    scope_class = _attr("reporting.figures", "Scope")
    agreement_for_period = _attr("reporting.selectors", "agreement_for_period")
    half = 1 if ctx.period_start.month == 1 else 2
    period = period_class.half_year(ctx.period_start.year, half)
    scope = scope_class(provider_id=ctx.provider.pk)
    meta = {"reference": "SN 2026/1", "version": 1, "finalised": False, "finalised_on": ""}
    peak = {"mb": 0.0, "bytes": 0}

    def app(i):
        _reset_peak_rss()
        agreement = agreement_for_period(scope=scope, period=period)
        figures = follow_up(period, scope, agreement=agreement, today=ctx.until + datetime.timedelta(days=1))
        pdf = render_pdf(figures.as_dict(), commentary={}, meta=meta)
        peak["mb"] = max(peak["mb"], _peak_rss_mb())
        peak["bytes"] = len(pdf)
        return pdf

    def extra():
        return {
            "peak_rss_mb": round(peak["mb"], 1),
            "pdf_bytes": peak["bytes"],
            "text": f"högsta RSS under rendering {peak['mb']:.0f} MB (mål ≤ 300 MB), PDF {peak['bytes'] // 1024} kB",
            "met_checks": [peak["mb"] <= 300],
        }

    return Prepared(
        app=app,
        via="reporting.figures.follow_up + reporting.pdf.render_pdf (som Celery-uppgiften)",
        reps=5,
        warmup=1,
        note="5 upprepningar (tung operation)",
        extra=extra,
    )


LOGGKONTROLL_URL_NAMES = ["accesslog_review"]


def _loggkontroll(ctx: Context, *, by_person: bool) -> Prepared:
    name, url = _first_url(LOGGKONTROLL_URL_NAMES)
    client = ctx.client(ctx.manager)
    since_person = ctx.until - datetime.timedelta(days=5 * 365)
    since_user = ctx.until - datetime.timedelta(days=30)
    if by_person:
        sql = "SELECT * FROM core_accesslog WHERE person_id = %s AND at >= %s ORDER BY at DESC"

        def params(i):
            return [_uuid_param(ctx.log_people[i % len(ctx.log_people)]), _day_start(since_person)]

        def query(i):
            return {"person": str(ctx.log_people[i % len(ctx.log_people)]), "since": since_person.isoformat()}
    else:
        sql = "SELECT * FROM core_accesslog WHERE user_id = %s AND at >= %s AND at < %s ORDER BY at DESC"

        def params(i):
            return [ctx.log_users[i % len(ctx.log_users)], _day_start(since_user), _day_start(ctx.until)]

        def query(i):
            return {
                "user": ctx.log_users[i % len(ctx.log_users)],
                "since": since_user.isoformat(),
                "until": (ctx.until - datetime.timedelta(days=1)).isoformat(),
            }

    return Prepared(
        app=lambda i: _get(client, url, query(i)),
        sql=_sql(sql, params),
        via=f"GET {url} ({name})",
    )


def loggkontroll_person(ctx: Context) -> Prepared:
    return _loggkontroll(ctx, by_person=True)


def loggkontroll_user(ctx: Context) -> Prepared:
    return _loggkontroll(ctx, by_person=False)


EXTRACT_URL_NAMES = ["person_extract_json"]


def register_extract(ctx: Context) -> Prepared:
    name, _url_probe = _first_url(EXTRACT_URL_NAMES, person_id=ctx.log_people[0])
    client = ctx.client(ctx.manager)
    urls = [reverse(name, kwargs={"person_id": person_id}) for person_id in ctx.log_people]
    return Prepared(app=lambda i: _get(client, urls[i % len(urls)]), via=f"GET /personer/<uuid>/… ({name})")


def _import_people(ctx: Context) -> list[tuple[str, str, str, datetime.date]]:
    """10 000 people who are not in the database: serials 990–999 are never drawn by the generator at S/M."""
    people: list[tuple[str, str, str, datetime.date]] = []
    day = datetime.date(2009, 1, 1)
    while len(people) < ctx.import_rows:
        for serial in range(990, 1000):
            people.append((personnummer(day, serial), f"Import{len(people)}", "Importsson", day))
        day += datetime.timedelta(days=1)
    taken = set(Person.objects.filter(id_number__in=[row[0] for row in people]).values_list("id_number", flat=True))
    return [row for row in people if row[0] not in taken]


IMPORT_REPS = 5


def bulk_import(ctx: Context) -> Prepared:
    """The spreadsheet import of 10 000 people with one case each, in dry-run mode: every row is checked with
    the services' rules (cases.rules), people, cases and history are written (COPY on PostgreSQL), then the
    whole import is rolled back (so it can repeat). The median of five runs after one warm-up counts."""
    cases_import = _attr("cases.importer", "cases_import")
    people = _import_people(ctx)
    district = ctx.unit.provider.municipality.districts.order_by("name").first()
    lines = ["personnummer;förnamn;efternamn;område;insats;aktualiserad;aktualiserad av;grund"]
    opened = ctx.until.isoformat()
    for number, first, last, _born in people:
        lines.append(
            f"{number};{first};{last};{district.name if district else ''};stod_brottsutsatta;{opened};polis;service"
        )
    content = ("\n".join(lines) + "\n").encode("utf-8")
    state = {"rows": 0, "errors": 0}
    # A probe of 1 000 rows first: when the full 10 000 would take more than a minute a repetition, the
    # rate is measured on the probe's size instead (and the note says so); a safeguard for a slow machine.
    probe = min(len(people), 1000)
    started = time.perf_counter()
    cases_import(
        actor=ctx.handler, content=("\n".join(lines[: probe + 1]) + "\n").encode(), filename="p.csv", dry_run=True
    )
    projected = (time.perf_counter() - started) * len(people) / probe
    scaled_note = ""
    if projected > 60:
        scaled_note = f"; mätt på {probe} rader (10 000 skulle ta ≈{projected / 60:.0f} min per upprepning)"
        people = people[:probe]
        content = ("\n".join(lines[: probe + 1]) + "\n").encode("utf-8")

    def app(i):
        result = cases_import(actor=ctx.handler, content=content, filename="import.csv", dry_run=True)
        state["rows"], state["errors"] = result.rows, len(result.errors)
        if result.errors:
            raise AssertionError(f"importen gav {len(result.errors)} radfel, t.ex. {result.errors[0]}")
        return result

    copy_seconds = []

    def copy_same_rows(i):
        """The same people and cases through COPY (PostgreSQL) in a rolled-back transaction."""
        writer = RowWriter()
        rng = random.Random(i)
        insats = InsatsType.objects.get(code=InsatsCode.VICTIM_SUPPORT).pk
        now = datetime.datetime.now(datetime.UTC)
        started = time.perf_counter()
        with transaction.atomic():
            person_rows, case_rows = [], []
            for n, (number, first, last, born) in enumerate(people):
                person_id = f"{rng.getrandbits(128):032x}"
                person_rows.append(
                    (person_id, "personnummer", number, first, last, born, "flicka", "", "", "",
                     district.pk if district else None, "", ctx.unit.pk, now, 1)
                )  # fmt: skip
                case_rows.append(
                    (f"{rng.getrandbits(128):032x}", f"9999-{n:06d}", person_id, insats, ctx.unit.pk, ctx.handler.pk,
                     "polis", "service", ctx.until, None, "", "", None, now, now, 1)
                )  # fmt: skip
            writer.write(
                Person,
                ["id", "id_kind", "id_number", "first_name", "last_name", "birth_date", "gender", "street_address",
                 "postal_code", "city", "district_id", "protection", "unit_id", "created_at", "version"],
                person_rows,
            )  # fmt: skip
            writer.write(
                Case,
                ["id", "number", "person_id", "insats_type_id", "unit_id", "handler_id", "referral_source", "basis",
                 "opened_on", "closed_on", "closure_reason", "closure_note", "next_follow_up_on", "created_at",
                 "updated_at", "version"],
                case_rows,
            )  # fmt: skip
            transaction.set_rollback(True)
        copy_seconds.append(time.perf_counter() - started)

    def extra():
        copy_same_rows(0)
        copy_same_rows(1)
        return {"copy_seconds": min(copy_seconds)}

    def finish(result) -> None:
        seconds = result.p50_ms / 1000
        rate = len(people) / seconds
        copy_rate = len(people) / result.extra["copy_seconds"]
        result.extra.update(
            rows=len(people),
            rows_per_second=round(rate),
            copy_rows_per_second=round(copy_rate),
            text=f"{rate:,.0f} personer/s (med ett ärende var); COPY av samma rader {copy_rate:,.0f}/s, "
            f"import ÷ COPY = {rate / copy_rate:.3f}".replace(",", " "),
            met_checks=[rate >= 2000],
        )

    return Prepared(
        app=app,
        via="cases.importer.cases_import (CSV, dry_run: allt skrivs och rullas tillbaka)",
        reps=IMPORT_REPS,
        warmup=1,
        count_queries=False,
        note=f"{len(people)} rader, median av {IMPORT_REPS} upprepningar efter en uppvärmning{scaled_note}",
        extra=extra,
        finish=finish,
    )


OPERATIONS: list[Operation[Context]] = [
    Operation("case_list", "Ärendelista (25 rader)", case_list, target_p95_ms=60, target_ratio=3, db_bound=True),
    Operation("case_page", "Ärendesida", case_page, target_p95_ms=120),
    Operation("pnr_lookup", "Sök personnummer", personnummer_lookup, target_p95_ms=30, db_bound=True),
    Operation("name_search", "Namnsökning", name_search, target_p95_ms=250, db_bound=True),
    Operation("stats_municipality", "Statistik-API, en kommun, halvår", statistics_municipality, 60, db_bound=True),
    Operation(
        "stats_national", "Statistik-API, hela landet", statistics_national, 400, target_ratio=1.5, db_bound=True
    ),
    Operation("follow_up", "Uppföljningssiffror, halvår", follow_up_figures, target_ratio=1.5, db_bound=True),
    Operation("follow_up_year", "Uppföljningssiffror, helår", follow_up_year, target_ratio=1.5, db_bound=True),
    Operation(
        "follow_up_national", "Uppföljningens antal, hela landet", follow_up_national, target_ratio=1.5, db_bound=True
    ),
    Operation("pdf", "Halvårs-PDF", half_year_pdf, target_p95_ms=2_000, target_note="topp-RSS ≤ 300 MB"),
    Operation("log_person", "Loggkontroll: vem öppnade person X (5 år)", loggkontroll_person, 2000, db_bound=True),
    Operation("log_user", "Loggkontroll: vad öppnade användare Y (månad)", loggkontroll_user, 2000, db_bound=True),
    Operation("extract", "Registerutdrag, en person", register_extract),
    Operation("import", "Import av 10 000 personer", bulk_import, target_note="≥ 2 000 personer/s"),
]


def _reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM (peak resident set size) on Linux
    except OSError:
        pass


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
