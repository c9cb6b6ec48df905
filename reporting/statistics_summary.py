"""The statistics summary: the exact counts behind the statistics API, kept in a table and refreshed
incrementally, so a request reads one small set of rows instead of aggregating the cases.

What is stored (reporting.models.StatisticsSummary): per scope (the nation, each municipality, provider and
unit), calendar year, dimension ("" for the total, or one of api.selectors.DIMENSIONS) and dimension value,
for each measure (new, closed, unplanned, open at month end):

- "c": the cases per month (cases add up, so quarters, half-years and the year are sums of months);
- "p": the distinct young people per period node — months, quarters, half-years and the year for the flows
  (NODES), month ends for the stock. Distinct people do not add up across periods or scopes, which is why
  they are stored per node and per scope.

A row exists for every value with at least one case active in the year in the scope (every active case
counts in at least one measure), so the set of rows is also the set of groups the live aggregate returns.
The numbers are those of reporting.figures.case_counts / person_counts (the "live" path, still used for
years the summary does not cover); the reconciliation tests compare the two exactly.

How it stays current: database triggers (migration reporting 0003) write a StatisticsDirty mark for every
statement that changes a counted column of a case, or a person's birth date, gender or district, naming the
municipality and the earliest year affected (a case open across years changes the stock of every later
year, so the refresh recomputes from that year up to the last covered year). `refresh_dirty()` recomputes
those municipalities' rows (the municipality, its providers and units) and the national rows for the years
concerned, then deletes exactly the marks it read (marks written meanwhile stay for the next run). The read
path (`cube_rows`) refreshes first when its scope has marks, so an answer is never stale; the Celery beat
task reporting.tasks.statistics_refresh keeps the table warm so requests rarely pay for it.

On PostgreSQL a year is computed in one INSERT … SELECT: each case gets a 12-bit month mask per measure,
the masks are OR-ed per person, scope and value (hash aggregation, no COUNT(DISTINCT)), and a person counts
in a period node when their mask meets the node's months. The summary is PostgreSQL-only: on SQLite (the
demo) nothing is stored and the API counts live (api.selectors.year_cube_live), so the counts have two
implementations, the live aggregate and this one, reconciled by the tests.

Each row also keeps "k": per measure and month the sum of the cases' statistics keys (Case.statistics_key),
from which the API derives each cell's key for its cell-key perturbation (api.disclosure).
"""

import datetime
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from cases.models import Case, ClosureReason
from core.models import Provider, Unit
from reporting.dimensions import AGE_BANDS, STATISTICS_DIMENSIONS, UNKNOWN_KEY
from reporting.figures import Scope
from reporting.models import (
    StatisticsDirty,
    StatisticsDirtyKind,
    StatisticsScopeKind,
    StatisticsScopeState,
    StatisticsState,
    StatisticsSummary,
)

logger = logging.getLogger(__name__)

TOTAL_VALUE = "__total__"  # api.disclosure.TOTAL
MEASURES = ("new", "closed", "unplanned", "open")
STOCK = "open"
DIMENSIONS = STATISTICS_DIMENSIONS
LEVELS = (
    StatisticsScopeKind.NATIONAL,
    StatisticsScopeKind.MUNICIPALITY,
    StatisticsScopeKind.PROVIDER,
    StatisticsScopeKind.UNIT,
)
LOCAL_LEVELS = (StatisticsScopeKind.MUNICIPALITY, StatisticsScopeKind.PROVIDER, StatisticsScopeKind.UNIT)
NO_YEAR = 9999  # a mark for Last-Modified only (set by the triggers)
LOCK_KEY = 748_201_115  # pg_advisory_xact_lock: one refresh at a time

# month bit masks of the period nodes, in the order of the "p" lists of a flow measure
MONTH_MASKS = [1 << month for month in range(12)]
QUARTER_MASKS = [0b111 << (3 * quarter) for quarter in range(4)]
HALF_MASKS = [0b111111 << (6 * half) for half in range(2)]
YEAR_MASK = 0xFFF
FLOW_NODE_MASKS = MONTH_MASKS + QUARTER_MASKS + HALF_MASKS + [YEAR_MASK]


