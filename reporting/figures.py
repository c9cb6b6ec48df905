"""THE module of follow-up figures: every count is a database aggregation (no Python loops over cases).

The on-screen report, the PDF, the Excel/CSV export and the statistics API all read from here.

Low level (general, for anyone):
- `case_counts(period, scope, group_by=(...), bucket=...)` counts new / closed / unplanned / open /
  active cases and distinct persons, grouped by any of DIMENSIONS and optionally by period bucket,
  in one query; `case_counts_grouped(period, scope, groupings)` counts several groupings for the period and
  the year before (on PostgreSQL in one GROUPING SETS statement).
- `Period`, `Scope`, `prorate_fraction`, `agreed_targets`.

High level: `follow_up(period, scope, agreement=...)` builds the nämnd report (`FollowUp`) with the same
period a year earlier side by side and small-cell suppression applied; `FollowUp.as_dict()` is the
snapshot stored with a report version and the one input of the PDF, Excel and CSV renderers.
"""

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any, TypedDict

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models import Case as When_Case
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.identity import Gender
from cases.models import Basis, Case, ClosureReason, InsatsCode, InsatsType, ReferralSource
from core import formats
from core.models import Provider, Unit
from interventions.models import (
    AreaEffort,
    Attainment,
    FieldShift,
    Plan,
    PolareNight,
    PolareNightStatus,
    PurchasedService,
)
from interventions.models import FollowUp as FollowUpMeeting  # FollowUp here is the nämnd report
from interventions.rules import purchase_cost_between
from interventions.selectors import field_shift_figures
from reporting.dimensions import AGE_BANDS, UNKNOWN_KEY
from reporting.suppression import (
    SECONDARY_LABEL,
    SUPPRESSED_LABEL,
    AtMost,
    Identity,
    is_suppressed,
    protect_table,
    suppress,
)

NBSP = "\u00a0"
DASH = "–"

# ---------------------------------------------------------------------------------------------------------------
# Period and scope


@dataclass(frozen=True)
class Period:
    """A closed date interval [start, end]."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period end before start")

    @classmethod
    def half_year(cls, year: int, half: int) -> "Period":
        if half == 1:
            return cls(datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        return cls(datetime.date(year, 7, 1), datetime.date(year, 12, 31))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def last_ended_half_year(cls, today: datetime.date) -> "Period":
        """The half-year that ended most recently before `today`."""
        if today.month <= 6:
            return cls.half_year(today.year - 1, 2)
        return cls.half_year(today.year, 1)

    def shifted_years(self, years: int) -> "Period":
        return Period(_shift_year(self.start, years), _shift_year(self.end, years))

    def previous_year(self) -> "Period":
        return self.shifted_years(-1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} {DASH} {self.end.isoformat()}"

    def overlap(self, other: "Period") -> "Period | None":
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Period(start, end) if start <= end else None

    def split(self, bucket: str) -> list["Period"]:
        """Consecutive sub-periods by calendar month, quarter, half-year or year, clipped to this period."""
        months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[bucket]
        parts = []
        cursor = self.start
        while cursor <= self.end:
            first_month = ((cursor.month - 1) // months) * months + 1
            last_month = first_month + months - 1
            bucket_end = datetime.date(cursor.year, last_month, calendar.monthrange(cursor.year, last_month)[1])
            parts.append(Period(cursor, min(bucket_end, self.end)))
            cursor = bucket_end + datetime.timedelta(days=1)
        return parts

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Scope:
    """Whose cases: a provider, optionally one unit; both None means every case (API use)."""

    provider_id: int | None = None
    unit_id: int | None = None
    municipality_id: int | None = None

    def q(self, unit_path: str = "unit") -> Q:
        """The scope as a filter on any model that reaches a Unit through `unit_path` (e.g. "case__unit")."""
        condition = Q()
        if self.municipality_id is not None:
            condition &= Q(**{f"{unit_path}__provider__municipality_id": self.municipality_id})
        if self.provider_id is not None:
            condition &= Q(**{f"{unit_path}__provider_id": self.provider_id})
        if self.unit_id is not None:
            condition &= Q(**{f"{unit_path}_id": self.unit_id})
        return condition

    def filter(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        return queryset.filter(self.q("unit"))


# ---------------------------------------------------------------------------------------------------------------
# Dimensions


def age_at_opening_expression():
    """Whole years between Person.birth_date and Case.opened_on, computed in the database.

    Uses the helper annotations added by `_with_age` (month*100+day of both dates).
    """
    years = ExtractYear("opened_on") - ExtractYear("person__birth_date")
    return years - When_Case(When(Q(_opened_md__lt=F("_birth_md")), then=Value(1)), default=Value(0))


def _with_age(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.annotate(
        _opened_md=ExtractMonth("opened_on") * 100 + ExtractDay("opened_on"),
        _birth_md=ExtractMonth("person__birth_date") * 100 + ExtractDay("person__birth_date"),
    ).annotate(_age=age_at_opening_expression())


def _age_band_expression():
    whens = []
    for low, high, label in AGE_BANDS:
        condition = Q(_age__gte=low) if high is None else Q(_age__gte=low, _age__lte=high)
        whens.append(When(condition, then=Value(label)))
    return When_Case(*whens, default=Value(UNKNOWN_KEY), output_field=CharField())


def _had_turned(years: int) -> Q:
    """On PostgreSQL: the person was at least `years` old (cases.identity.age_on) the day the case was opened.

    Born on or before the opening day moved back `years` years: that keeps the day's month and day, so it is
    age_on's comparison of (month, day), except that a 29 February moves to the 28th of a common year, in which
    nobody is born on the 29th."""
    years_back = Func(Value(years), function="MAKE_INTERVAL", output_field=DurationField())
    return Q(person__birth_date__lte=F("opened_on") - years_back)


def _age_band_by_dates() -> When_Case:
    """The age band of `_age_band_expression` from date comparisons (PostgreSQL only)."""
    whens = []
    for low, high, label in AGE_BANDS:
        condition = _had_turned(low)
        if high is not None:
            years_back = Func(Value(high + 1), function="MAKE_INTERVAL", output_field=DurationField())
            condition &= Q(person__birth_date__gt=F("opened_on") - years_back)
        whens.append(When(condition, then=Value(label)))
    return When_Case(*whens, default=Value(UNKNOWN_KEY), output_field=CharField())


def _with_age_band(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with `_age_band_key`, the AGE_BANDS key of the person's age the day the case was opened."""
    if connection.vendor == "postgresql":
        # EXTRACT gives numerics, and the band's CASE computes the age up to eleven times a row: at M a provider's
        # 25 000 rows took about 600 ms with it, 130 ms with two date comparisons per band (issue 23.2)
        return queryset.annotate(_age_band_key=_age_band_by_dates())
    return _with_age(queryset).annotate(_age_band_key=_age_band_expression())


@dataclass(frozen=True)
class Dimension:
    """How to group by one attribute: the key expression, its label and its sort order."""

    name: str
    key: str  # a values() path or an annotation name
    label: str | None = None  # a values() path with a display name, or None to use `choices`
    choices: tuple = ()
    order: str | None = None
    needs_age: bool = False

    def label_for(self, row: dict) -> str:
        if self.label:
            return row.get(f"_{self.name}_label") or _("Uppgift saknas")
        value = row.get(f"_{self.name}")
        return str(dict(self.choices).get(value, value if value not in (None, "") else _("Uppgift saknas")))


