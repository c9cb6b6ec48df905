"""Statistics reads for the API: cubes of suppressed counts built on reporting.figures.case_counts.

Nothing here returns personal data: only counts per period and group, with the API's suppression
(api.disclosure) applied. Counts are cases (ärenden), as in the nämnd's follow-up.
"""

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from api.disclosure import MAX_NOISE, TOTAL, PeriodTree, publish
from cases.identity import Gender
from cases.models import Basis, InsatsType
from core.models import District, Provider, Unit
from reporting import figures, statistics_summary
from reporting.dimensions import AGE_BANDS, STATISTICS_DIMENSIONS, UNKNOWN_KEY
from reporting.figures import (
    Period,
    Scope,
    agreed_targets,
    attainment_status,
    case_counts,
    key_sums,
    person_counts,
)
from reporting.models import Agreement
from reporting.suppression import SUPPRESSION_THRESHOLD, suppress

MEASURES = {"new": "new", "closed": "closed", "unplanned": "unplanned", "open": "open_at_end"}
STOCK_MEASURES = {"open"}
PERIODS = {"month": "month", "quarter": "quarter", "half_year": "half", "year": "year"}
DIMENSIONS = STATISTICS_DIMENSIONS


def node_of(bucket: Period, level: str) -> str:
    year, month = bucket.start.year, bucket.start.month
    if level == "month":
        return f"{year}-{month:02d}"
    if level == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if level == "half":
        return f"{year}-H{(month - 1) // 6 + 1}"
    return str(year)


def bucket_label(bucket: Period, level: str) -> str:
    return node_of(bucket, level)


def _key(value) -> str:
    return UNKNOWN_KEY if value in (None, "") else str(value)


def _municipality_id(scope: Scope) -> int | None:
    if scope.municipality_id is not None:
        return scope.municipality_id
    if scope.provider_id is not None:
        return Provider.objects.values_list("municipality_id", flat=True).get(pk=scope.provider_id)
    return None


def dimension_catalogue(dimension: str, scope: Scope) -> dict[str, str]:
    """Every value of a dimension in the scope (key -> label), so that empty groups show as 0 and the list
    of groups itself reveals nothing."""
    if dimension == "insats":
        return dict(InsatsType.objects.values_list("code", "name"))
    if dimension == "unit":
        units = Unit.objects.filter(**_unit_filter(scope))
        return {str(pk): name for pk, name in units.values_list("pk", "name")}
    if dimension == "district":
        municipality = _municipality_id(scope)
        districts = (
            District.objects.all() if municipality is None else District.objects.filter(municipality_id=municipality)
        )
        return {str(pk): name for pk, name in districts.values_list("pk", "name")} | {UNKNOWN_KEY: "Uppgift saknas"}
    if dimension == "age_band":
        return {band[2]: band[2] for band in AGE_BANDS} | {UNKNOWN_KEY: "Uppgift saknas"}
    if dimension == "gender":
        return {value: str(label) for value, label in Gender.choices}
    if dimension == "basis":
        return {value: str(label) for value, label in Basis.choices}
    raise ValueError(dimension)


def _unit_filter(scope: Scope) -> dict:
    condition = {}
    if scope.municipality_id is not None:
        condition["provider__municipality_id"] = scope.municipality_id
    if scope.provider_id is not None:
        condition["provider_id"] = scope.provider_id
    if scope.unit_id is not None:
        condition["pk"] = scope.unit_id
    return condition


@dataclass
class YearCube:
    year: int
    measure: str
    dimension: str | None
    tree: PeriodTree
    columns: list[str]
    labels: dict[str, str]
    counts: dict  # exact cases per cell (never published as such)
    suppressed: set
    persons: dict = field(default_factory=dict)  # distinct people per cell (for the primary rule)
    published: dict = field(default_factory=dict)  # the count each visible cell publishes (perturbed)

    def cell(self, node: str, column: str) -> dict:
        hidden = (node, column) in self.suppressed
        return {"count": None if hidden else self.published.get((node, column), 0), "suppressed": hidden}


HEADLINE_MEASURES = {"new", "closed", "unplanned"}


def headline_cells(scope: Scope, measure: str, year: int) -> set:
    """The cells a nämnd report prints as they are (reporting.figures._key_figures): the totals of a provider
    or one of its units for the year and its half-years, and the open cases at their ends. The API publishes
    them exactly too, so it never hides a number the nämnd papers print."""
    if scope.provider_id is None and scope.unit_id is None:
        return set()
    if measure in HEADLINE_MEASURES:
        return {(node, TOTAL) for node in (str(year), f"{year}-H1", f"{year}-H2")}
    if measure in STOCK_MEASURES:
        return {(f"{year}-06", TOTAL), (f"{year}-12", TOTAL)}
    return set()


