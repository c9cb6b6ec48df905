"""Statistics: primary and secondary suppression, scope, caching headers.

The suppression property is checked with an independent audit: from everything two random requests
publish (same measure and year, any period granularity and breakdown), plus every additive relation
between those numbers, an attacker solves for the hidden cells with exact linear algebra. No hidden
cell whose true count is 1–4 may be determined, no published count may be 1–4, and within every
relation whose total is shown the hidden cells must not sum to 1–4.
"""

import random
from collections import defaultdict
from collections.abc import Set as AbstractSet

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.disclosure import MAX_NOISE, TOTAL, PeriodTree, protect_cube
from api.tests.conftest import YEAR, token_client
from cases.models import Case, InsatsType
from reporting.dimensions import AGE_BANDS
from tests.factories import CaseFactory, DistrictFactory, PersonFactory

URL = "/api/v1/statistics/cases/"
PRIME = 2**61 - 1
MEASURES = ["new", "closed", "unplanned", "open"]
PERIODS = ["month", "quarter", "half_year", "year"]
DIMENSIONS = [None, "insats", "unit", "district", "age_band", "gender", "basis"]


# -- an independent attacker ----------------------------------------------------------------------------


def determined_cells(unknowns: list, equations: list[tuple[dict, int]]) -> set:
    """Cells whose value follows from the equations (sum of coefficient*cell = constant), exactly:
    Gaussian elimination modulo a large prime on the unknown cells."""
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows = []
    for coefficients, _constant in equations:
        row = {index[cell]: value % PRIME for cell, value in coefficients.items() if cell in index and value}
        if row:
            rows.append(row)
    pivots: dict[int, dict] = {}
    for row in rows:
        row = dict(row)
        for column in sorted(pivots):
            if column in row:
                factor = row[column]
                for key, value in pivots[column].items():
                    row[key] = (row.get(key, 0) - factor * value) % PRIME
                row = {key: value for key, value in row.items() if value}
        if not row:
            continue
        column = min(row)
        inverse = pow(row[column], PRIME - 2, PRIME)
        row = {key: value * inverse % PRIME for key, value in row.items()}
        for other in pivots.values():
            if column in other:
                factor = other[column]
                for key, value in row.items():
                    other[key] = (other.get(key, 0) - factor * value) % PRIME
                for key in [key for key, value in other.items() if not value]:
                    del other[key]
        pivots[column] = row
    return {unknowns[column] for column, row in pivots.items() if len(row) == 1}


def true_cube(measure: str, dimension: str | None, cases) -> dict:
    """Exact counts computed straight from the rows (independent of reporting.figures)."""
    counts: defaultdict[tuple[str, str], int] = defaultdict(int)
    tree = PeriodTree.for_year(YEAR, additive=measure != "open")
    for case in cases:
        key = TOTAL
        if dimension:
            key = f"{dimension}:{_key(case, dimension)}"
        for node in _nodes(case, measure, tree):
            counts[(node, TOTAL)] += 1
            if dimension:
                counts[(node, key)] += 1
    return counts


def _key(case, dimension):
    person = case.person
    if dimension == "insats":
        return case.insats_type.code
    if dimension == "unit":
        return str(case.unit_id)
    if dimension == "district":
        return str(person.district_id) if person.district_id else "okant"
    if dimension == "gender":
        return person.gender
    if dimension == "basis":
        return case.basis
    age = person.age_on(case.opened_on)
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return "okant"


def _nodes(case, measure, tree):
    import datetime

    months = []
    for month in range(1, 13):
        start = datetime.date(YEAR, month, 1)
        end = (datetime.date(YEAR + (month == 12), month % 12 + 1, 1)) - datetime.timedelta(days=1)
        if measure == "new":
            hit = start <= case.opened_on <= end
        elif measure in ("closed", "unplanned"):
            hit = case.closed_on is not None and start <= case.closed_on <= end
            hit = hit and (measure == "closed" or case.closure_reason == "oplanerat")
        else:
            hit = case.opened_on <= end and (case.closed_on is None or case.closed_on > end)
        if hit:
            months.append(f"{YEAR}-{month:02d}")
    nodes = set(months)
    for month in months:
        node = month
        while tree.parent[node] is not None:
            node = tree.parent[node]
            nodes.add(node)
    return nodes