DIMENSIONS: dict[str, Dimension] = {
    "insats": Dimension("insats", "insats_type__code", "insats_type__name", order="insats_type__sort_order"),
    "unit": Dimension("unit", "unit_id", "unit__name", order="unit__name"),
    "district": Dimension("district", "person__district_id", "person__district__name", order="person__district__name"),
    "age_band": Dimension(
        "age_band",
        "_age_band_key",
        choices=(*((band[2], band[2]) for band in AGE_BANDS), (UNKNOWN_KEY, gettext_lazy("Uppgift saknas"))),
        needs_age=True,
    ),
    "gender": Dimension("gender", "person__gender", choices=tuple(Gender.choices)),
    "basis": Dimension("basis", "basis", choices=tuple(Basis.choices)),
    "referral_source": Dimension("referral_source", "referral_source", choices=tuple(ReferralSource.choices)),
    "closure_reason": Dimension("closure_reason", "closure_reason", choices=tuple(ClosureReason.choices)),
}
BUCKETS = ("month", "quarter", "half", "year")


# ---------------------------------------------------------------------------------------------------------------
# Case counts


@dataclass
class CaseCounts:
    """Counts for one period and one group. Values are exact; use `suppressed()` before publishing."""

    new: int | None = 0
    new_assistance: int | None = 0  # bistånd
    new_service: int | None = 0
    closed: int | None = 0
    unplanned: int | None = 0  # oplanerat avslut (behandlingsavbrott)
    open_at_end: int | None = 0
    active: int | None = 0  # cases open at some time in the period ("aktuella ärenden")
    persons: int | None = 0  # distinct young people with an active case ("aktuella ungdomar")

    @property
    def unplanned_share(self) -> float | None:
        if not self.closed or self.unplanned is None:
            return None
        return 100.0 * self.unplanned / self.closed

    def suppressed(self) -> "CaseCounts":
        """A copy with every count of 1–4 replaced by None (shown as "<5")."""
        return CaseCounts(**{f.name: suppress(getattr(self, f.name)) for f in fields(self)})

    def as_dict(self) -> dict:
        return asdict(self)


METRICS = [f.name for f in fields(CaseCounts)]


def _active_in(period: Period, case: str = "") -> Q:
    """A case open at some time in the period ("aktuellt ärende"): the base of every count. `case` is the path to
    the case from another model ("case__")."""
    return Q(**{f"{case}opened_on__lte": period.end}) & (
        Q(**{f"{case}closed_on__isnull": True}) | Q(**{f"{case}closed_on__gte": period.start})
    )


def _metric_conditions(period: Period) -> dict[str, Q]:
    """Which cases each metric of CaseCounts counts in the period: the one home of these rules (the ORM's
    aggregates, the grouping-sets statement and the API's distinct people and key sums are built from it)."""
    start, end = period.start, period.end
    opened_in = Q(opened_on__gte=start, opened_on__lte=end)
    closed_in = Q(closed_on__gte=start, closed_on__lte=end)
    active = _active_in(period)
    return {
        "new": opened_in,
        "new_assistance": opened_in & Q(basis=Basis.ASSISTANCE),
        "new_service": opened_in & Q(basis=Basis.SERVICE),
        "closed": closed_in,
        "unplanned": closed_in & Q(closure_reason=ClosureReason.UNPLANNED),
        "open_at_end": Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end)),
        "active": active,
        "persons": active,
    }


PERSON_COUNTED = frozenset({"persons"})  # metrics counting distinct young people; the others count cases


def _metric_aggregates(period: Period, suffix: str = "") -> dict:
    return {
        f"{metric}{suffix}": (
            Count("person_id", filter=condition, distinct=True)
            if metric in PERSON_COUNTED
            else Count("pk", filter=condition)
        )
        for metric, condition in _metric_conditions(period).items()
    }


@dataclass
class CountRow:
    """One group of `case_counts`: dimension keys and labels, the bucket (if any) and the counts."""

    keys: dict[str, Any]
    labels: dict[str, str]
    counts: CaseCounts
    bucket: Period | None = None

    def as_dict(self) -> dict:
        return {
            "keys": self.keys,
            "labels": self.labels,
            "bucket": self.bucket.as_dict() if self.bucket else None,
            "counts": self.counts.as_dict(),
        }


def cases_in_scope(period: Period, scope: Scope, filters: Q | None = None) -> QuerySet[Case]:
    """Cases of the scope that were open at some time in the period (the base of every count)."""
    queryset = scope.filter(Case.objects.all()).filter(_active_in(period))
    if filters is not None:
        queryset = queryset.filter(filters)
    return queryset


def case_counts(
    period: Period,
    scope: Scope,
    *,
    group_by: Sequence[str] = (),
    bucket: str | None = None,
    filters: Q | None = None,
) -> list[CountRow]:
    """Case counts for the period, grouped by any DIMENSIONS and optionally by period bucket. One query.

    Without group_by and bucket the result is a single row with empty keys. Rows are exact counts;
    callers that publish them apply `CaseCounts.suppressed()` (or the API's own suppression).
    """
    dimensions = _dimensions(group_by)
    if bucket is not None and bucket not in BUCKETS:
        raise ValueError(f"unknown bucket: {bucket}")
    parts = period.split(bucket) if bucket else [period]
    rows = _grouped_counts(cases_in_scope(period, scope, filters), parts, dimensions)
    return [
        CountRow(keys=keys, labels=labels, counts=counts, bucket=part if bucket else None)
        for keys, labels, part, counts in rows
    ]


def case_counts_with_previous(
    period: Period, scope: Scope, *, group_by: Sequence[str] = ()
) -> tuple[list[CountRow], list[CountRow]]:
    """`case_counts` of the period and of the same period a year earlier, from one query (the follow-up compares
    the two in every table): the same rows as two calls, a group listed for a period only if it had a case
    active in it, as `case_counts` lists it."""
    previous = period.previous_year()
    dimensions = _dimensions(group_by)
    queryset = scope.filter(Case.objects.all()).filter(_active_in(period) | _active_in(previous))
    return _now_and_before(_grouped_counts(queryset, [period, previous], dimensions), period, dimensions)


Grouping = tuple[str, ...]


def case_counts_grouped(
    period: Period, scope: Scope, groupings: Sequence[Sequence[str]]
) -> dict[Grouping, tuple[list[CountRow], list[CountRow]]]:
    """`case_counts_with_previous` of several groupings (the follow-up's totals, insatser, districts, ...), keyed by
    the grouping as a tuple. On PostgreSQL one statement for them all (GROUP BY GROUPING SETS reads the cases
    once instead of once per table); elsewhere (SQLite, the demo) one statement per grouping. The rows are the
    same either way (reporting/tests/test_grouping_sets.py runs both on the same cases)."""
    wanted = list(dict.fromkeys(tuple(grouping) for grouping in groupings))
    if not wanted:
        return {}
    if connection.vendor == "postgresql":
        return _grouping_sets_counts(period, scope, wanted)
    return {grouping: case_counts_with_previous(period, scope, group_by=grouping) for grouping in wanted}