def node_names(year: int, measure: str) -> list[str]:
    """The period nodes of a measure's "p" list (api.selectors.node_of spelling)."""
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    if measure == STOCK:
        return months
    return months + [f"{year}-Q{q}" for q in range(1, 5)] + [f"{year}-H{h}" for h in (1, 2)] + [str(year)]


def _node_masks(measure: str) -> list[int]:
    return MONTH_MASKS if measure == STOCK else FLOW_NODE_MASKS


# ---------------------------------------------------------------------------------------------------------------
# Scopes


def scope_key(scope: Scope) -> tuple[str, int] | None:
    """(scope_kind, scope_id) of a figures.Scope, or None for a combination the summary does not keep."""
    if scope.unit_id is not None:
        if scope.municipality_id is not None:
            return None
        return StatisticsScopeKind.UNIT, scope.unit_id
    if scope.provider_id is not None:
        if scope.municipality_id is not None:
            return None
        return StatisticsScopeKind.PROVIDER, scope.provider_id
    if scope.municipality_id is not None:
        return StatisticsScopeKind.MUNICIPALITY, scope.municipality_id
    return StatisticsScopeKind.NATIONAL, 0


def _municipality_sql(kind: str) -> str:
    """SQL for the municipality of a scope id (parameter %s), for the dirty check."""
    if kind == StatisticsScopeKind.MUNICIPALITY:
        return "%s"
    if kind == StatisticsScopeKind.PROVIDER:
        return "(SELECT municipality_id FROM core_provider WHERE id = %s)"
    return "(SELECT p.municipality_id FROM core_unit u JOIN core_provider p ON p.id = u.provider_id WHERE u.id = %s)"


# ---------------------------------------------------------------------------------------------------------------
# Computing one year's rows


def _age_band_sql() -> str:
    age = (
        "(EXTRACT(YEAR FROM ca.opened_on) - EXTRACT(YEAR FROM pe.birth_date) - CASE WHEN "
        "EXTRACT(MONTH FROM ca.opened_on) * 100 + EXTRACT(DAY FROM ca.opened_on) < "
        "EXTRACT(MONTH FROM pe.birth_date) * 100 + EXTRACT(DAY FROM pe.birth_date) THEN 1 ELSE 0 END)"
    )
    whens = []
    for low, high, label in AGE_BANDS:
        condition = f"{age} >= {low}" if high is None else f"{age} BETWEEN {low} AND {high}"
        whens.append(f"WHEN {condition} THEN '{label}'")
    return f"CASE {' '.join(whens)} ELSE '{UNKNOWN_KEY}' END"


def _scope_values(levels) -> str:
    ids = {
        StatisticsScopeKind.NATIONAL: "0::bigint",
        StatisticsScopeKind.MUNICIPALITY: "c.municipality_id::bigint",
        StatisticsScopeKind.PROVIDER: "c.provider_id::bigint",
        StatisticsScopeKind.UNIT: "c.unit_id::bigint",
    }
    return ", ".join(f"('{level}', {ids[level]})" for level in levels)