def _roll_up(tree: PeriodTree, values: dict) -> None:
    """Add month values into their quarters, half-years and year (flows: cases and their keys add up)."""
    months = [node for node in tree.nodes if not tree.children[node]]
    for (node, column), value in [(cell, value) for cell, value in values.items() if cell[0] in months]:
        parent = tree.parent[node]
        while parent is not None:
            values[(parent, column)] = values.get((parent, column), 0) + value
            parent = tree.parent[parent]


def _published_cube(scope: Scope, measure: str, year: int, dimension: str | None, labels, counts, keys, persons):
    """Decide what the cube publishes: each cell's count perturbed by its cell key (api.disclosure.perturbed),
    a cell hidden when its count is 1–4, its people 1–4 or its perturbed count below 5, plus the cells the
    secondary suppression hides so no hidden cell follows from sums; the headline cells exact."""
    stock = measure in STOCK_MEASURES
    tree = PeriodTree.for_year(year, additive=not stock)
    if not stock:
        _roll_up(tree, counts)
        _roll_up(tree, keys)
    columns = list(labels) if dimension else []
    public = headline_cells(scope, measure, year)
    suppressed, published = publish(tree, columns, counts, keys, persons, public=public)
    return YearCube(year, measure, dimension, tree, columns, labels, counts, suppressed, persons, published)


def _collect(into: dict, rows, level: str, metric: str, dimension: str | None) -> None:
    for row in rows:
        cell = (node_of(row.bucket, level), _key(row.keys[dimension]) if dimension else TOTAL)
        into[cell] = into.get(cell, 0) + getattr(row.counts, metric)


def year_cube(scope: Scope, measure: str, year: int, dimension: str | None) -> YearCube:
    """All counts of one measure and year for the scope, by every period level (and the dimension), with
    the suppression pattern decided on the whole cube. Read from the statistics summary
    (reporting.statistics_summary: the same exact counts, kept current by triggers and refreshed first when
    the scope has changed): a check, one query for the rows and one for the dimension's catalogue. Years the
    summary does not cover (after its last year) are computed live."""
    rows = statistics_summary.cube_rows(scope, year, dimension)
    if rows is None:
        return year_cube_live(scope, measure, year, dimension)
    nodes = statistics_summary.node_names(year, measure)
    months = nodes[:12]
    counts: dict = {}
    keys: dict = {}
    persons: dict = {}
    present = []
    for row_dimension, value, data in rows:
        column = value if row_dimension else TOTAL
        if row_dimension:
            present.append(value)
        for month, cases, key in zip(months, data["c"][measure], data["k"][measure], strict=True):
            if cases:
                counts[(month, column)] = cases
                keys[(month, column)] = key
        for node, people in zip(nodes, data["p"][measure], strict=True):
            if people:
                persons[(node, column)] = people
    labels: dict[str, str] = dimension_catalogue(dimension, scope) if dimension else {}
    extras = [value for value in present if value not in labels]
    if extras and dimension:  # values outside "" come only with a dimension
        labels.update(_extra_labels(dimension, extras))
    return _published_cube(scope, measure, year, dimension, labels, counts, keys, persons)


def _extra_labels(dimension: str, keys: list[str]) -> dict[str, str]:
    """Labels of values outside the scope's catalogue (a district of another municipality, a blank choice), in
    the order the live aggregate lists them (figures.DIMENSIONS order, then key)."""
    unknown = str(figures.DIMENSIONS[dimension].label_for({}))
    ids = [int(key) for key in keys if key.isdigit()]
    if dimension == "district":
        districts = District.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", "name")
        found = {str(pk): name for pk, name in districts}
    elif dimension == "unit":
        units = Unit.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", "name")
        found = {str(pk): name for pk, name in units}
    elif dimension == "insats":
        found = dict(
            InsatsType.objects.filter(code__in=keys).order_by("sort_order", "code").values_list("code", "name")
        )
    else:
        choices = dict(figures.DIMENSIONS[dimension].choices)
        found = {key: str(choices.get(key, key)) for key in sorted(keys) if key != UNKNOWN_KEY}
    return found | {key: unknown for key in keys if key not in found}


# the period levels of a flow measure's cube (a stock is counted by month only)
LEVELS = ["month", "quarter", "half", "year"]


