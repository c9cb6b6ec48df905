"""The nämnd report keeps its own "<5" (issue 25.2) and says what it knows (issue 19.4, 19.6).

The report prints exact counts, with its headline totals for the whole scope exact (as the seed papers do).
So its tables are checked as a whole: an attacker who reads every shown cell, the headline totals, the
identities that link the cells (new = bistånd + service; active = open at the start + new = closed + open at the
end, with the stock at the start known — zero when the data begin in the period; every column adds up to its
headline total; unplanned ≤ closed) and knows that a "<5" is 1–4 must not pin any "<5" exactly. The attacker
below is written independently of reporting.suppression: exact rational elimination plus bound propagation.
"""

import datetime
import random
from fractions import Fraction

import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from cases.models import Basis, ClosureReason, InsatsType
from reporting.figures import Period, Scope, follow_up
from reporting.models import AgreedVolume, Agreement
from reporting.suppression import SECONDARY_LABEL, SUPPRESSED_LABEL
from tests.factories import CaseFactory, PersonFactory

D = datetime.date
METRICS = ("new", "new_assistance", "new_service", "closed", "unplanned", "open_at_end", "persons")


# -- an independent attacker on one report's per-insats table -------------------------------------------------


def attacker_equations(rows: dict[str, dict], totals: dict[str, int], starts: dict[str, int]) -> list:
    """(coefficients over (code, metric), constant) for every identity the reader of a report knows."""
    equations = []
    for code in rows:
        equations.append(({(code, "new"): 1, (code, "new_assistance"): -1, (code, "new_service"): -1}, 0))
        # one case per young person: active = persons = open at the start + new = closed + open at the end
        equations.append(({(code, "persons"): 1, (code, "new"): -1}, starts[code]))
        equations.append(({(code, "persons"): 1, (code, "closed"): -1, (code, "open_at_end"): -1}, 0))
    for metric, total in totals.items():
        equations.append(({(code, metric): 1 for code in rows}, total))
    return equations


def pinned_cells(shown: dict, small: set, equations: list) -> set:
    """Hidden cells the attacker fixes exactly."""
    unknown = sorted(cell for cell, value in shown.items() if value is None)
    # exact elimination over the rationals on the hidden cells
    index = {cell: i for i, cell in enumerate(unknown)}
    reduced = []
    for coefficients, constant in equations:
        row = {}
        rest = Fraction(constant)
        for cell, coefficient in coefficients.items():
            if cell in index:
                row[index[cell]] = Fraction(coefficient)
            else:
                rest -= coefficient * shown[cell]
        if row:
            reduced.append((row, rest))
    pivots: dict[int, tuple[dict, Fraction]] = {}
    for row, rest in reduced:
        row = dict(row)
        for column, (pivot, pivot_rest) in list(pivots.items()):
            if row.get(column):
                factor = row[column]
                for key, value in pivot.items():
                    row[key] = row.get(key, 0) - factor * value
                rest -= factor * pivot_rest
                row = {key: value for key, value in row.items() if value}
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row, rest = {key: value / scale for key, value in row.items()}, rest / scale
        for other_column, (other, other_rest) in list(pivots.items()):
            if other.get(column):
                factor = other[column]
                for key, value in row.items():
                    other[key] = other.get(key, 0) - factor * value
                pivots[other_column] = ({k: v for k, v in other.items() if v}, other_rest - factor * rest)
        pivots[column] = (row, rest)
    fixed = {unknown[column] for column, (row, _rest) in pivots.items() if len(row) == 1}
    # bounds: a "<5" is 1–4, another hidden cell ≥ 0
    bounds = {cell: ((1, 4) if cell in small else (0, 10**6)) for cell in unknown}
    for _round in range(40):
        for coefficients, constant in equations:
            rest = constant - sum(c * shown[cell] for cell, c in coefficients.items() if cell not in bounds)
            hidden = [cell for cell in coefficients if cell in bounds]
            for target in hidden:
                low = high = rest
                for cell in hidden:
                    if cell != target:
                        c = coefficients[cell]
                        low -= c * (bounds[cell][1] if c > 0 else bounds[cell][0])
                        high -= c * (bounds[cell][0] if c > 0 else bounds[cell][1])
                c = coefficients[target]
                low, high = (low / c, high / c) if c > 0 else (high / c, low / c)
                bounds[target] = (max(bounds[target][0], low), min(bounds[target][1], high))
        # unplanned ≤ closed in every row (an unplanned closure is a closure); a shown cell is its own range
        for code in {cell[0] for cell in shown}:
            part, whole = (code, "unplanned"), (code, "closed")
            part_range = bounds.get(part) or (shown[part], shown[part])
            whole_range = bounds.get(whole) or (shown[whole], shown[whole])
            if whole in bounds:
                bounds[whole] = (max(whole_range[0], part_range[0]), whole_range[1])
            if part in bounds:
                bounds[part] = (part_range[0], min(part_range[1], whole_range[1]))
    return fixed | {cell for cell, (low, high) in bounds.items() if low >= high}