def _dimensions(group_by: Sequence[str]) -> list[Dimension]:
    unknown = [name for name in group_by if name not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension(s): {unknown}")
    return [DIMENSIONS[name] for name in group_by]


def _dimension_columns(dimensions: list[Dimension]) -> tuple[dict[str, F], list[str]]:
    """The values() columns of the dimensions (key, label, sort column of each) and the ORDER BY of their rows."""
    columns: dict[str, F] = {}
    order = []
    for dimension in dimensions:
        columns[f"_{dimension.name}"] = F(dimension.key)
        if dimension.label:
            columns[f"_{dimension.name}_label"] = F(dimension.label)
        if dimension.order:
            columns[f"_{dimension.name}_order"] = F(dimension.order)
            order.append(f"_{dimension.name}_order")
        order.append(f"_{dimension.name}")
    return columns, order


def _counted_cases(queryset: QuerySet[Case], dimensions: list[Dimension]) -> QuerySet[Case]:
    if any(dimension.needs_age for dimension in dimensions):
        return _with_age_band(queryset)
    return queryset


def _grouped_counts(
    queryset: QuerySet[Case], parts: list[Period], dimensions: list[Dimension]
) -> list[tuple[dict[str, Any], dict[str, str], Period, CaseCounts]]:
    """(keys, labels, part, counts) of each group and part: one query, the parts' counts side by side."""
    queryset = _counted_cases(queryset, dimensions)
    aggregates: dict = {}
    for index, part in enumerate(parts):
        aggregates.update(_metric_aggregates(part, f"__{index}"))

    rows: list[dict[str, Any]]  # values() over fields named at run time
    if dimensions:
        value_fields, order = _dimension_columns(dimensions)
        # django-stubs types values() over names known only at run time as an empty TypedDict
        rows = list(queryset.values(**value_fields).annotate(**aggregates).order_by(*order))  # type: ignore[arg-type]
    else:
        rows = [queryset.aggregate(**aggregates)]
    return _count_rows(rows, parts, dimensions)


def _count_rows(
    rows: list[dict[str, Any]], parts: list[Period], dimensions: list[Dimension]
) -> list[tuple[dict[str, Any], dict[str, str], Period, CaseCounts]]:
    """Rows named as `_grouped_counts` selects them (`_<dimension>`, `_<dimension>_label`, `<metric>__<part>`) as
    (keys, labels, part, counts)."""
    result = []
    for row in rows:
        keys = {dimension.name: row[f"_{dimension.name}"] for dimension in dimensions}
        labels = {dimension.name: dimension.label_for(row) for dimension in dimensions}
        for index, part in enumerate(parts):
            counts = CaseCounts(**{metric: row[f"{metric}__{index}"] or 0 for metric in METRICS})
            result.append((keys, labels, part, counts))
    return result


def _now_and_before(
    rows: list[tuple[dict[str, Any], dict[str, str], Period, CaseCounts]], period: Period, dimensions: list[Dimension]
) -> tuple[list[CountRow], list[CountRow]]:
    """Rows of the period and of the year before apart, a group kept for a period only if it had an active case
    there (as `case_counts` lists it); the totals row (no dimension) is always kept."""
    now: list[CountRow] = []
    before: list[CountRow] = []
    for keys, labels, part, counts in rows:
        if counts.active or not dimensions:
            (now if part is period else before).append(CountRow(keys=keys, labels=labels, counts=counts))
    return now, before


def _grouping_sets_counts(
    period: Period, scope: Scope, groupings: list[Grouping]
) -> dict[Grouping, tuple[list[CountRow], list[CountRow]]]:
    """`case_counts_grouped` on PostgreSQL: one statement, GROUP BY GROUPING SETS over the ORM's own rows.

    The inner query is the ORM's (the scope, the cases active in either period, the dimension columns of
    `_grouped_counts`, and one boolean per metric and period from `_metric_conditions`), compiled with its
    parameters bound; the outer one only counts: COUNT(*) or COUNT(DISTINCT person_id) FILTER (WHERE flag),
    per grouping set. GROUPING() tells a set's rows apart, so a missing district (NULL key) is not mistaken for
    a row of another set."""
    previous = period.previous_year()
    parts = [period, previous]
    names = list(dict.fromkeys(name for grouping in groupings for name in grouping))
    for grouping in groupings:  # one ORDER BY serves every set only if they list shared dimensions alike
        if list(grouping) != [name for name in names if name in grouping]:
            raise ValueError(f"groupings list their dimensions in different orders: {groupings}")
    dimensions = _dimensions(names)
    queryset = scope.filter(Case.objects.all()).filter(_active_in(period) | _active_in(previous))
    columns, order = _dimension_columns(dimensions)
    flags: dict[str, ExpressionWrapper] = {}
    quote = connection.ops.quote_name
    counts = []
    for index, part in enumerate(parts):
        for metric, condition in _metric_conditions(part).items():
            flag = f"_if_{metric}_{index}"
            flags[flag] = ExpressionWrapper(condition, output_field=BooleanField())
            counted = f"DISTINCT {quote('person_id')}" if metric in PERSON_COUNTED else "*"
            counts.append(f"COUNT({counted}) FILTER (WHERE {quote(flag)}) AS {quote(f'{metric}__{index}')}")
    base = _counted_cases(queryset, dimensions).order_by().values("person_id", **columns, **flags)
    base_sql, params = base.query.sql_with_params()

    def set_columns(grouping: Grouping) -> str:
        aliases = [alias for name in grouping for alias in _dimension_columns([DIMENSIONS[name]])[0]]
        return "(" + ", ".join(quote(alias) for alias in aliases) + ")"

    # GROUPING(a, b, ...) has bit (n-1-i) set in a row of a set without the i-th dimension
    keys = [f"_{dimension.name}" for dimension in dimensions]
    set_of = {
        sum(1 << (len(names) - 1 - i) for i, name in enumerate(names) if name not in grouping): grouping
        for grouping in groupings
    }
    grouping_id = f"GROUPING({', '.join(quote(key) for key in keys)})" if keys else "0"
    statement = (
        f"SELECT {grouping_id} AS {quote('_set')}, "
        + ", ".join([*(quote(alias) for alias in columns), *counts])
        + f" FROM ({base_sql}) AS {quote('cases')}"
        + f" GROUP BY GROUPING SETS ({', '.join(set_columns(grouping) for grouping in groupings)})"
        + f" ORDER BY {', '.join(quote(alias) for alias in ['_set', *order])}"
    )
    rows_of: dict[Grouping, list[dict[str, Any]]] = {grouping: [] for grouping in groupings}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names_of_columns = [column.name for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names_of_columns, values, strict=True))
            rows_of[set_of[row["_set"]]].append(row)
    return {
        grouping: _now_and_before(_count_rows(rows, parts, _dimensions(grouping)), period, _dimensions(grouping))
        for grouping, rows in rows_of.items()
    }


def case_totals(period: Period, scope: Scope, *, filters: Q | None = None) -> CaseCounts:
    """Headline totals for the period (exact; a nämnd report shows them as they are)."""
    return case_counts(period, scope, filters=filters)[0].counts


# ---------------------------------------------------------------------------------------------------------------
# Agreed volumes


def prorate_fraction(period: Period, within: Period | None = None) -> float:
    """The share of a year the period covers, counted in months (a half-year is exactly 0.5).

    Partial months count by their days. With `within` (the agreement's term) only the overlap counts.
    """
    covered = period.overlap(within) if within else period
    if covered is None:
        return 0.0
    total = 0.0
    for month in covered.split("month"):
        days_in_month = calendar.monthrange(month.start.year, month.start.month)[1]
        total += month.days / days_in_month
    return total / 12


@dataclass
class AgreedTarget:
    insats_code: str
    min_per_year: int
    max_per_year: int
    target_min: float  # pro-rated to the period
    target_max: float