def year_cube_live(scope: Scope, measure: str, year: int, dimension: str | None) -> YearCube:
    """The live computation, and the reference the summary is reconciled against: all counts of one measure
    and year for the scope, by every period level (and the dimension), with the suppression pattern decided
    on the whole cube. 2 queries for the cases (by month) and 2 per period level
    for the distinct people (half as many without a dimension)."""
    return year_cubes_live(scope, [measure], year, dimension)[measure]


def year_cubes_live(scope: Scope, measures: Sequence[str], year: int, dimension: str | None) -> dict[str, YearCube]:
    """`year_cube_live` of several measures from one read: the rows of reporting.figures hold every measure, so
    each cube is built from the same rows (the reconciliation compares all seven at once)."""
    period = Period.year(year)
    levels = ["month"] if all(measure in STOCK_MEASURES for measure in measures) else LEVELS
    labels: dict[str, str] = dimension_catalogue(dimension, scope) if dimension else {}
    case_rows = case_counts(period, scope, bucket="month")
    key_rows = key_sums(period, scope, bucket="month")
    person_rows = {level: person_counts(period, scope, bucket=level) for level in levels}
    grouped_cases: list = []
    grouped_keys: list = []
    grouped_persons: dict[str, list] = {}
    if dimension:
        grouped_cases = case_counts(period, scope, group_by=[dimension], bucket="month")
        for row in grouped_cases:
            labels.setdefault(_key(row.keys[dimension]), row.labels[dimension])
        grouped_keys = key_sums(period, scope, group_by=[dimension], bucket="month")
        grouped_persons = {level: person_counts(period, scope, group_by=[dimension], bucket=level) for level in levels}
    cubes = {}
    for measure in measures:
        metric = MEASURES[measure]
        counts: dict = {}
        keys: dict = {}
        persons: dict = {}
        # case counts add up: count months in the database and sum them into quarters, halves and the year
        _collect(counts, case_rows, "month", metric, None)
        _collect(counts, grouped_cases, "month", metric, dimension)
        _collect(keys, key_rows, "month", metric, None)
        _collect(keys, grouped_keys, "month", metric, dimension)
        # distinct people do not add up: one query per period level (a stock only by month)
        for level in ["month"] if measure in STOCK_MEASURES else LEVELS:
            _collect(persons, person_rows[level], level, metric, None)
            if dimension:
                _collect(persons, grouped_persons[level], level, metric, dimension)
        cubes[measure] = _published_cube(scope, measure, year, dimension, dict(labels), counts, keys, persons)
    return cubes


def statistics_case_counts(*, scope: Scope, measure: str, period: str, year: int, years: int, group_by: str | None):
    """The time series the counts endpoint returns: buckets of `period` over `years` calendar years ending
    with `year`, each with the total and (with group_by) one cell per group."""
    level = PERIODS[period]
    stock = measure in STOCK_MEASURES
    buckets = []
    groups: dict[str, str] = {}
    for current in range(year - years + 1, year + 1):
        cube = year_cube(scope, measure, current, group_by)
        groups.update({key: cube.labels[key] for key in cube.columns})
        for bucket in Period.year(current).split(level):
            node = f"{current}-{bucket.end.month:02d}" if stock else node_of(bucket, level)
            buckets.append(
                {
                    "period": bucket_label(bucket, level),
                    "start": bucket.start.isoformat(),
                    "end": bucket.end.isoformat(),
                    "total": cube.cell(node, TOTAL),
                    "cells": [{"key": key, **cube.cell(node, key)} for key in cube.columns],
                }
            )
    return {
        "measure": measure,
        "period": period,
        "group_by": group_by,
        "years": list(range(year - years + 1, year + 1)),
        "scope": {"municipality": scope.municipality_id, "provider": scope.provider_id},
        "suppression": suppression_note(),
        "groups": [{"key": key, "label": label} for key, label in groups.items()],
        "buckets": buckets,
    }


def suppression_note() -> dict:
    return {
        "threshold": SUPPRESSION_THRESHOLD,
        "max_noise": MAX_NOISE,
        "rule": (
            "Antal 1–4 visas aldrig (count = null, suppressed = true). Övriga antal har ett litet brus (högst "
            f"±{MAX_NOISE}, oftast 0 eller ±1) som bestäms av vilka ärenden cellen räknar: samma ärenden ger alltid "
            "samma tal, och en summa, en annan period eller ett annat datauttag skiljer sig med brus, inte med en "
            "person. Ett antal vars brusade värde blir under 5 döljs också. Summor och totaler har eget brus och är "
            "inte summan av de visade cellerna. Därtill döljs fler celler så att ingen dold cell kan räknas fram ur "
            "summor eller andra perioder (sekundär undertryckning). En utförares eller enhets totaler för år och "
            "halvår (nya, avslutade, oplanerat avslutade, pågående vid halvårets slut) visas exakt, som i nämndens "
            "uppföljning."
        ),
    }