@st.composite
def reports(draw):
    rng = random.Random(draw(st.integers(0, 2**32)))
    codes = [f"i{n}" for n in range(draw(st.integers(1, 6)))]
    zero_start = draw(st.booleans())
    rows = {}
    for code in codes:
        scale = rng.choice([1, 3, 8, 25])
        start = 0 if zero_start else int(rng.expovariate(1 / scale))
        assistance, service = int(rng.expovariate(1 / scale)), int(rng.expovariate(1 / scale))
        new = assistance + service
        closed = rng.randint(0, start + new)
        unplanned = rng.randint(0, closed)
        rows[code] = {
            "new": new,
            "new_assistance": assistance,
            "new_service": service,
            "closed": closed,
            "unplanned": unplanned,
            "open_at_end": start + new - closed,
            "persons": start + new,
            "start": start,
        }
    return rows


@settings(max_examples=120, deadline=None)
@given(reports())
# a headline of 4 unplanned closures all in one insats, whose "<5" closed column is then 4 whatever else is shown
@example(
    rows={
        "i0": {
            "new": 4,
            "new_assistance": 1,
            "new_service": 3,
            "closed": 4,
            "unplanned": 4,
            "open_at_end": 0,
            "persons": 4,
            "start": 0,
        },
        "i1": {
            "new": 6,
            "new_assistance": 3,
            "new_service": 3,
            "closed": 3,
            "unplanned": 0,
            "open_at_end": 3,
            "persons": 6,
            "start": 0,
        },
    }  # fmt: skip
)
def test_no_hidden_count_in_the_insats_table_can_be_worked_out(rows):
    from reporting.figures import ADDITIVE_METRICS, TOTAL_ROW, _volume_identities
    from reporting.suppression import protect_table

    note(repr(rows))
    codes = list(rows)
    values = {(code, metric): row[metric] for code, row in rows.items() for metric in METRICS}
    values |= {(code, "previous_new"): 0 for code in codes}
    values |= {(code, "active"): row["persons"] for code, row in rows.items()}
    values |= {(code, "open_at_start"): row["start"] for code, row in rows.items()}
    totals = {metric: sum(row[metric] for row in rows.values()) for metric in ADDITIVE_METRICS}
    values |= {(TOTAL_ROW, metric): total for metric, total in totals.items()} | {(TOTAL_ROW, "previous_new"): 0}
    identities, at_most = _volume_identities(codes)
    public = {(TOTAL_ROW, metric) for metric in (*ADDITIVE_METRICS, "previous_new")}
    public |= {(code, "open_at_start") for code in codes}
    primary, secondary = protect_table(values, identities, at_most, public, {(code, "active") for code in codes})
    shown = {
        (code, metric): None if (code, metric) in primary | secondary else rows[code][metric]
        for code in codes
        for metric in METRICS
    }
    assert all(shown[cell] is None for cell in shown if 0 < rows[cell[0]][cell[1]] < 5), "a 1–4 is shown"
    equations = attacker_equations(rows, totals, {code: row["start"] for code, row in rows.items()})
    # what the public totals and the shown zeros give alone is the public number itself (e.g. all of a small
    # headline in one insats): the attacker run on a table with every non-zero cell hidden finds those
    only_zeros = {cell: (value if value == 0 else None) for cell, value in shown.items()}
    only_zeros = {cell: None if cell in primary else value for cell, value in only_zeros.items()}
    inherent = pinned_cells(only_zeros, primary, equations)
    for cell in pinned_cells(shown, primary, equations) - inherent:
        code, metric = cell
        assert cell not in primary, f"{cell} = {rows[code][metric]} can be worked out"


# -- through follow_up ------------------------------------------------------------------------------------


def _case(unit, handler, code, opened, closed=None, reason="", basis=Basis.ASSISTANCE):
    return CaseFactory(
        unit=unit,
        handler=handler,
        person=PersonFactory(unit=unit),
        insats_type=InsatsType.objects.get(code=code),
        basis=basis,
        opened_on=opened,
        closed_on=closed,
        closure_reason=reason,
    )