def agreed_targets(agreement, period: Period) -> dict[str, AgreedTarget]:
    """The agreement's yearly volumes per insats code, pro-rated to the part of the period it covers."""
    if agreement is None:
        return {}
    fraction = prorate_fraction(period, Period(agreement.starts_on, agreement.ends_on))
    rows = agreement.volumes.values_list("insats_type__code", "min_per_year", "max_per_year")
    return {
        code: AgreedTarget(code, low, high, round(low * fraction, 1), round(high * fraction, 1))
        for code, low, high in rows
    }


def attainment_status(actual: int, target_min: float, target_max: float) -> str:
    if actual < target_min:
        return "under"
    if actual > target_max:
        return "over"
    return "within"


STATUS_LABELS = {"under": gettext_lazy("Under"), "within": gettext_lazy("Inom"), "over": gettext_lazy("Över")}


# ---------------------------------------------------------------------------------------------------------------
# Swedish display formats


def format_number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """Through core.formats (half up, no-break thousands); a missing value is a dash in the report."""
    return DASH if value is None else formats.number(value, decimals)


def format_count(value: int | None) -> str:
    """A published count: "<5" when suppressed (None) or 1–4."""
    if value is None or is_suppressed(value):
        return SUPPRESSED_LABEL
    return format_number(value)


def format_percent(value: float | Decimal | None, decimals: int = 0) -> str:
    return DASH if value is None else formats.percent(value, decimals)


def format_money(value: int | float | Decimal | None) -> str:
    """Whole kronor in the report ("3 854 000 kr"), rounded half up like every other figure."""
    return DASH if value is None else formats.money(value, 0)


def format_range(low: float, high: float) -> str:
    decimals = 0 if float(low).is_integer() and float(high).is_integer() else 1
    if low == high:
        return format_number(low, decimals)
    return f"{format_number(low, decimals)}{DASH}{format_number(high, decimals)}"


def format_change(current: int | None, previous: int | None) -> str:
    """Change against the previous period, e.g. "+12 (+5 %)"; a dash when either is suppressed."""
    if current is None or previous is None:
        return DASH
    diff = current - previous
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    text = f"{sign}{format_number(abs(diff))}"
    if previous:
        text += f" ({sign}{format_number(abs(100.0 * diff / previous))}{NBSP}%)"
    return text


# ---------------------------------------------------------------------------------------------------------------
# The follow-up report


@dataclass
class KeyFigure:
    key: str
    label: str
    current: float | int | None
    previous: float | int | None
    current_display: str
    previous_display: str
    change_display: str = DASH


@dataclass
class VolumeRow:
    code: str
    name: str
    new: int | None
    new_assistance: int | None
    new_service: int | None
    closed: int | None
    unplanned: int | None
    open_at_end: int | None
    persons: int | None  # young people with a case of the insats active in the period ("aktuella ungdomar")
    previous_new: int | None
    displays: dict[str, str]
    agreed_min: int | None = None  # yearly
    agreed_max: int | None = None
    agreed_display: str = DASH  # yearly, e.g. "30–40"
    target_min: float | None = None
    target_max: float | None = None
    target_display: str = DASH  # pro-rated to the period
    attainment_percent: int | None = None
    attainment_display: str = DASH
    status: str = ""
    status_display: str = DASH


@dataclass
class DistributionRow:
    key: str
    label: str
    count: int | None
    percent: float | None
    previous_count: int | None
    previous_percent: float | None
    count_display: str
    percent_display: str
    previous_display: str
    previous_percent_display: str


@dataclass
class Distribution:
    key: str
    title: str
    unit_label: str
    rows: list[DistributionRow]
    total: int | None
    previous_total: int | None
    total_display: str
    previous_total_display: str


@dataclass
class ExtraSection:
    """SIG, avhopp and fältverksamhet (from the interventions models; `available` is kept for the API)."""

    key: str
    title: str
    available: bool
    figures: list[KeyFigure] = field(default_factory=list)
    note: str = ""


@dataclass
class AgreementInfo:
    name: str
    reference: str
    starts_on: str
    ends_on: str
    budget: int
    budget_display: str
    period_budget_display: str
    notice_months: int
    decision_on: str
    decision_due: bool
    renewal_decided_on: str


@dataclass
class FollowUp:
    title: str
    municipality: str
    provider: str
    unit: str
    period: dict
    period_label: str
    previous_period: dict
    previous_period_label: str
    generated_at: str
    agreement: AgreementInfo | None
    key_figures: list[KeyFigure]
    volumes: list[VolumeRow]
    distributions: list[Distribution]
    extras: list[ExtraSection]
    notes: list[str]

    def as_dict(self) -> dict:
        return asdict(self)


def _key_figures(current: CaseCounts, previous: CaseCounts) -> list[KeyFigure]:
    """Headline totals for the whole scope, exact (the nämnd papers show e.g. "4 st ärenden")."""
    rows = [
        ("new", _("Nya ärenden")),
        ("new_assistance", _("varav bistånd")),
        ("new_service", _("varav service")),
        ("closed", _("Avslutade ärenden")),
        ("unplanned", _("Oplanerade avslut (behandlingsavbrott)")),
        ("open_at_end", _("Pågående ärenden vid periodens slut")),
        ("active", _("Aktuella ärenden under perioden")),
        ("persons", _("Aktuella ungdomar under perioden")),
    ]
    figures = [
        KeyFigure(
            key=key,
            label=label,
            current=getattr(current, key),
            previous=getattr(previous, key),
            current_display=format_number(getattr(current, key)),
            previous_display=format_number(getattr(previous, key)),
            change_display=format_change(getattr(current, key), getattr(previous, key)),
        )
        for key, label in rows
    ]
    share_now, share_before = current.unplanned_share, previous.unplanned_share
    figures.insert(
        5,
        KeyFigure(
            key="unplanned_share",
            label=_("Andel oplanerade avslut"),
            current=None if share_now is None else round(share_now, 1),
            previous=None if share_before is None else round(share_before, 1),
            current_display=format_percent(share_now, 1),
            previous_display=format_percent(share_before, 1),
        ),
    )
    return figures


VOLUME_METRICS = ("new", "new_assistance", "new_service", "closed", "unplanned", "open_at_end", "persons")
ADDITIVE_METRICS = VOLUME_METRICS[:-1]  # their column sums are the report's exact headline totals
TOTAL_ROW = "__total__"
NO_DATA = gettext_lazy("Uppgift saknas")


def _volume_identities(codes: list[str]) -> tuple[list[Identity], list[AtMost]]:
    """What links the per-insats cells: new = bistånd + service; the young people active in the period are at
    most the cases active in it, which are those closed in it plus those open at its end (so with the stock at
    the start, new, closed and open at the end are linked too); every column adds up to its headline total."""
    identities = [
        Identity(((code, "new"), 1), ((code, "new_assistance"), -1), ((code, "new_service"), -1)) for code in codes
    ]
    # active cases (not shown) = open at the start + new = closed + open at the end; the stock at the start is
    # taken as known (it is zero when the insats or the data began in the period: the attack of issue 25.2)
    for code in codes:
        identities.append(Identity(((code, "active"), 1), ((code, "open_at_start"), -1), ((code, "new"), -1)))
        identities.append(Identity(((code, "active"), 1), ((code, "closed"), -1), ((code, "open_at_end"), -1)))
        # treated as an identity (cautious): a young person usually has one case of an insats
        identities.append(Identity(((code, "persons"), 1), ((code, "active"), -1)))
    for metric in ADDITIVE_METRICS:
        identities.append(Identity(((TOTAL_ROW, metric), -1), *(((code, metric), 1) for code in codes)))
    identities.append(Identity(((TOTAL_ROW, "previous_new"), -1), *(((code, "previous_new"), 1) for code in codes)))
    at_most = [AtMost((code, "unplanned"), ((code, "closed"),)) for code in codes]
    at_most += [AtMost((code, "persons"), ((code, "active"),)) for code in codes]
    return identities, at_most