def _postgres_sql(levels, filtered: bool, *, travellers: str = "", insert: bool = True) -> str:
    """INSERT … SELECT of one year's rows (parameters: year, start, end[, municipalities]). `travellers` (a column,
    "pr.municipality_id" or "ca.unit_id"): only the people whose active cases that year have more than one value
    of it; `insert=False`: the SELECT alone."""
    month = "(EXTRACT(MONTH FROM {})::int - 1)"
    in_year = "{0} BETWEEN %(start)s AND %(end)s"
    mask_new = f"CASE WHEN {in_year.format('ca.opened_on')} THEN 1 << {month.format('ca.opened_on')} ELSE 0 END"
    mask_closed = f"CASE WHEN {in_year.format('ca.closed_on')} THEN 1 << {month.format('ca.closed_on')} ELSE 0 END"
    mask_unplanned = (
        f"CASE WHEN {in_year.format('ca.closed_on')} AND ca.closure_reason = '{ClosureReason.UNPLANNED.value}' "
        f"THEN 1 << {month.format('ca.closed_on')} ELSE 0 END"
    )
    first = "CASE WHEN ca.opened_on >= %(start)s THEN EXTRACT(MONTH FROM ca.opened_on)::int ELSE 1 END"
    last = (
        "CASE WHEN ca.closed_on IS NULL OR ca.closed_on > %(end)s THEN 12 "
        "ELSE EXTRACT(MONTH FROM ca.closed_on)::int - 1 END"
    )
    mask_open = f"GREATEST((1 << ({last})) - (1 << (({first}) - 1)), 0)"
    masks = ("m_new", "m_closed", "m_unplanned", "m_open")

    def sums(mask: str, nodes: list[int], column: str = "n") -> str:
        return ", ".join(f"COALESCE(SUM({column}) FILTER (WHERE {mask} & {node} <> 0), 0)" for node in nodes)

    case_arrays = [
        f"'{measure}', to_jsonb(ARRAY[{sums(mask, MONTH_MASKS)}])"
        for measure, mask in zip(MEASURES, masks, strict=True)
    ]
    key_arrays = [
        f"'{measure}', to_jsonb(ARRAY[{sums(mask, MONTH_MASKS, 'k')}])"
        for measure, mask in zip(MEASURES, masks, strict=True)
    ]
    person_arrays = [
        f"'{measure}', to_jsonb(ARRAY[{sums(mask, _node_masks(measure))}])"
        for measure, mask in zip(MEASURES, masks, strict=True)
    ]
    municipality_filter = "AND pr.municipality_id = ANY(%(municipalities)s)" if filtered else ""
    case_filter = municipality_filter
    if travellers:
        case_filter += " AND ca.person_id IN (SELECT person_id FROM travellers)"
    mask_list = ", ".join(masks)
    expanded = f"""FROM c
        CROSS JOIN LATERAL (VALUES {_scope_values(levels)}) AS s(kind, id)
        CROSS JOIN LATERAL (VALUES ('', '{TOTAL_VALUE}'), ('insats', c.insats), ('unit', c.unit_id::text),
            ('district', c.district), ('age_band', c.age_band), ('gender', c.gender), ('basis', c.basis))
            AS v(dimension, value)"""
    # Cases: group the cases by their four month masks, then count per month. People: OR each person's masks
    # per scope and value, group the people by the combined masks, then count per period node. Every step is a
    # hash aggregate with one or four transitions per row; the wide FILTER sums run over the few mask groups.
    active = "ca.opened_on <= %(end)s AND (ca.closed_on IS NULL OR ca.closed_on >= %(start)s)"
    prefix = (
        "INSERT INTO reporting_statisticssummary (scope_kind, scope_id, year, dimension, value, data, updated_at)"
        if insert
        else ""
    )
    travellers_cte = (
        f"""travellers AS (
    SELECT ca.person_id FROM cases_case ca
    JOIN core_unit u ON u.id = ca.unit_id JOIN core_provider pr ON pr.id = u.provider_id
    WHERE {active} {municipality_filter}
    GROUP BY ca.person_id HAVING MIN({travellers}) <> MAX({travellers})
), """
        if travellers
        else ""
    )
    return f"""
{prefix}
WITH {travellers_cte}c AS (
    SELECT ca.person_id, ca.unit_id, u.provider_id, pr.municipality_id, ca.statistics_key,
           it.code AS insats,
           COALESCE(pe.district_id::text, '{UNKNOWN_KEY}') AS district,
           {_age_band_sql()} AS age_band,
           COALESCE(NULLIF(pe.gender, ''), '{UNKNOWN_KEY}') AS gender,
           COALESCE(NULLIF(ca.basis, ''), '{UNKNOWN_KEY}') AS basis,
           {mask_new} AS m_new, {mask_closed} AS m_closed, {mask_unplanned} AS m_unplanned, {mask_open} AS m_open
    FROM cases_case ca
    JOIN core_unit u ON u.id = ca.unit_id
    JOIN core_provider pr ON pr.id = u.provider_id
    JOIN cases_person pe ON pe.id = ca.person_id
    JOIN cases_insatstype it ON it.id = ca.insats_type_id
    WHERE {active} {case_filter}
), case_groups AS (
    SELECT s.kind, s.id, v.dimension, v.value, {mask_list}, COUNT(*) AS n, SUM(c.statistics_key) AS k
    {expanded}
    GROUP BY s.kind, s.id, v.dimension, v.value, {mask_list}
), cases AS (
    SELECT kind, id, dimension, value, jsonb_build_object({", ".join(case_arrays)}) AS counts,
           jsonb_build_object({", ".join(key_arrays)}) AS keys
    FROM case_groups GROUP BY kind, id, dimension, value
), people AS (
    SELECT s.kind, s.id, v.dimension, v.value, c.person_id,
           {", ".join(f"bit_or(c.{mask}) AS {mask}" for mask in masks)}
    {expanded}
    GROUP BY s.kind, s.id, v.dimension, v.value, c.person_id
), people_groups AS (
    SELECT kind, id, dimension, value, {mask_list}, COUNT(*) AS n
    FROM people GROUP BY kind, id, dimension, value, {mask_list}
), persons AS (
    SELECT kind, id, dimension, value, jsonb_build_object({", ".join(person_arrays)}) AS counts
    FROM people_groups GROUP BY kind, id, dimension, value
)
SELECT cases.kind, cases.id, %(year)s, cases.dimension, cases.value,
       jsonb_build_object('c', cases.counts, 'p', persons.counts, 'k', cases.keys), now()
FROM cases JOIN persons USING (kind, id, dimension, value)
"""


