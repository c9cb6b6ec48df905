"""SIG special follow-up: återfall as the indicator of effect, from recorded Reoffence rows, with suppression."""

import datetime
import subprocess

import pytest
from django.core.exceptions import FieldError
from django.db.models import QuerySet

from interventions.models import Reoffence
from reporting.figures import Period, Scope, defection_section, field_section, follow_up, sig_section
from reporting.pdf import render_pdf
from reporting.tests.datasets import CaseSpec, build_cases
from tests.environment import require
from tests.factories import ProviderFactory, UnitFactory

D = datetime.date
H1_2024 = Period.half_year(2024, 1)  # compared with H1 2023


def sig(report) -> dict:
    section = next(extra for extra in report.extras if extra.key == "sig")
    assert section.available
    return {row.key: row for row in section.figures}


def reoffend(case, handler, *days, kind="misstankt_brott"):
    for day in days:
        Reoffence.objects.create(case=case, noted_on=day, kind=kind, recorded_by=handler)


@pytest.fixture
def sig_dataset(unit, handler):
    """Ten SIG cases active in H1 2024, five of them with återfall noted in the period."""
    with_reoffence = build_cases(unit=unit, handler=handler, specs=[CaseSpec("sig", D(2024, 2, 1))] * 5)
    for case in with_reoffence:
        reoffend(case, handler, D(2024, 3, 1))
    reoffend(with_reoffence[0], handler, D(2024, 5, 1), kind="dom")  # a second one counts the case once
    build_cases(unit=unit, handler=handler, specs=[CaseSpec("sig", D(2024, 2, 1))] * 3)  # none recorded
    [later] = build_cases(unit=unit, handler=handler, specs=[CaseSpec("sig", D(2024, 2, 1))])
    reoffend(later, handler, D(2024, 8, 1))  # noted after the period
    [earlier] = build_cases(unit=unit, handler=handler, specs=[CaseSpec("sig", D(2023, 9, 1))])
    reoffend(earlier, handler, D(2023, 11, 1))  # noted before the period
    # not counted in H1 2024: closed before the period (but active and reoffending in H1 2023), another insats,
    # another provider
    [closed] = build_cases(
        unit=unit,
        handler=handler,
        specs=[CaseSpec("sig", D(2023, 1, 1), closed_on=D(2023, 12, 31), closure_reason="planerat")],
    )
    reoffend(closed, handler, D(2023, 3, 1), D(2024, 3, 1))
    [defector] = build_cases(unit=unit, handler=handler, specs=[CaseSpec("avhopp", D(2024, 2, 1))])
    reoffend(defector, handler, D(2024, 3, 1))
    elsewhere = UnitFactory(provider=ProviderFactory(name="Annan utförare"))
    for case in build_cases(unit=elsewhere, handler=handler, specs=[CaseSpec("sig", D(2024, 2, 1))] * 6):
        reoffend(case, handler, D(2024, 3, 1))
    return unit


@pytest.mark.django_db
def test_active_sig_cases_with_reoffence_in_the_period_and_the_share(sig_dataset, django_assert_max_num_queries):
    unit = sig_dataset
    report = follow_up(H1_2024, Scope(provider_id=unit.provider_id))
    rows = sig(report)
    assert (rows["sig_cases"].current, rows["reoffence_cases"].current) == (10, 5)
    assert (rows["sig_cases"].current_display, rows["reoffence_cases"].current_display) == ("10", "5")
    assert rows["recidivism"].current == 50.0 and rows["recidivism"].current_display == "50\u00a0%"
    assert "Uppgifter saknas" not in {row.current_display for row in rows.values()}
    # H1 2023: only the case closed later was active, and it reoffended: 1 of 1 must not be published
    assert rows["sig_cases"].previous is None and rows["sig_cases"].previous_display == "<5"
    assert rows["reoffence_cases"].previous_display == "<5"
    assert rows["recidivism"].previous is None and rows["recidivism"].previous_display == "<5"
    # the snapshot keeps its shape and gains the new keys
    snapshot = next(extra for extra in report.as_dict()["extras"] if extra["key"] == "sig")
    keys = [row["key"] for row in snapshot["figures"]]
    assert keys[:7] == ["plans", "people", "trainers", "meetings", "reached", "partly", "not_reached"]
    assert keys[7:] == ["sig_cases", "reoffence_cases", "recidivism"]
    # one aggregation for the period and the year before, whatever the number of cases
    from reporting.figures import _reoffence_figures

    with django_assert_max_num_queries(1):
        _reoffence_figures(Scope(provider_id=unit.provider_id), [H1_2024, H1_2024.previous_year()])