def published(body: dict, measure: str, dimension: str | None) -> dict:
    """(node, column) -> published count or None, from one response (columns named dimension:key)."""
    cells = {}
    for bucket in body["buckets"]:
        period = bucket["period"]
        node = f"{YEAR}-{bucket['end'][5:7]}" if measure == "open" else period
        cells[(node, TOTAL)] = bucket["total"]["count"]
        for cell in bucket["cells"]:
            cells[(node, f"{dimension}:{cell['key']}")] = cell["count"]
    return cells


def relations(tree: PeriodTree, columns_by_dimension: dict[str, list[str]]):
    for dimension, columns in columns_by_dimension.items():
        for column in [TOTAL, *columns] if dimension is None else columns:
            for parent, kids in tree.relations():
                yield (parent, column), [(kid, column) for kid in kids]
        if dimension is not None:
            for node in tree.nodes:
                yield (node, TOTAL), [(node, column) for column in columns]


def audit(
    tree,
    truth: dict,
    shown: dict,
    columns_by_dimension: dict,
    known_elsewhere: AbstractSet = frozenset(),
    public: AbstractSet = frozenset(),
) -> list:
    """`public`: the headline cells, published exactly whatever their size (the nämnd report prints them)."""
    cells = {(node, TOTAL) for node in tree.nodes}
    for columns in columns_by_dimension.values():
        cells |= {(node, column) for node in tree.nodes for column in columns}
    for cell, value in shown.items():
        if value is not None:
            # the API perturbs (api.disclosure: cell-key noise); the engine's own tests publish exact counts
            assert abs(value - truth.get(cell, 0)) <= MAX_NOISE, cell
            if cell in public:
                assert value == truth.get(cell, 0), f"headline {cell} is exact"
            else:
                assert value == 0 or value >= 5, f"published count 1–4 at {cell}"
    unknowns = sorted(cell for cell in cells if shown.get(cell) is None and cell not in known_elsewhere)
    equations = []
    for parent, kids in relations(tree, columns_by_dimension):
        equations.append(({parent: 1, **dict.fromkeys(kids, -1)}, 0))
        if shown.get(parent) is not None and parent not in public:
            hidden = [kid for kid in kids if kid in shown and shown[kid] is None]
            hidden_sum = sum(truth.get(kid, 0) for kid in hidden)
            if all(kid in shown for kid in kids):
                assert not 0 < hidden_sum < 5, f"hidden cells under {parent} sum to {hidden_sum}"
    for cell in determined_cells(unknowns, equations) - set(public):  # a headline is published anyway
        assert not 0 < truth.get(cell, 0) < 5, f"hidden small cell {cell} can be worked out"
    return unknowns


# -- the engine alone, on random cubes ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    columns=st.integers(1, 12),
    stock=st.booleans(),
    density=st.sampled_from([0.2, 0.5, 1.0, 3.0]),
)
def test_engine_never_lets_a_small_cell_be_worked_out(seed, columns, stock, density):
    rng = random.Random(seed)
    tree = PeriodTree.for_year(YEAR, additive=not stock)
    keys = [f"v{index}" for index in range(columns)]
    counts = defaultdict(int)
    for leaf in [node for node in tree.nodes if not tree.children[node]]:
        for key in keys:
            value = min(int(rng.expovariate(1 / density)), 30)
            node = leaf
            while node is not None:
                counts[(node, key)] += value
                counts[(node, TOTAL)] += value
                node = tree.parent[node]
    hidden = protect_cube(tree, keys, counts)
    shown = {
        (node, column): None if (node, column) in hidden else counts.get((node, column), 0)
        for node in tree.nodes
        for column in [TOTAL, *keys]
    }
    audit(tree, counts, shown, {None: [], "d": keys})
    if columns > 1:
        # even an attacker who knows every total (e.g. from another scope) cannot work out a small value cell
        totals = {(node, TOTAL) for node in tree.nodes}
        values_only = {cell: value for cell, value in shown.items() if cell[1] != TOTAL}
        assert not totals & set(audit(tree, counts, values_only, {None: [], "d": keys}, totals))
    hidden_total = protect_cube(tree, [], counts)
    assert hidden_total == {cell for cell in hidden if cell[1] == TOTAL}