def _hidden_display(cell, primary: set, secondary: set, value: int | None) -> str:
    if cell in primary:
        return SUPPRESSED_LABEL
    if cell in secondary:
        return SECONDARY_LABEL
    return format_number(value)


def _volumes(
    current: list[CountRow],
    previous: list[CountRow],
    targets: dict[str, AgreedTarget],
    *,
    totals: CaseCounts,
    previous_totals: CaseCounts,
    previous_has_data: bool,
) -> list[VolumeRow]:
    """Per insats: new (bistånd, service), closed, unplanned, open at the end, young people active in the period,
    new the year before, against the agreed volume. The table is safe as a whole (reporting.suppression
    .protect_table): a count of 1–4 is "<5", and further cells are hidden (×) wherever a hidden count would
    follow from the headline totals and the other cells; Läge and Uppfyllelse are hidden with the count they
    are computed from."""
    by_code_now = {row.keys["insats"]: row.counts for row in current}
    by_code_before = {row.keys["insats"]: row.counts for row in previous}
    catalogue = list(
        InsatsType.objects.filter(Q(code__in=list(by_code_now) + list(targets))).values_list("code", "name")
    )
    codes = [code for code, _name in catalogue]
    values: dict = {}
    for code in codes:  # a loop over the insats catalogue (eight rows), not over cases
        counts = by_code_now.get(code) or CaseCounts()
        for metric in VOLUME_METRICS:
            values[(code, metric)] = getattr(counts, metric) or 0
        values[(code, "previous_new")] = (by_code_before.get(code) or CaseCounts()).new or 0
        values[(code, "active")] = counts.active or 0
        values[(code, "open_at_start")] = (counts.active or 0) - (counts.new or 0)
    for metric in ADDITIVE_METRICS:
        values[(TOTAL_ROW, metric)] = getattr(totals, metric) or 0
    values[(TOTAL_ROW, "previous_new")] = previous_totals.new or 0
    identities, at_most = _volume_identities(codes)
    public = {(TOTAL_ROW, metric) for metric in (*ADDITIVE_METRICS, "previous_new")}
    public |= {(code, "open_at_start") for code in codes}
    unpublished = {(code, "active") for code in codes}
    primary, secondary = protect_table(values, identities, at_most, public, unpublished)
    hidden = primary | secondary
    result = []
    for code, name in catalogue:

        def shown(metric: str, code: str = code) -> int | None:
            return None if (code, metric) in hidden else values[(code, metric)]

        displays = {
            metric: _hidden_display((code, metric), primary, secondary, values[(code, metric)])
            for metric in (*VOLUME_METRICS, "previous_new")
        }
        if not previous_has_data:
            displays["previous_new"] = str(NO_DATA)
        previous_new = shown("previous_new") if previous_has_data else None
        displays["change"] = format_change(shown("new"), previous_new)
        row = VolumeRow(
            code=code,
            name=name,
            new=shown("new"),
            new_assistance=shown("new_assistance"),
            new_service=shown("new_service"),
            closed=shown("closed"),
            unplanned=shown("unplanned"),
            open_at_end=shown("open_at_end"),
            persons=shown("persons"),
            previous_new=previous_new,
            displays=displays,
        )
        target = targets.get(code)
        if target:
            row.agreed_min, row.agreed_max = target.min_per_year, target.max_per_year
            row.agreed_display = format_range(target.min_per_year, target.max_per_year)
            row.target_min, row.target_max = target.target_min, target.target_max
            row.target_display = format_range(target.target_min, target.target_max)
            if row.new is not None:  # Läge and Uppfyllelse tell the count: hidden with it
                row.status = attainment_status(row.new, target.target_min, target.target_max)
                row.status_display = str(STATUS_LABELS[row.status])
                midpoint = (target.target_min + target.target_max) / 2
                if midpoint:
                    row.attainment_percent = round(100 * row.new / midpoint)
                    row.attainment_display = format_percent(row.attainment_percent)
            else:
                row.status_display = row.attainment_display = displays["new"]
        result.append(row)
    return result


def _share_display(count: int | None, percent: float | None) -> str:
    if count == 0:
        return f"0{NBSP}%"
    return format_percent(percent)


class _DistributionTotals(TypedDict):
    """What every distribution of a follow-up shares (keyword arguments of _distribution)."""

    total_now: int | None
    total_before: int | None
    previous_has_data: bool


def _distribution(
    key: str,
    title: str,
    current: list[CountRow],
    previous: list[CountRow],
    *,
    total_now: int | None,
    total_before: int | None,
    previous_has_data: bool = True,
    order: Iterable[str] | None = None,
) -> Distribution:
    """Young people per group (distinct persons with an active case) and their share of all young people.

    The totals are the report's exact headline (distinct persons of the scope), so the table is protected as a
    whole: counts of 1–4 are "<5", and where the total minus the shown groups would give one away, more groups
    are hidden (×); a hidden count's share is hidden too. A person is in one district and one gender; with cases
    opened at different ages a person can be in two age bands (protected as if the bands added up).
    """
    now = {str(row.keys[key]): row.counts.persons for row in current}
    before = {str(row.keys[key]): row.counts.persons for row in previous}
    labels = {str(row.keys[key]): row.labels[key] for row in [*previous, *current]}
    if order is None:  # largest first, as the nämnd papers list districts ("Skäggetorp, åtföljt av Berga …")
        keys = sorted(labels, key=lambda group: (-(now.get(group) or 0), -(before.get(group) or 0), labels[group]))
    else:
        keys = [group for group in order if group in labels]
    values = {(group, "now"): now.get(group, 0) or 0 for group in keys}
    values |= {(group, "before"): before.get(group, 0) or 0 for group in keys}
    values |= {(TOTAL_ROW, "now"): total_now or 0, (TOTAL_ROW, "before"): total_before or 0}
    identities = [
        Identity(((TOTAL_ROW, column), -1), *(((group, column), 1) for group in keys)) for column in ("now", "before")
    ]
    primary, secondary = protect_table(values, identities, [], {(TOTAL_ROW, "now"), (TOTAL_ROW, "before")})
    hidden = primary | secondary
    rows = []
    for group in keys:
        count = None if (group, "now") in hidden else values[(group, "now")]
        previous_count = None if (group, "before") in hidden else values[(group, "before")]
        percent = round(100.0 * count / total_now, 1) if count and total_now else None
        previous_percent = round(100.0 * previous_count / total_before, 1) if previous_count and total_before else None
        previous_display = _hidden_display((group, "before"), primary, secondary, values[(group, "before")])
        previous_percent_display = DASH if previous_count is None else _share_display(previous_count, previous_percent)
        if not previous_has_data:
            previous_count = previous_percent = None
            previous_display = previous_percent_display = str(NO_DATA)
        rows.append(
            DistributionRow(
                key=UNKNOWN_KEY if group == "None" else group,
                label=labels[group],
                count=count,
                percent=percent,
                previous_count=previous_count,
                previous_percent=previous_percent,
                count_display=_hidden_display((group, "now"), primary, secondary, values[(group, "now")]),
                percent_display=DASH if count is None else _share_display(count, percent),
                previous_display=previous_display,
                previous_percent_display=previous_percent_display,
            )
        )
    return Distribution(
        key=key,
        title=title,
        unit_label=_("Ungdomar"),
        rows=rows,
        total=total_now,
        previous_total=total_before if previous_has_data else None,
        total_display=format_number(total_now),
        previous_total_display=format_number(total_before) if previous_has_data else str(NO_DATA),
    )