@pytest.mark.django_db
def test_unit_scope_counts_only_that_unit(sig_dataset, handler):
    other = UnitFactory(provider=sig_dataset.provider, name="Annan enhet")
    build_cases(unit=other, handler=handler, specs=[CaseSpec("sig", D(2024, 2, 1))] * 5)
    rows = sig(follow_up(H1_2024, Scope(provider_id=sig_dataset.provider_id, unit_id=sig_dataset.pk)))
    assert (rows["sig_cases"].current, rows["reoffence_cases"].current) == (10, 5)
    rows = sig(follow_up(H1_2024, Scope(provider_id=sig_dataset.provider_id)))
    assert (rows["sig_cases"].current, rows["reoffence_cases"].current) == (15, 5)
    assert rows["recidivism"].current_display == "33\u00a0%"


@pytest.mark.django_db
def test_few_reoffences_are_suppressed_and_so_is_their_share(unit, handler):
    cases = build_cases(unit=unit, handler=handler, specs=[CaseSpec("sig", D(2024, 1, 10))] * 7)
    reoffend(cases[0], handler, D(2024, 2, 1))
    reoffend(cases[1], handler, D(2024, 4, 1))
    rows = sig(follow_up(H1_2024, Scope(provider_id=unit.provider_id)))
    assert rows["sig_cases"].current == 7 and rows["sig_cases"].current_display == "7"
    assert rows["reoffence_cases"].current is None and rows["reoffence_cases"].current_display == "<5"
    # 2 of 7 would be 29 %, which gives the suppressed count away
    assert rows["recidivism"].current is None and rows["recidivism"].current_display == "<5"


@pytest.mark.django_db
def test_no_reoffence_is_zero_and_no_sig_cases_is_a_dash(unit, handler):
    build_cases(unit=unit, handler=handler, specs=[CaseSpec("sig", D(2024, 1, 10))] * 6)
    rows = sig(follow_up(H1_2024, Scope(provider_id=unit.provider_id)))
    assert (rows["sig_cases"].current, rows["reoffence_cases"].current) == (6, 0)
    assert rows["reoffence_cases"].current_display == "0" and rows["recidivism"].current_display == "0\u00a0%"
    # the comparison period (H1 2023) has no case at all: it says so instead of "0" (issue 19.4)
    assert (
        rows["sig_cases"].previous_display == "Uppgift saknas"
        and rows["recidivism"].previous_display == "Uppgift saknas"
    )


@pytest.mark.django_db
def test_screen_and_pdf_show_the_reoffence_figures(client, manager, sig_dataset, tmp_path):
    unit = sig_dataset
    client.force_login(manager)
    page = client.get(f"/uppfoljning/siffror/?scope=provider-{unit.provider_id}&kind=h1&year=2024").content.decode()
    assert "Aktuella SIG-ärenden under perioden" in page
    assert "Andel SIG-ärenden med återfall (effektindikator)" in page
    assert "50\u00a0%" in page or "50&nbsp;%" in page
    require("pdftotext")
    figures = follow_up(H1_2024, Scope(provider_id=unit.provider_id)).as_dict()
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(figures, commentary={}, meta={"version": 1}))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    line = next(line for line in text.splitlines() if "Andel SIG-ärenden med återfall" in line)
    assert "50 %" in line.replace("\u00a0", " ") and "<5" in line


@pytest.mark.django_db
@pytest.mark.parametrize("section", ["sig", "avhopp", "faltverksamhet"])
def test_a_schema_error_in_the_insats_figures_fails_loudly_never_shown_as_missing(monkeypatch, section):
    """The sections read the interventions models directly: a broken query is an error, not "Uppgifter saknas"."""

    def broken(self, *args, **kwargs):
        raise FieldError("Cannot resolve keyword")

    monkeypatch.setattr(QuerySet, "aggregate", broken)
    monkeypatch.setattr(QuerySet, "values_list", broken)  # the avhopp section reads its purchases row by row
    build = {
        "sig": lambda: sig_section(H1_2024, Scope(), H1_2024.previous_year()),
        "avhopp": lambda: defection_section(H1_2024, Scope(), H1_2024.previous_year()),
        "faltverksamhet": lambda: field_section(H1_2024, Scope(), H1_2024.previous_year()),
    }[section]
    with pytest.raises(FieldError):
        build()