# -- through the API ----------------------------------------------------------------------------------------

request_strategy = st.fixed_dictionaries({"period": st.sampled_from(PERIODS), "group_by": st.sampled_from(DIMENSIONS)})


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(measure=st.sampled_from(MEASURES), first=request_strategy, second=request_strategy)
def test_two_requests_cannot_recover_a_suppressed_cell(statistics_data, stats_token, measure, first, second):
    client = token_client(stats_token)
    cases = list(Case.objects.filter(pk__in=statistics_data).select_related("person", "insats_type"))
    tree = PeriodTree.for_year(YEAR, additive=measure != "open")
    shown: dict = {}
    columns_by_dimension: dict = {None: []}
    truth: dict = {}
    for request in (first, second):
        params = {"measure": measure, "period": request["period"], "year": YEAR}
        if request["group_by"]:
            params["group_by"] = request["group_by"]
        body = client.get(URL, params).json()
        for cell, value in published(body, measure, request["group_by"]).items():
            assert shown.get(cell, value) == value, "the same number must get the same decision"
            shown[cell] = value
        dimension = request["group_by"]
        if dimension:
            columns_by_dimension[dimension] = [f"{dimension}:{group['key']}" for group in body["groups"]]
        truth |= true_cube(measure, dimension, cases)
    # cells of the dimensions' columns that no request published are unknown to the attacker; the provider's
    # year and half-year totals are its headline, exact (api.selectors.headline_cells)
    from api.selectors import headline_cells
    from reporting.figures import Scope

    public = headline_cells(Scope(provider_id=cases[0].unit.provider_id), measure, YEAR)
    audit(tree, truth, shown, columns_by_dimension, public=public)


@pytest.mark.django_db
def test_statistics_are_scoped_to_the_token(statistics_data, stats_token, unit):
    from api.services import api_token_create
    from core.models import Municipality
    from tests.factories import ProviderFactory

    ours = token_client(stats_token).get(URL, {"year": YEAR}).json()
    assert ours["buckets"][0]["total"]["count"] > 50
    other = ProviderFactory(municipality=Municipality.objects.create(name="Norrköpings kommun", code="0581"))
    _, key = api_token_create(actor=None, name="N", scope="statistics", user=unit.staff.first(), provider=other)
    theirs = token_client(key).get(URL, {"year": YEAR}).json()
    assert theirs["buckets"][0]["total"]["count"] == 0
    assert theirs["scope"] == {"municipality": None, "provider": other.pk}


@pytest.mark.django_db
def test_small_counts_are_null_with_a_flag(statistics_data, stats_token):
    body = token_client(stats_token).get(URL, {"year": YEAR, "period": "month", "group_by": "district"}).json()
    cells = [cell for bucket in body["buckets"] for cell in [bucket["total"], *bucket["cells"]]]
    assert any(cell["suppressed"] and cell["count"] is None for cell in cells)
    assert all((cell["count"] is None) == cell["suppressed"] for cell in cells)
    assert not any(cell["count"] is not None and 0 < cell["count"] < 5 for cell in cells)