def _delete_rows(years: range, levels, municipality_ids) -> int:
    rows = StatisticsSummary.objects.filter(year__gte=years.start, year__lt=years.stop)
    if municipality_ids is None:
        rows = rows.filter(scope_kind__in=levels)
    else:
        condition = Q()
        for level in levels:
            if level == StatisticsScopeKind.NATIONAL:
                condition |= Q(scope_kind=level)
            elif level == StatisticsScopeKind.MUNICIPALITY:
                condition |= Q(scope_kind=level, scope_id__in=municipality_ids)
            elif level == StatisticsScopeKind.PROVIDER:
                providers = Provider.objects.filter(municipality_id__in=municipality_ids).values("pk")
                condition |= Q(scope_kind=level, scope_id__in=providers)
            else:
                units = Unit.objects.filter(provider__municipality_id__in=municipality_ids).values("pk")
                condition |= Q(scope_kind=level, scope_id__in=units)
        rows = rows.filter(condition)
    return rows.delete()[0]


def compute_year(year: int, levels=LEVELS, municipality_ids: list[int] | None = None) -> int:
    """Replace the year's rows of the given scope levels (all municipalities, or only these) with fresh ones.
    The national rows come from the municipalities' (national_year), so those are computed first."""
    local = [level for level in levels if level != StatisticsScopeKind.NATIONAL]
    written = 0
    if local:
        _delete_rows(range(year, year + 1), local, municipality_ids)
        if connection.vendor == "postgresql" and StatisticsScopeKind.UNIT in local:
            with connection.cursor() as cursor:
                unit = (StatisticsScopeKind.UNIT,)
                cursor.execute(_postgres_sql(unit, municipality_ids is not None), _params(year, municipality_ids))
                written += cursor.rowcount
            parents = [level for level in local if level != StatisticsScopeKind.UNIT]
            if parents:
                written += _derived_rows(year, parents, municipality_ids)
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_postgres_sql(local, municipality_ids is not None), _params(year, municipality_ids))
                written += cursor.rowcount
        else:
            raise NotImplementedError("the statistics summary is PostgreSQL-only")
    if StatisticsScopeKind.NATIONAL in levels:
        written += national_year(year)
    return written


def _params(year: int, municipality_ids=None) -> dict:
    params = {"year": year, "start": datetime.date(year, 1, 1), "end": datetime.date(year, 12, 31)}
    if municipality_ids is not None:
        params["municipalities"] = list(municipality_ids)
    return params


SUMMED_PARTS = ("c", "p", "k")


def _add(totals: dict, key: tuple, data: dict, sign: int) -> None:
    """totals[key] += sign × data, list by list (a row's "c" and "p" counts and "k" key sums); a new key starts
    at zero."""
    if key not in totals:
        totals[key] = {part: {m: [0] * len(v) for m, v in data[part].items()} for part in SUMMED_PARTS}
    into = totals[key]
    for part in SUMMED_PARTS:
        for measure, values in data[part].items():
            target = into[part][measure]
            for index, value in enumerate(values):
                target[index] += sign * value