def statistics_agreements(*, scope: Scope, year: int, half: int | None):
    """Agreement attainment: each agreement in the scope that covers the period, per insats the agreed yearly
    range, the range pro-rated to the period and the new cases (from the same suppressed cubes)."""
    period = Period.half_year(year, half) if half else Period.year(year)
    node = f"{year}-H{half}" if half else str(year)
    agreements = (
        Agreement.objects.filter(scope.q("unit") if scope.unit_id else _agreement_scope(scope))
        .filter(starts_on__lte=period.end, ends_on__gte=period.start)
        .select_related("provider", "unit")
        .order_by("provider__name", "name", "pk")
    )
    result = []
    cubes: dict = {}
    for agreement in agreements:  # agreements of one scope: a handful of rows
        agreement_scope = Scope(provider_id=agreement.provider_id, unit_id=agreement.unit_id)
        if agreement_scope not in cubes:
            cubes[agreement_scope] = year_cube(agreement_scope, "new", year, "insats")
        cube = cubes[agreement_scope]
        rows = []
        for code, target in agreed_targets(agreement, period).items():
            cell = cube.cell(node, code)
            status = (
                None if cell["suppressed"] else attainment_status(cell["count"], target.target_min, target.target_max)
            )
            rows.append(
                {
                    "insats": code,
                    "label": cube.labels.get(code, code),
                    "agreed_min_per_year": target.min_per_year,
                    "agreed_max_per_year": target.max_per_year,
                    "target_min": target.target_min,
                    "target_max": target.target_max,
                    "new": cell["count"],
                    "suppressed": cell["suppressed"],
                    "status": status,
                }
            )
        result.append(
            {
                "id": agreement.pk,
                "name": agreement.name,
                "provider": {"id": agreement.provider_id, "name": agreement.provider.name},
                "unit": {"id": agreement.unit_id, "name": agreement.unit.name} if agreement.unit is not None else None,
                "starts_on": agreement.starts_on.isoformat(),
                "ends_on": agreement.ends_on.isoformat(),
                "volumes": rows,
            }
        )
    return {
        "period": period.as_dict(),
        "suppression": suppression_note(),
        "agreements": result,
    }


def _agreement_scope(scope: Scope) -> Q:
    condition = Q()
    if scope.municipality_id is not None:
        condition &= Q(provider__municipality_id=scope.municipality_id)
    if scope.provider_id is not None:
        condition &= Q(provider_id=scope.provider_id)
    return condition


def statistics_last_modified(scope: Scope) -> datetime.datetime | None:
    """The newest change of a case in the scope (kept with the statistics summary, so no scan of the cases)."""
    return statistics_summary.last_modified(scope)


def etag_for(payload: dict) -> str:
    return '"' + hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32] + '"'


FIELD_FIGURES = ("shifts", "met", "talked", "nights", "efforts")


def statistics_field_work(*, scope: Scope, year: int, period: str) -> dict:
    """Fältverksamhet per bucket: fältpass, ungdomar mötta och samtal med (kontakter, inte personer),
    polarkvällar, pågående områdesinsatser, and the number of polare who worked (persons: 1–4 hidden).
    None of these counts identifies a young person; polare are a person count and are suppressed, and as
    a distinct count per bucket they do not add up across buckets, so no secondary suppression is needed."""
    level = PERIODS[period]
    buckets = []
    for bucket in Period.year(year).split(level):  # at most twelve buckets, three queries each
        figures_now = figures._field_figures(bucket, scope)
        polare = figures_now.get("polare") or 0
        buckets.append(
            {
                "period": bucket_label(bucket, level),
                "start": bucket.start.isoformat(),
                "end": bucket.end.isoformat(),
                **{name: int(figures_now.get(name) or 0) for name in FIELD_FIGURES},
                "polare": suppress(polare),
                "polare_suppressed": suppress(polare) is None,
            }
        )
    return {
        "year": year,
        "period": period,
        "available": True,  # kept in the answer's shape; a schema error is raised, never shown as missing data
        "scope": {"municipality": scope.municipality_id, "provider": scope.provider_id},
        "buckets": buckets,
    }