@pytest.mark.django_db
def test_etag_and_last_modified(statistics_data, stats_token):
    client = token_client(stats_token)
    first = client.get(URL, {"year": YEAR, "group_by": "insats"})
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get(URL, {"year": YEAR, "group_by": "insats"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = client.get(URL, {"year": YEAR, "group_by": "gender"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200


@pytest.mark.django_db
def test_agreement_attainment_uses_the_same_suppressed_counts(statistics_data, stats_token, unit):
    import datetime

    from reporting.models import AgreedVolume, Agreement

    agreement = Agreement.objects.create(
        provider=unit.provider,
        name="Brottsförebyggande verksamhet",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        budget=3_854_000,
    )
    from cases.models import InsatsType

    for code in ("ungdomstjanst", "medling"):
        AgreedVolume.objects.create(
            agreement=agreement, insats_type=InsatsType.objects.get(code=code), min_per_year=30, max_per_year=40
        )
    client = token_client(stats_token)
    body = client.get("/api/v1/statistics/agreements/", {"year": YEAR}).json()
    volumes = {row["insats"]: row for row in body["agreements"][0]["volumes"]}
    counts = client.get(URL, {"year": YEAR, "group_by": "insats"}).json()["buckets"][0]["cells"]
    by_code = {cell["key"]: cell for cell in counts}
    for code, row in volumes.items():
        assert row["new"] == by_code[code]["count"]
        assert row["suppressed"] == by_code[code]["suppressed"]
        assert (row["status"] is None) == row["suppressed"]
    assert client.get("/api/v1/statistics/field-work/", {"year": YEAR}).status_code == 200


def test_a_cell_with_many_cases_of_few_people_is_hidden():
    tree = PeriodTree.for_year(YEAR)
    counts = defaultdict(int)
    persons = {}
    for leaf, key, value in [
        (f"{YEAR}-03", "a", 6),
        (f"{YEAR}-03", "b", 20),
        (f"{YEAR}-04", "a", 9),
        (f"{YEAR}-04", "b", 9),
    ]:
        node = leaf
        while node is not None:
            counts[(node, key)] += value
            counts[(node, TOTAL)] += value
            node = tree.parent[node]
    persons[(f"{YEAR}-03", "a")] = 2  # six cases, two young people
    hidden = protect_cube(tree, ["a", "b"], counts, persons)
    assert (f"{YEAR}-03", "a") in hidden
    assert (f"{YEAR}-03", "a") not in protect_cube(tree, ["a", "b"], counts)


@pytest.mark.django_db
def test_statistics_query_count_is_fixed_per_year(django_assert_max_num_queries, statistics_data, stats_token):
    client = token_client(stats_token)
    client.get(URL)  # the token's last-used stamp is written once a minute, not on every call
    with django_assert_max_num_queries(16):
        assert client.get(URL, {"year": YEAR, "period": "month", "group_by": "district"}).status_code == 200
    with django_assert_max_num_queries(16 + 12):
        assert client.get(URL, {"year": YEAR, "years": 2, "group_by": "district"}).status_code == 200


# -- cell-key perturbation through the API (issue 25.1) and the headline totals (25.2) -------------------------


@pytest.mark.django_db
def test_a_published_count_is_the_cells_count_with_the_noise_of_its_cases_keys(statistics_data, stats_token):
    from api.disclosure import perturbed

    client = token_client(stats_token)
    body = client.get(URL, {"year": YEAR, "period": "quarter", "measure": "new", "group_by": "gender"}).json()
    cases = Case.objects.filter(pk__in=statistics_data, opened_on__year=YEAR)
    checked = 0
    for bucket in body["buckets"]:
        quarter = int(bucket["period"][-1])
        for cell in bucket["cells"]:
            in_cell = cases.filter(
                person__gender=cell["key"], opened_on__month__gte=3 * quarter - 2, opened_on__month__lte=3 * quarter
            )
            expected = perturbed(in_cell.count(), sum(in_cell.values_list("statistics_key", flat=True)))
            if not cell["suppressed"]:
                assert cell["count"] == expected
                checked += 1
            else:
                assert expected is None or cell["count"] is None
    assert checked
    # the same question asked again: the same numbers (the noise is fixed by the cases, not drawn per request)
    again = client.get(URL, {"year": YEAR, "period": "quarter", "measure": "new", "group_by": "gender"}).json()
    assert again["buckets"] == body["buckets"]


@pytest.mark.django_db
def test_a_known_change_moves_only_the_cells_of_the_changed_case(statistics_data, stats_token, unit, handler):
    """Two data states: a cell that does not count the new case, shown in both, publishes the very same number
    (its cases and so its noise are unchanged; which cells the secondary suppression hides may differ)."""
    import datetime

    client = token_client(stats_token)
    params = {"year": YEAR, "period": "month", "measure": "new", "group_by": "district"}
    before = client.get(URL, params).json()
    person = PersonFactory(unit=unit, district=DistrictFactory(municipality=unit.provider.municipality))
    CaseFactory(
        person=person,
        handler=handler,
        unit=unit,
        opened_on=datetime.date(YEAR, 3, 14),
        insats_type=InsatsType.objects.get(code="medling"),
        statistics_key=40_503,  # a fixed key, so which cells the secondary suppression hides is not chance
    )
    after = client.get(URL, params).json()
    changed = {(f"{YEAR}-03", TOTAL), (f"{YEAR}-03", str(person.district_id))}
    compared = 0
    for old, new in zip(before["buckets"], after["buckets"], strict=True):
        both_shown = not old["total"]["suppressed"] and not new["total"]["suppressed"]
        if (old["period"], TOTAL) not in changed and both_shown:
            assert old["total"] == new["total"]
            compared += 1
        old_cells = {cell["key"]: cell for cell in old["cells"]}
        for cell in new["cells"]:
            previous = old_cells.get(cell["key"])
            unchanged = (new["period"], cell["key"]) not in changed
            if unchanged and previous and not previous["suppressed"] and not cell["suppressed"]:
                assert previous == cell
                compared += 1
    assert compared


@pytest.mark.django_db
def test_a_providers_headline_totals_are_exact_as_in_the_namnd_report(statistics_data, stats_token, unit):
    """25.2: the year's unplanned closures of the whole provider stand as the report prints them, even under 5."""
    from reporting.figures import Period, Scope, case_totals

    exact = case_totals(Period.year(YEAR), Scope(provider_id=unit.provider_id))
    client = token_client(stats_token)
    for measure, value in (("new", exact.new), ("closed", exact.closed), ("unplanned", exact.unplanned)):
        body = client.get(URL, {"year": YEAR, "period": "year", "measure": measure}).json()
        assert body["buckets"][0]["total"] == {"count": value, "suppressed": False}, measure
    half = case_totals(Period.half_year(YEAR, 1), Scope(provider_id=unit.provider_id))
    body = client.get(URL, {"year": YEAR, "period": "half_year", "measure": "unplanned"}).json()
    assert body["buckets"][0]["total"] == {"count": half.unplanned, "suppressed": False}


@pytest.mark.django_db
def test_without_postgresql_the_api_counts_live_and_nothing_is_stored(statistics_data, unit, monkeypatch):
    """24.5: the summary is PostgreSQL-only; elsewhere (SQLite, the demo) the answer is the live aggregate and
    refreshing stores nothing. The vendor is switched on the real connection, the queries still run."""
    from django.db import connection

    from api import selectors
    from reporting import statistics_summary
    from reporting.figures import Scope
    from reporting.models import StatisticsSummary

    scope = Scope(provider_id=unit.provider_id)
    on_postgresql = selectors.year_cube(scope, "new", YEAR, "gender")
    monkeypatch.setattr(connection, "vendor", "sqlite")
    StatisticsSummary.objects.all().delete()
    assert statistics_summary.refresh_all().rows == 0
    assert statistics_summary.refresh_dirty().rows == 0
    assert statistics_summary.cube_rows(scope, YEAR, "gender") is None
    live = selectors.year_cube(scope, "new", YEAR, "gender")
    assert not StatisticsSummary.objects.exists()
    assert (live.published, live.suppressed) == (on_postgresql.published, on_postgresql.suppressed)