def _derived_rows(year: int, parents, municipality_ids) -> int:
    """Provider and municipality rows from the (just written) unit rows, as national_year does from the
    municipalities: cases add up; people too, except those with cases in several units that year, whose unit
    counts are replaced by their own provider and municipality counts (computed for those people only)."""
    units = Unit.objects.values_list("pk", "provider_id", "provider__municipality_id")
    if municipality_ids is not None:
        units = units.filter(provider__municipality_id__in=municipality_ids)
    owner = {
        unit: {StatisticsScopeKind.PROVIDER: provider, StatisticsScopeKind.MUNICIPALITY: municipality}
        for unit, provider, municipality in units
    }
    totals: dict = {}

    stored = StatisticsSummary.objects.filter(scope_kind=StatisticsScopeKind.UNIT, year=year, scope_id__in=list(owner))
    for unit, dimension, value, data in stored.values_list("scope_id", "dimension", "value", "data").iterator(
        chunk_size=5000
    ):
        for level in parents:
            _add(totals, (level, owner[unit][level], dimension, value), data, 1)
    levels = (StatisticsScopeKind.UNIT, *parents)
    sql = _postgres_sql(levels, municipality_ids is not None, travellers="ca.unit_id", insert=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(year, municipality_ids))
        for kind, scope_id, _year, dimension, value, data, _now in cursor.fetchall():
            data = json.loads(data) if isinstance(data, str) else data
            if kind == StatisticsScopeKind.UNIT:
                for level in parents:
                    _add(totals, (level, owner[scope_id][level], dimension, value), data, -1)
            else:
                _add(totals, (kind, scope_id, dimension, value), data, 1)
    rows = [
        StatisticsSummary(scope_kind=kind, scope_id=scope_id, year=year, dimension=dimension, value=value, data=data)
        for (kind, scope_id, dimension, value), data in totals.items()
    ]
    return len(StatisticsSummary.objects.bulk_create(rows, batch_size=2000))


def national_year(year: int) -> int:
    """The year's national rows. On PostgreSQL from the stored municipality rows, which must be current: cases
    add up across municipalities; people do too except those with cases in several municipalities, whose
    municipality counts are replaced by their national count (computed for those few people only). Elsewhere
    straight from the cases."""
    _delete_rows(range(year, year + 1), (StatisticsScopeKind.NATIONAL,), None)
    totals: dict = {}

    stored = StatisticsSummary.objects.filter(scope_kind=StatisticsScopeKind.MUNICIPALITY, year=year)
    for dimension, value, data in stored.values_list("dimension", "value", "data").iterator(chunk_size=5000):
        _add(totals, (dimension, value), data, 1)
    levels = (StatisticsScopeKind.NATIONAL, StatisticsScopeKind.MUNICIPALITY)
    with connection.cursor() as cursor:
        cursor.execute(_postgres_sql(levels, False, travellers="pr.municipality_id", insert=False), _params(year))
        for kind, _id, _year, dimension, value, data, _now in cursor.fetchall():
            data = json.loads(data) if isinstance(data, str) else data
            _add(totals, (dimension, value), data, 1 if kind == StatisticsScopeKind.NATIONAL else -1)
    rows = [
        StatisticsSummary(
            scope_kind=StatisticsScopeKind.NATIONAL, scope_id=0, year=year, dimension=dimension, value=value, data=data
        )
        for (dimension, value), data in totals.items()
    ]
    return len(StatisticsSummary.objects.bulk_create(rows, batch_size=2000))


# ---------------------------------------------------------------------------------------------------------------
# Last-Modified per scope