@pytest.fixture
def medling_agreement(unit):
    agreement = Agreement.objects.create(
        provider=unit.provider,
        name="Överenskommelse 2016",
        starts_on=D(2016, 1, 1),
        ends_on=D(2016, 12, 31),
        budget=1_000_000,
    )
    AgreedVolume.objects.create(
        agreement=agreement, insats_type=InsatsType.objects.get(code="medling"), min_per_year=5, max_per_year=7
    )
    AgreedVolume.objects.create(
        agreement=agreement, insats_type=InsatsType.objects.get(code="ungdomstjanst"), min_per_year=30, max_per_year=40
    )
    return agreement


@pytest.mark.django_db
def test_lage_and_uppfyllelse_are_hidden_with_the_count_they_come_from(unit, handler, medling_agreement):
    # given 3 new medlingar in a half-year whose pro-rated target is 2,5–3,5: "Inom" would say exactly 3
    for day in (3, 10, 20):
        _case(unit, handler, "medling", D(2016, 2, day))
    for day in range(1, 21):
        _case(unit, handler, "ungdomstjanst", D(2016, 3, day))
    report = follow_up(Period.half_year(2016, 1), Scope(provider_id=unit.provider_id), agreement=medling_agreement)
    medling = next(row for row in report.volumes if row.code == "medling")
    assert medling.displays["new"] == SUPPRESSED_LABEL
    assert medling.status == "" and medling.status_display == SUPPRESSED_LABEL
    assert medling.attainment_percent is None and medling.attainment_display == SUPPRESSED_LABEL
    # the headline total stands exact, so the other insats's new would give the 3 away: it is hidden too
    assert next(figure for figure in report.key_figures if figure.key == "new").current == 23
    ungdomstjanst = next(row for row in report.volumes if row.code == "ungdomstjanst")
    assert ungdomstjanst.displays["new"] == SECONDARY_LABEL and ungdomstjanst.status_display == SECONDARY_LABEL


@pytest.mark.django_db
def test_zero_stock_new_and_open_at_end_do_not_give_away_a_closed_count(unit, handler):
    # given an insats whose cases all began in the period: 9 new, 2 closed, 7 open at the end (and another insats)
    for day in range(1, 10):
        closed = D(2016, 5, day) if day <= 2 else None
        _case(unit, handler, "skk", D(2016, 1, day), closed, ClosureReason.PLANNED if closed else "")
    for day in range(1, 28):
        closed = D(2016, 6, day) if day <= 12 else None
        _case(unit, handler, "stod_brottsutsatta", D(2016, 2, day), closed, ClosureReason.PLANNED if closed else "")
    report = follow_up(Period.half_year(2016, 1), Scope(provider_id=unit.provider_id))
    skk = next(row for row in report.volumes if row.code == "skk")
    assert skk.displays["closed"] == SUPPRESSED_LABEL
    # new − open at the end (and young people active − open at the end) would be the closed count: not both shown
    assert skk.new is None or skk.open_at_end is None
    assert skk.persons is None or skk.open_at_end is None
    # and the other insats's closed is not the headline minus nothing: the column still hides two cells
    assert sum(1 for row in report.volumes if row.closed is None) >= 2


@pytest.mark.django_db
def test_young_people_active_during_the_period_per_insats(unit, handler):
    """19.6: SKK "ca 10 ungdomar": those open at the start plus those new in the period, each counted once."""
    for day in range(1, 7):
        _case(unit, handler, "skk", D(2015, 11, day))  # open at the start
    for day in range(1, 6):
        _case(unit, handler, "skk", D(2016, 3, day))  # new
    _case(unit, handler, "skk", D(2015, 1, 5), D(2015, 12, 1), ClosureReason.PLANNED)  # ended before
    for day in range(1, 30):
        _case(unit, handler, "stod_brottsutsatta", D(2016, 4, day))
    report = follow_up(Period.half_year(2016, 1), Scope(provider_id=unit.provider_id))
    skk = next(row for row in report.volumes if row.code == "skk")
    assert skk.persons == 11 and skk.displays["persons"] == "11"


@pytest.mark.django_db
def test_a_comparison_period_without_data_says_so(unit, handler):
    for day in range(1, 12):
        _case(unit, handler, "stod_brottsutsatta", D(2016, 3, day))
    report = follow_up(Period.half_year(2016, 1), Scope(provider_id=unit.provider_id))
    new = next(figure for figure in report.key_figures if figure.key == "new")
    assert new.previous is None and new.previous_display == "Uppgift saknas"
    row = next(row for row in report.volumes if row.code == "stod_brottsutsatta")
    assert row.previous_new is None and row.displays["previous_new"] == "Uppgift saknas"
    assert all(dist.previous_total_display == "Uppgift saknas" for dist in report.distributions)