def _agreement_info(agreement, period: Period, today: datetime.date) -> AgreementInfo | None:
    if agreement is None:
        return None
    fraction = prorate_fraction(period, Period(agreement.starts_on, agreement.ends_on))
    return AgreementInfo(
        name=agreement.name,
        reference=agreement.reference,
        starts_on=agreement.starts_on.isoformat(),
        ends_on=agreement.ends_on.isoformat(),
        budget=agreement.budget,
        budget_display=format_money(agreement.budget),
        period_budget_display=format_money(agreement.budget * fraction),
        notice_months=agreement.notice_months,
        decision_on=agreement.decision_on.isoformat(),
        decision_due=agreement_decision_due(agreement, today),
        renewal_decided_on=agreement.renewal_decided_on.isoformat() if agreement.renewal_decided_on else "",
    )


def agreement_decision_due(agreement, today: datetime.date) -> bool:
    """From the decision date (12 months before the end) until a decision is recorded or the term ends."""
    return agreement.renewal_decided_on is None and agreement.decision_on <= today <= agreement.ends_on


# ---------------------------------------------------------------------------------------------------------------
# SIG, avhopp and fältverksamhet: built on the interventions models

MISSING = gettext_lazy("Uppgifter saknas")


def _count_figure(key: str, label: str, now: int | None, before: int | None) -> KeyFigure:
    """A count of persons or their records: 1–4 is published as "<5"."""
    now, before = suppress(now or 0), suppress(before or 0)
    return KeyFigure(
        key,
        label,
        now,
        before,
        format_count(now) if now != 0 else "0",
        format_count(before) if before != 0 else "0",
        format_change(now, before),
    )


def _total_figure(key: str, label: str, now, before, formatter=format_number) -> KeyFigure:
    """A total that identifies nobody (money, contacts, nights): published as it is."""
    now = float(now or 0) if formatter is format_money else int(now or 0)
    before = float(before or 0) if formatter is format_money else int(before or 0)
    return KeyFigure(
        key,
        label,
        now,
        before,
        formatter(now),
        formatter(before),
        DASH if formatter is format_money else format_change(now, before),
    )


def _missing_figure(key: str, label: str) -> KeyFigure:
    return KeyFigure(key, label, None, None, str(MISSING), str(MISSING))