def _refresh_last_modified(municipality_ids: list[int] | None) -> None:
    """Newest updated_at per unit, provider and municipality (all, or these municipalities)."""
    units = Unit.objects.values_list("pk", "provider_id", "provider__municipality_id")
    cases = Case.objects.all()
    states = StatisticsScopeState.objects.exclude(scope_kind=StatisticsScopeKind.NATIONAL)
    if municipality_ids is not None:
        units = units.filter(provider__municipality_id__in=municipality_ids)
        cases = cases.filter(unit__provider__municipality_id__in=municipality_ids)
        states = states.filter(
            Q(scope_kind=StatisticsScopeKind.MUNICIPALITY, scope_id__in=municipality_ids)
            | Q(
                scope_kind=StatisticsScopeKind.PROVIDER,
                scope_id__in=Provider.objects.filter(municipality_id__in=municipality_ids).values("pk"),
            )
            | Q(
                scope_kind=StatisticsScopeKind.UNIT,
                scope_id__in=Unit.objects.filter(provider__municipality_id__in=municipality_ids).values("pk"),
            )
        )
    owners = {unit: (provider, municipality) for unit, provider, municipality in units}
    latest: dict[tuple[str, int], datetime.datetime] = {}
    for unit, last in cases.values("unit_id").annotate(last=Max("updated_at")).values_list("unit_id", "last"):
        provider, municipality = owners.get(unit, (None, None))
        for kind, scope_id in (
            (StatisticsScopeKind.UNIT, unit),
            (StatisticsScopeKind.PROVIDER, provider),
            (StatisticsScopeKind.MUNICIPALITY, municipality),
        ):
            if scope_id is None or last is None:
                continue
            key = (kind, scope_id)
            if key not in latest or last > latest[key]:
                latest[key] = last
    states.delete()
    StatisticsScopeState.objects.bulk_create(
        [StatisticsScopeState(scope_kind=kind, scope_id=pk, last_modified=last) for (kind, pk), last in latest.items()],
        batch_size=2000,
    )


def _refresh_national_last_modified() -> None:
    last = StatisticsScopeState.objects.filter(scope_kind=StatisticsScopeKind.MUNICIPALITY).aggregate(
        last=Max("last_modified")
    )["last"]
    StatisticsScopeState.objects.update_or_create(
        scope_kind=StatisticsScopeKind.NATIONAL, scope_id=0, defaults={"last_modified": last}
    )


def last_modified(scope: Scope) -> datetime.datetime | None:
    key = scope_key(scope)
    if key is None or not summary_available():
        return scope.filter(Case.objects.all()).aggregate(last=Max("updated_at"))["last"]
    ensure_fresh(key)
    return (
        StatisticsScopeState.objects.filter(scope_kind=key[0], scope_id=key[1])
        .values_list("last_modified", flat=True)
        .first()
    )


# ---------------------------------------------------------------------------------------------------------------
# Refresh


@dataclass
class RefreshResult:
    marks: int = 0
    full: bool = False
    municipalities: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # years recomputed for those municipalities
    national_years: list[int] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0


def _lock() -> None:
    """One refresh at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    _planner_settings()


def _planner_settings() -> None:
    """JIT off (compiling the wide aggregate costs more than running it), room for the hash aggregates."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL enable_sort = off")  # hash aggregates; the planner underestimates the groups