@pytest.mark.django_db
def test_sections_of_insatser_outside_the_agreement_are_left_out(unit, handler, medling_agreement):
    report = follow_up(Period.year(2016), Scope(provider_id=unit.provider_id), agreement=medling_agreement)
    assert [extra.key for extra in report.extras] == []
    AgreedVolume.objects.create(
        agreement=medling_agreement, insats_type=InsatsType.objects.get(code="sig"), min_per_year=5, max_per_year=8
    )
    report = follow_up(Period.year(2016), Scope(provider_id=unit.provider_id), agreement=medling_agreement)
    assert [extra.key for extra in report.extras] == ["sig"]


# -- the PDF: fits A4, every column readable, tagged PDF/A (19.4) ---------------------------------------------


def _pdf_text(document: bytes, *options: str) -> str:
    import subprocess

    from tests.environment import require

    require("pdftotext")
    result = subprocess.run(["pdftotext", *options, "-", "-"], input=document, capture_output=True, check=True)
    return result.stdout.decode().replace("\u00a0", " ")


@pytest.mark.requires("pdftotext", "pdfinfo")
@pytest.mark.django_db
def test_the_pdf_shows_every_column_of_every_table_and_is_tagged_pdf_a(seed_2016, unit, agreement):
    import re
    import subprocess
    from html.parser import HTMLParser

    from django.template.loader import render_to_string

    from reporting import pdf

    figures = follow_up(Period.year(2016), Scope(provider_id=unit.provider_id), agreement=agreement).as_dict()
    meta = {"version": 1, "finalised": False, "reference": "ON 2017/0042"}
    document = pdf.render_pdf(figures, commentary={}, meta=meta)

    class Headers(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.inside = [], False

        def handle_starttag(self, tag, attrs):
            if tag == "table" and "figures" in dict(attrs).get("class", ""):
                self.tables.append([])
            self.inside = self.inside or (tag == "th" and ("scope", "col") in attrs)
            if self.inside and tag == "th":
                self.tables[-1].append("")

        def handle_endtag(self, tag):
            if tag == "th":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.tables[-1][-1] += data

    parser = Headers()
    parser.feed(render_to_string("reporting/pdf/report.html", pdf.report_context(figures, commentary={}, meta=meta)))
    raw = " ".join(_pdf_text(document, "-raw").split())
    assert len(parser.tables) >= 6
    for headers in parser.tables:
        for header in headers:
            assert " ".join(header.split()) in raw, f"column {header!r} is not in the PDF"
    # the volumes table on A4: each insats row ends with the year before's count ("Året innan" is not cut off)
    layout = _pdf_text(document, "-layout")
    lines = [line.rstrip() for line in layout.splitlines()]
    for row in figures["volumes"]:
        target = row["target_display"].replace("\u00a0", " ")
        found = [line for line in lines if row["name"].split()[0] in line and f" {target} " in line]
        assert found, f"{row['name']}: no volumes line in\n{layout}"
        assert found[0].endswith(row["displays"]["previous_new"].replace("\u00a0", " ")), found[0]
    info = subprocess.run(["pdfinfo", "-"], input=document, capture_output=True, check=True).stdout.decode()
    assert re.search(r"Tagged:\s+yes", info) and re.search(r"Page size:\s+595", info)
    meta_xml = subprocess.run(["pdfinfo", "-meta", "-"], input=document, capture_output=True, check=True).stdout
    assert re.search(rb"pdfaid:part(>|=.)2", meta_xml) and re.search(rb"pdfaid:conformance(>|=.)A", meta_xml)


@pytest.mark.django_db
def test_the_excel_export_has_numbers_and_dates(seed_2016, unit, agreement):
    import io

    from openpyxl import load_workbook

    from reporting.exports import render_xlsx

    figures = follow_up(Period.year(2016), Scope(provider_id=unit.provider_id), agreement=agreement).as_dict()
    book = load_workbook(io.BytesIO(render_xlsx(figures)))
    volumes = book["Volymer"]
    headers = [cell.value for cell in volumes[3]]
    rows = {row[0]: dict(zip(headers, row, strict=True)) for row in volumes.iter_rows(min_row=4, values_only=True)}
    medling = rows["Medling"]
    assert medling["Avtal per år, lägst"] == 30 and medling["Avtal per år, högst"] == 30
    assert isinstance(medling["Avtal för perioden, lägst"], (int, float))
    summary = book["Sammanfattning"]
    dates = {row[0]: row[1:3] for row in summary.iter_rows(min_row=4, values_only=True)}
    first, previous_first = dates["Periodens första dag"]
    assert first.date() == D(2016, 1, 1) and previous_first.date() == D(2015, 1, 1)
    assert dates["Periodens sista dag"][0].date() == D(2016, 12, 31)