def _any(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _of_periods(row: dict, periods: Sequence[Period]) -> list[dict]:
    """An aggregate of `<figure>__<index>` columns as one dict of figures per period."""
    return [
        {key.removesuffix(f"__{index}"): value for key, value in row.items() if key.endswith(f"__{index}")}
        for index in range(len(periods))
    ]


def _sig_figures(scope: Scope, periods: Sequence[Period]) -> list[dict]:
    """Plans with an active case, and follow-ups held with their goals attained, of each period: two queries."""
    plans: dict = {}
    meetings: dict = {}
    for index, period in enumerate(periods):
        active = _active_in(period, "case__")
        plans[f"plans__{index}"] = Count("pk", filter=active, distinct=True)
        plans[f"people__{index}"] = Count("case__person", filter=active, distinct=True)
        trainer = active & Q(trainer_assigned_on__lte=period.end)
        plans[f"trainers__{index}"] = Count("case__person", filter=trainer, distinct=True)
        held = Q(held_on__gte=period.start, held_on__lte=period.end)
        meetings[f"meetings__{index}"] = Count("pk", filter=held, distinct=True)  # once, whatever its goals
        for key, level in (
            ("reached", Attainment.REACHED),
            ("partly", Attainment.PARTLY),
            ("not_reached", Attainment.NOT_REACHED),
        ):
            meetings[f"{key}__{index}"] = Count("attainments", filter=held & Q(attainments__level=level))
    plan_rows = Plan.objects.filter(scope.q("case__unit"), _any(_active_in(period, "case__") for period in periods))
    held_in_any = _any(Q(held_on__gte=period.start, held_on__lte=period.end) for period in periods)
    meeting_rows = FollowUpMeeting.objects.filter(scope.q("version__plan__case__unit"), held_in_any)
    return [
        plan_figures | meeting_figures
        for plan_figures, meeting_figures in zip(
            _of_periods(plan_rows.aggregate(**plans), periods),
            _of_periods(meeting_rows.aggregate(**meetings), periods),
            strict=True,
        )
    ]


def _reoffence_figures(scope: Scope, periods: Sequence[Period]) -> list[dict]:
    """SIG cases active in each period and, of those, the cases with återfall noted within it (one query)."""
    aggregates: dict = {}
    for index, period in enumerate(periods):
        active = _active_in(period)
        noted = Q(reoffences__noted_on__gte=period.start, reoffences__noted_on__lte=period.end)
        aggregates[f"sig_cases__{index}"] = Count("pk", filter=active, distinct=True)
        aggregates[f"reoffence_cases__{index}"] = Count("pk", filter=active & noted, distinct=True)
    cases = Case.objects.filter(
        scope.q("unit"), _any(_active_in(period) for period in periods), insats_type__code=InsatsCode.SIG
    )
    return _of_periods(cases.aggregate(**aggregates), periods)


def _reoffence_share_figure(now: dict, before: dict) -> KeyFigure:
    """The share of active SIG cases with återfall; not published when either count is 1–4 (it would reveal it)."""

    def share(counts: dict) -> tuple[float | None, str]:
        cases, with_reoffence = counts["sig_cases"], counts["reoffence_cases"]
        if not cases:
            return None, DASH
        if is_suppressed(cases) or is_suppressed(with_reoffence):
            return None, SUPPRESSED_LABEL
        percent = round(100.0 * with_reoffence / cases, 1)
        return percent, _share_display(with_reoffence, percent)

    (current, current_display), (previous, previous_display) = share(now), share(before)
    return KeyFigure(
        "recidivism",
        _("Andel SIG-ärenden med återfall (effektindikator)"),
        current,
        previous,
        current_display,
        previous_display,
    )


def sig_section(period: Period, scope: Scope, previous: Period) -> ExtraSection:
    """SIG special follow-up: active plans, PT, follow-ups held and goals attained; återfall where recorded."""
    title = _("Sociala insatsgrupper (SIG) – särskild uppföljning")
    now, before = _sig_figures(scope, [period, previous])
    rows = [
        ("plans", _("Aktiva genomförandeplaner")),
        ("people", _("Ungdomar med genomförandeplan")),
        ("trainers", _("Ungdomar med personlig tränare")),
        ("meetings", _("Hållna uppföljningar av planer")),
        ("reached", _("Mål uppnådda")),
        ("partly", _("Mål delvis uppnådda")),
        ("not_reached", _("Mål inte uppnådda")),
    ]
    figures = [_count_figure(key, label, now[key], before[key]) for key, label in rows]
    reoffences_now, reoffences_before = _reoffence_figures(scope, [period, previous])
    figures += [
        _count_figure(
            "sig_cases",
            _("Aktuella SIG-ärenden under perioden"),
            reoffences_now["sig_cases"],
            reoffences_before["sig_cases"],
        ),
        _count_figure(
            "reoffence_cases",
            _("varav med återfall känt under perioden"),
            reoffences_now["reoffence_cases"],
            reoffences_before["reoffence_cases"],
        ),
        _reoffence_share_figure(reoffences_now, reoffences_before),
    ]
    note = _(
        "Återfall avser det som handläggaren registrerat i ärendet (misstänkt brott, polisanmälan, dom m.m.) "
        "med datum då det blev känt inom perioden; återfall som inte kommit till socialtjänstens kännedom "
        "ingår inte."
    )
    return ExtraSection(key="sig", title=title, available=True, figures=figures, note=note)


def _purchase_counted_in(period: Period) -> Q:
    """A purchase whose cost falls in the period (it overlaps it), or one without an end started in it."""
    return Q(starts_on__lte=period.end) & (
        Q(ends_on__gte=period.start) | Q(ends_on__isnull=True, starts_on__gte=period.start)
    )


def _defection_figures(scope: Scope, periods: Sequence[Period]) -> list[dict]:
    """Purchases started in each period (people, services), and the costs falling in it: each purchase's cost
    spread over the days of its own period (interventions.rules.purchase_cost_between), so a placement over
    new year counts partly in each year and half-year. Costs are None when nothing falls in the period. One
    query: the purchases started in a period are among those counted in it."""
    flags = {
        f"_in_{index}": ExpressionWrapper(_purchase_counted_in(period), output_field=BooleanField())
        for index, period in enumerate(periods)
    }
    purchases = (
        PurchasedService.objects.filter(scope.q("case__unit"), _any(map(_purchase_counted_in, periods)))
        .annotate(**flags)
        .values_list("case__person_id", "kind", "price_unit", "price", "starts_on", "ends_on", *flags)
    )
    figures = []
    rows = list(purchases)
    for index, period in enumerate(periods):
        costs: dict[str, Decimal | None] = {"total_cost": None, "cost_skyddat_boende": None, "cost_behandling": None}
        people, services = set(), 0
        for person_id, kind, price_unit, price, starts_on, ends_on, *counted_in in rows:
            if not counted_in[index]:
                continue
            if starts_on >= period.start:
                people.add(person_id)
                services += 1
            cost = purchase_cost_between(
                price_unit=price_unit,
                price=price,
                starts_on=starts_on,
                ends_on=ends_on,
                first=period.start,
                last=period.end,
            )
            for key in ("total_cost", f"cost_{kind}"):
                if key in costs:
                    costs[key] = (costs[key] or Decimal(0)) + cost
        figures.append({"people": len(people), "services": services, **costs})
    return figures


def defection_section(period: Period, scope: Scope, previous: Period, agreement=None) -> ExtraSection:
    """Purchased insatser for avhoppare (costs spread over the days of each purchase) against the budget."""
    title = _("Avhopp – köpta insatser mot budget")
    now, before = _defection_figures(scope, [period, previous])
    figures = [
        _count_figure("people", _("Ungdomar med köpta insatser"), now["people"], before["people"]),
        _count_figure("services", _("Köpta insatser som startat"), now["services"], before["services"]),
        _total_figure(
            "cost_skyddat_boende",
            _("Kostnad skyddat boende"),
            now["cost_skyddat_boende"],
            before["cost_skyddat_boende"],
            format_money,
        ),
        _total_figure(
            "cost_behandling", _("Kostnad behandling"), now["cost_behandling"], before["cost_behandling"], format_money
        ),
        _total_figure(
            "cost", _("Kostnad köpta insatser totalt"), now["total_cost"], before["total_cost"], format_money
        ),
    ]
    note = ""
    budget = getattr(agreement, "defection_budget", None) if agreement is not None else None
    if budget:
        fraction_now = prorate_fraction(period, Period(agreement.starts_on, agreement.ends_on))
        fraction_before = prorate_fraction(previous, Period(agreement.starts_on, agreement.ends_on))
        budget_now, budget_before = budget * fraction_now, budget * fraction_before
        figures.append(
            _total_figure("budget", _("Budget för köpta insatser (perioden)"), budget_now, budget_before, format_money)
        )
        used = 100.0 * float(now["total_cost"] or 0) / budget_now if budget_now else None
        used_before = 100.0 * float(before["total_cost"] or 0) / budget_before if budget_before else None
        figures.append(
            KeyFigure(
                "budget_used",
                _("Andel av budget"),
                None if used is None else round(used, 1),
                None if used_before is None else round(used_before, 1),
                format_percent(used),
                format_percent(used_before),
            )
        )
    else:
        figures.append(_missing_figure("budget", _("Budget för köpta insatser")))
        note = _("Ingen budget för köpta insatser är angiven i överenskommelsen.")
    return ExtraSection(key="avhopp", title=title, available=True, figures=figures, note=note)


def _field_figures(period: Period, scope: Scope) -> dict:
    shifts = field_shift_figures(  # the same figures as the unit's month page
        FieldShift.objects.filter(scope.q("unit"), worked_on__gte=period.start, worked_on__lte=period.end)
    )
    nights = PolareNight.objects.filter(  # planned and cancelled nights are neither worked nor paid
        scope.q("polare__unit"), worked_on__gte=period.start, worked_on__lte=period.end, status=PolareNightStatus.WORKED
    ).aggregate(nights=Count("pk"), polare=Count("polare", distinct=True), fees=Sum("fee"))
    efforts = AreaEffort.objects.filter(
        scope.q("unit"), starts_on__lte=period.end, ends_on__gte=period.start
    ).aggregate(efforts=Count("pk"), districts=Count("district", distinct=True))
    return shifts | nights | efforts


def field_section(period: Period, scope: Scope, previous: Period) -> ExtraSection:
    """Fältverksamhet: nights out, youths met and talked with, polare nights and fees, områdesinsatser."""
    title = _("Fältverksamhet")
    now, before = _field_figures(period, scope), _field_figures(previous, scope)
    figures = [
        _total_figure("shifts", _("Fältpass (kvällar ute)"), now["shifts"], before["shifts"]),
        _total_figure("met", _("Ungdomar mötta"), now["met"], before["met"]),
        _total_figure("talked", _("Ungdomar samtal med"), now["talked"], before["talked"]),
        _count_figure("polare", _("Polare som arbetat"), now["polare"], before["polare"]),
        _total_figure("nights", _("Polarkvällar"), now["nights"], before["nights"]),
        _total_figure("fees", _("Arvoden till polare"), now["fees"], before["fees"], format_money),
        _total_figure("efforts", _("Områdesinsatser pågående under perioden"), now["efforts"], before["efforts"]),
    ]
    return ExtraSection(
        key="faltverksamhet",
        title=title,
        available=True,
        figures=figures,
        note=_("Mötta och samtal avser kontakter under fältpass, inte unika personer."),
    )


def _without_previous(figures: list[KeyFigure], previous_has_data: bool) -> list[KeyFigure]:
    """Key figures whose comparison period had no data at all say "Uppgift saknas" there, not 0."""
    if previous_has_data:
        return figures
    for figure in figures:
        figure.previous, figure.previous_display, figure.change_display = None, str(NO_DATA), DASH
    return figures


def _agreed_sections(
    sections: list[ExtraSection], targets: dict[str, AgreedTarget], previous_has_data: bool
) -> list[ExtraSection]:
    """The insats sections (SIG, avhopp, fältverksamhet) of the insatser the agreement includes: a section of an
    insats the nämnd has not ordered would only print zeros. Without an agreement every section is kept."""
    if targets:
        sections = [section for section in sections if section.key in targets]
    return [
        ExtraSection(
            section.key, section.title, section.available, _without_previous(section.figures, False), section.note
        )
        if not previous_has_data
        else section
        for section in sections
    ]


def extra_sections(period: Period, scope: Scope, previous: Period, agreement=None) -> list[ExtraSection]:
    return [
        sig_section(period, scope, previous),
        defection_section(period, scope, previous, agreement),
        field_section(period, scope, previous),
    ]


# ---------------------------------------------------------------------------------------------------------------


# the follow-up's tables: the headline totals, volumes per insats, young people per district, age band and gender
FOLLOW_UP_GROUPINGS: list[Grouping] = [(), ("insats",), ("district",), ("age_band",), ("gender",)]


def follow_up(
    period: Period,
    scope: Scope,
    *,
    agreement=None,
    today: datetime.date | None = None,
    title: str = "",
) -> FollowUp:
    """The whole follow-up for the nämnd: 13 queries on PostgreSQL (one more with an agreement, one more for a
    unit), independent of the case count."""
    today = today or timezone.localdate()
    previous = period.previous_year()
    if scope.provider_id is None:
        raise ValueError("a follow-up is for one provider")  # scope-wide figures go through the API instead
    provider = Provider.objects.select_related("municipality").get(pk=scope.provider_id)
    unit_name = Unit.objects.values_list("name", flat=True).get(pk=scope.unit_id) if scope.unit_id else ""

    # each table compares the period with the year before; every table's counts come from one statement
    counts = case_counts_grouped(period, scope, FOLLOW_UP_GROUPINGS)
    totals_rows_now, totals_rows_before = counts[()]
    totals_now, totals_before = totals_rows_now[0].counts, totals_rows_before[0].counts
    # a comparison period in which the scope had no case at all says so instead of printing zeros
    previous_has_data = bool(totals_before.active)
    targets = agreed_targets(agreement, period)
    volumes = _volumes(
        *counts[("insats",)],
        targets,
        totals=totals_now,
        previous_totals=totals_before,
        previous_has_data=previous_has_data,
    )
    totals: _DistributionTotals = {
        "total_now": totals_now.persons,
        "total_before": totals_before.persons,
        "previous_has_data": previous_has_data,
    }
    distributions = [
        _distribution(
            "district",
            _("Aktuella ungdomar per område"),
            *counts[("district",)],
            **totals,
        ),
        _distribution(
            "age_band",
            _("Aktuella ungdomar per ålder vid aktualisering"),
            *counts[("age_band",)],
            order=[band[2] for band in AGE_BANDS] + [UNKNOWN_KEY],
            **totals,
        ),
        _distribution(
            "gender",
            _("Aktuella ungdomar per kön"),
            *counts[("gender",)],
            order=list(Gender.values),
            **totals,
        ),
    ]
    notes = [
        _(
            "Antal 1–4 visas som ”<5”. ”×” är ett antal som döljs för att ett dolt antal inte ska kunna räknas fram "
            "ur totalerna och de andra siffrorna; andel, läge och uppfyllelse döljs med det antal de bygger på."
        ),
        _(
            "Totalerna i sammanfattningen (nya, avslutade, oplanerade avslut, pågående och aktuella) visas exakt, "
            "som i nämndens tidigare uppföljningar."
        ),
        _("Avtalade volymer är per år och räknas om till periodens längd i månader."),
        _("Ålder räknas vid aktualisering. En ungdom med flera ärenden räknas en gång per grupp."),
    ]
    return FollowUp(
        title=title or _("Uppföljning av verksamhetsuppdrag"),
        municipality=provider.municipality.name,
        provider=provider.name,
        unit=unit_name,
        period=period.as_dict(),
        period_label=period.label,
        previous_period=previous.as_dict(),
        previous_period_label=previous.label,
        generated_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        agreement=_agreement_info(agreement, period, today),
        key_figures=_without_previous(_key_figures(totals_now, totals_before), previous_has_data),
        volumes=volumes,
        distributions=distributions,
        extras=_agreed_sections(extra_sections(period, scope, previous, agreement), targets, previous_has_data),
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------------------------
# Statistics API aggregations (added for api/: distinct young people per measure, for small-cell decisions)

PERSON_METRICS = ("new", "closed", "unplanned", "open_at_end")


def _person_aggregates(period: Period, suffix: str) -> dict:
    conditions = _metric_conditions(period)
    return {
        f"{metric}{suffix}": Count("person_id", distinct=True, filter=conditions[metric]) for metric in PERSON_METRICS
    }


def _per_bucket(period: Period, scope: Scope, group_by: Sequence[str], bucket: str | None, aggregates_for) -> list:
    """One query: `aggregates_for(part, suffix)` per bucket, grouped by the dimensions; rows of CaseCounts."""
    dimensions = [DIMENSIONS[name] for name in group_by]
    queryset = cases_in_scope(period, scope)
    if any(dimension.needs_age for dimension in dimensions):
        queryset = _with_age_band(queryset)
    parts = period.split(bucket) if bucket else [period]
    aggregates: dict = {}
    for index, part in enumerate(parts):
        aggregates.update(aggregates_for(part, f"__{index}"))
    rows: list[dict[str, Any]]  # values() over fields named at run time
    if dimensions:
        value_fields = {f"_{dimension.name}": F(dimension.key) for dimension in dimensions}
        # django-stubs types values() over names known only at run time as an empty TypedDict
        rows = list(queryset.values(**value_fields).annotate(**aggregates).order_by(*value_fields))  # type: ignore[arg-type]
    else:
        rows = [queryset.aggregate(**aggregates)]
    result = []
    for row in rows:
        keys = {dimension.name: row[f"_{dimension.name}"] for dimension in dimensions}
        for index, part in enumerate(parts):
            counts = CaseCounts(**{metric: row[f"{metric}__{index}"] or 0 for metric in PERSON_METRICS})
            result.append(CountRow(keys=keys, labels={}, counts=counts, bucket=part if bucket else None))
    return result


def person_counts(
    period: Period, scope: Scope, *, group_by: Sequence[str] = (), bucket: str | None = None
) -> list[CountRow]:
    """Distinct young people behind each count of `case_counts` (new, closed, unplanned, open at end), grouped
    the same way. One query. The statistics API hides a cell when its cases or its people number 1–4."""
    return _per_bucket(period, scope, group_by, bucket, _person_aggregates)


def _key_aggregates(period: Period, suffix: str) -> dict:
    conditions = _metric_conditions(period)
    return {f"{metric}{suffix}": Sum("statistics_key", filter=conditions[metric]) for metric in PERSON_METRICS}


def key_sums(
    period: Period, scope: Scope, *, group_by: Sequence[str] = (), bucket: str | None = None
) -> list[CountRow]:
    """The sum of the cases' statistics keys behind each count of `case_counts` (new, closed, unplanned, open at
    end), grouped the same way: the cells' keys of the API's cell-key perturbation (api.disclosure). One query."""
    return _per_bucket(period, scope, group_by, bucket, _key_aggregates)