def _unlock_settings() -> None:
    """Back to the session's planner settings (a request's refresh shares the request's transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit TO DEFAULT; SET LOCAL work_mem TO DEFAULT; SET LOCAL enable_sort TO DEFAULT")


def _state() -> StatisticsState:
    state, _ = StatisticsState.objects.get_or_create(pk=1)
    return state


def _data_years() -> tuple[int, int] | None:
    bounds = Case.objects.aggregate(first=Min("opened_on"), opened=Max("opened_on"), closed=Max("closed_on"))
    if bounds["first"] is None:
        return None
    last = max(bounds["opened"], bounds["closed"] or bounds["opened"]).year
    return bounds["first"].year, last


def _rebuild_years() -> tuple[list[int], int]:
    """The years a full rebuild computes (each year with data, through the current one) and the last of them."""
    today = timezone.localdate().year
    bounds = _data_years()
    if bounds is None:
        return [], today
    last = max(today, bounds[1])
    return list(range(bounds[0], last + 1)), last


def _rebuild_finish(result: RefreshResult, state: StatisticsState, last: int) -> None:
    """After a full rebuild's years: Last-Modified of every scope, and the summary's last year."""
    _refresh_last_modified(None)
    _refresh_national_last_modified()
    state.last_year = last
    result.full = True


def _close_refresh(result: RefreshResult, state: StatisticsState, mark_ids: list[int]) -> None:
    """End of every refresh: record it, delete exactly the marks it read, planner settings back."""
    state.refreshed_at = timezone.now()
    state.save()
    StatisticsDirty.objects.filter(pk__in=mark_ids).delete()
    result.marks = len(mark_ids)
    _unlock_settings()


def _rebuild(result: RefreshResult, state: StatisticsState) -> None:
    StatisticsSummary.objects.all().delete()
    years, last = _rebuild_years()
    for year in years:
        result.rows += compute_year(year)
        result.national_years.append(year)
    _rebuild_finish(result, state, last)


def summary_available() -> bool:
    """The summary is PostgreSQL-only; elsewhere (SQLite, the demo) the API counts live and nothing is stored."""
    return connection.vendor == "postgresql"


def refresh_all() -> RefreshResult:
    """Rebuild the whole summary (after generate_data, or to repair it); consumes every mark."""
    if not summary_available():
        return RefreshResult()
    started = time.perf_counter()
    result = RefreshResult()
    with transaction.atomic():
        _lock()
        ids = list(StatisticsDirty.objects.values_list("pk", flat=True))
        state = _state()
        _rebuild(result, state)
        _close_refresh(result, state, ids)
    result.seconds = time.perf_counter() - started
    return result


def rebuild_after_load(workers: int = 2) -> RefreshResult:
    """The full rebuild after a bulk load (generate_data), with the years shared among `workers` connections
    so both cores work: one transaction per year, not one for all. So that a stop half-way is repaired, an
    'all' mark is committed first and deleted last: until then the next refresh rebuilds everything. Meant
    for a database nobody else is writing to; refresh_all is the one-transaction rebuild for any other time.
    Elsewhere than PostgreSQL, or inside a transaction (the other connections could not see its rows, and
    would wait for its locks), it is refresh_all."""
    if not summary_available() or workers < 2 or connection.in_atomic_block:
        return refresh_all()
    started = time.perf_counter()
    result = RefreshResult()
    with transaction.atomic():
        _lock()
        StatisticsDirty.objects.create(kind=StatisticsDirtyKind.ALL, municipality_id=None, from_year=0, to_year=0)
        ids = list(StatisticsDirty.objects.values_list("pk", flat=True))
        StatisticsSummary.objects.all().delete()
        to_build, last = _rebuild_years()
    years: queue.SimpleQueue = queue.SimpleQueue()
    for year in reversed(to_build):  # recent (larger) years first
        years.put(year)
    errors: list[BaseException] = []
    tally = threading.Lock()

    def work() -> None:
        try:
            while not errors:
                try:
                    year = years.get_nowait()
                except queue.Empty:
                    return
                with transaction.atomic():
                    _planner_settings()
                    rows = compute_year(year)
                with tally:
                    result.rows += rows
                    result.national_years.append(year)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, name=f"statistics-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    with transaction.atomic():
        _lock()
        state = _state()
        _rebuild_finish(result, state, last)
        _close_refresh(result, state, ids)
    result.national_years.sort()
    result.seconds = time.perf_counter() - started
    return result


# a StatisticsDirty row as read: pk, kind, municipality_id, from_year, to_year
Mark = tuple[int, str, int | None, int, int]


def refresh_dirty(*, municipality_id: int | None = None) -> RefreshResult:
    """Recompute what the marks name, in one transaction, and delete exactly the marks read.

    With `municipality_id` (a request's synchronous refresh) only that municipality's marks are taken and the
    national rows are left to the next full pass: a national mark is written for them instead."""
    if not summary_available():
        # nothing is stored, so nothing is stale: the (SQLite) triggers' marks are just dropped
        return RefreshResult(marks=StatisticsDirty.objects.all().delete()[0])
    started = time.perf_counter()
    result = RefreshResult()
    with transaction.atomic():
        _lock()
        taken = StatisticsDirty.objects.all()
        if municipality_id is not None:
            taken = taken.filter(
                Q(kind=StatisticsDirtyKind.ALL)
                | Q(kind=StatisticsDirtyKind.MUNICIPALITY, municipality_id=municipality_id)
            )
        marks = list(taken.values_list("pk", "kind", "municipality_id", "from_year", "to_year"))
        if not marks:
            _unlock_settings()
            return result
        state = _state()
        if state.last_year is None or any(mark[1] == StatisticsDirtyKind.ALL for mark in marks):
            marks = list(StatisticsDirty.objects.values_list("pk", "kind", "municipality_id", "from_year", "to_year"))
            _rebuild(result, state)
        else:
            _refresh_marks(marks, state, result, old_last=state.last_year, national=municipality_id is None)
        _close_refresh(result, state, [mark[0] for mark in marks])
    result.seconds = time.perf_counter() - started
    logger.info(
        "statistics refresh: %d marks, municipalities %s years %s, national years %s, %d rows, %.2f s",
        result.marks,
        result.municipalities,
        result.years,
        result.national_years,
        result.rows,
        result.seconds,
    )
    return result


def _refresh_marks(
    marks: list[Mark], state: StatisticsState, result: RefreshResult, *, old_last: int, national: bool
) -> None:
    new_last = max([old_last, timezone.localdate().year] + [mark[4] for mark in marks])
    for year in range(old_last + 1, new_last + 1):  # a new year (or a case dated later): every scope
        result.rows += compute_year(year)
        result.national_years.append(year)
    state.last_year = new_last

    first_year: dict[int, int] = {}
    national_from = NO_YEAR
    for _pk, kind, municipality, from_year, _to_year in marks:
        national_from = min(national_from, from_year)
        if kind == StatisticsDirtyKind.MUNICIPALITY and municipality is not None:  # such a mark names one
            first_year[municipality] = min(first_year.get(municipality, NO_YEAR), from_year)
    result.municipalities = sorted(first_year)
    if first_year:
        start = min(first_year.values())
        for year in range(start, old_last + 1):
            chosen = [municipality for municipality, first in first_year.items() if first <= year]
            result.rows += compute_year(year, LOCAL_LEVELS, chosen)
            result.years.append(year)
        _refresh_last_modified(result.municipalities)
    if not national:
        StatisticsDirty.objects.create(
            kind=StatisticsDirtyKind.NATIONAL, municipality_id=None, from_year=national_from, to_year=0
        )
        return
    for year in range(national_from, old_last + 1):
        result.rows += compute_year(year, (StatisticsScopeKind.NATIONAL,))
        result.national_years.append(year)
    _refresh_national_last_modified()


# ---------------------------------------------------------------------------------------------------------------
# Reading


def ensure_fresh(key: tuple[str, int]) -> int | None:
    """Refresh first when marks concern the scope (its scope_key); returns the last year the summary covers
    (None: empty)."""
    kind, scope_id = key
    if kind == StatisticsScopeKind.NATIONAL:
        condition, params = "TRUE", []
    else:
        condition = f"kind = 'all' OR (kind = 'municipality' AND municipality_id = {_municipality_sql(kind)})"
        params = [scope_id]
    sql = (
        "SELECT (SELECT last_year FROM reporting_statisticsstate WHERE id = 1), "
        f"EXISTS (SELECT 1 FROM reporting_statisticsdirty WHERE {condition})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        last_year, dirty = cursor.fetchone()
    if not dirty:
        return last_year
    if kind == StatisticsScopeKind.NATIONAL:
        refresh_dirty()
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {_municipality_sql(kind)}", [scope_id])
            municipality = cursor.fetchone()[0]
        refresh_dirty(municipality_id=municipality)
    return StatisticsState.objects.values_list("last_year", flat=True).filter(pk=1).first()


def cube_rows(scope: Scope, year: int, dimension: str | None) -> list[tuple[str, str, dict]] | None:
    """(dimension, value, data) rows of the total and the dimension's values for the scope and year, or None
    when the summary does not cover them (the caller computes live)."""
    key = scope_key(scope)
    if key is None or not summary_available():
        return None
    last_year = ensure_fresh(key)
    if last_year is None or year > last_year:
        return None
    return list(
        StatisticsSummary.objects.filter(
            scope_kind=key[0], scope_id=key[1], year=year, dimension__in=["", dimension or ""]
        ).values_list("dimension", "value", "data")
    )
