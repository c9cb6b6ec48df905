"""The statistics summary (reporting.statistics_summary) against the live aggregate, and its incremental refresh.

Reconciliation: for every measure × dimension × scope kind and several years, the cube the API builds from
the summary equals the cube of the live computation (api.selectors.year_cube_live: reporting.figures
case_counts / person_counts) exactly — cases, distinct people, columns, labels and the suppression decided
on them, and the published (perturbed) counts, which come from the cells' key sums. The summary is
PostgreSQL-only (on SQLite the API counts live), so these tests need PostgreSQL.
"""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from api import selectors
from api.disclosure import TOTAL
from api.models import TokenScope
from api.services import api_token_create
from api.tests.conftest import token_client
from cases import services
from cases.importer import cases_import
from cases.models import Case, InsatsType, Person
from core.models import Municipality, Provider, Unit
from reporting import statistics_summary
from reporting.figures import Scope
from reporting.models import StatisticsDirty, StatisticsScopeKind, StatisticsSummary
from tests.factories import (
    CaseFactory,
    DistrictFactory,
    MunicipalityFactory,
    PersonFactory,
    ProviderFactory,
    UnitFactory,
    UserFactory,
    personnummer_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.requires("postgresql")]

URL = "/api/v1/statistics/cases/"
TODAY = timezone.localdate()


def _nonzero(cells: dict) -> dict:
    return {cell: value for cell, value in cells.items() if value}


def assert_summary_matches_live(scopes, years, dimensions=(None, *selectors.DIMENSIONS)) -> int:
    """Every cube of the scopes and years: the summary's equals the live one. Returns the number compared."""
    compared = 0
    for scope in scopes:
        for year in years:
            for dimension in dimensions:
                assert statistics_summary.cube_rows(scope, year, dimension) is not None, (scope, year)
                compared += _assert_measures_match(scope, year, dimension)
    return compared


def _assert_measures_match(scope, year, dimension) -> int:
    compared = 0
    # every measure's live cube from one read of the rows (the same cubes year_cube_live builds one at a time)
    live_cubes = selectors.year_cubes_live(scope, list(selectors.MEASURES), year, dimension)
    for measure in selectors.MEASURES:
        live = live_cubes[measure]
        summary = selectors.year_cube(scope, measure, year, dimension)
        where = (scope, year, measure, dimension)
        assert _nonzero(summary.counts) == _nonzero(live.counts), where
        assert _nonzero(summary.persons) == _nonzero(live.persons), where
        assert summary.columns == live.columns, where
        assert summary.labels == live.labels, where
        assert summary.suppressed == live.suppressed, where
        assert summary.published == live.published, where
        compared += 1
    return compared


def all_scopes() -> list[Scope]:
    scopes = [Scope()]
    scopes += [Scope(municipality_id=pk) for pk in Municipality.objects.order_by("pk").values_list("pk", flat=True)]
    scopes += [Scope(provider_id=pk) for pk in Provider.objects.order_by("pk").values_list("pk", flat=True)]
    chosen = Unit.objects.order_by("pk").values_list("pk", "provider_id")
    scopes += [Scope(provider_id=provider, unit_id=pk) for pk, provider in chosen]
    return scopes


# -- a data set with the edge cases ------------------------------------------------------------------------------


@pytest.fixture
def edge_data(unit, handler):
    """Two municipalities (A: two providers, three units; B: one), districts in both, and the awkward cases."""
    municipality_a = unit.provider.municipality
    second_unit = UnitFactory(name="Insatsteamet", provider=unit.provider)
    other_provider = ProviderFactory(municipality=municipality_a, name="Fältgruppen AB")
    third_unit = UnitFactory(name="Fältare", provider=other_provider)
    municipality_b = MunicipalityFactory(name="Bkommun", code="0999")
    unit_b = UnitFactory(name="B-enheten", provider=ProviderFactory(municipality=municipality_b, name="B-utföraren"))
    handlers = {
        target.pk: UserFactory(username=f"h{target.pk}", unit=target) for target in (second_unit, third_unit, unit_b)
    }
    handlers[unit.pk] = handler
    districts_a = [DistrictFactory(municipality=municipality_a, name=name) for name in ("Ryd", "Berga", "Skäggetorp")]
    district_b = DistrictFactory(municipality=municipality_b, name="Åby")
    insatser = list(InsatsType.objects.filter(code__in=["ungdomstjanst", "medling", "stod_brottsutsatta", "sig"]))
    units = [unit, second_unit, third_unit, unit_b]
    serial = iter(range(100, 10_000))

    def person(**kwargs):
        birth = kwargs.pop("birth_date", datetime.date(2008, 5, 20))
        return PersonFactory(unit=unit, birth_date=birth, id_number=personnummer_for(birth, next(serial)), **kwargs)

    def case(target, who, opened, closed=None, reason="", **kwargs):
        return CaseFactory(
            person=who,
            handler=handlers[target.pk],
            unit=target,
            opened_on=opened,
            closed_on=closed,
            closure_reason=reason,
            **kwargs,
        )

    # a spread of ordinary cases over 2024–2026 so that cells of every size exist
    for index in range(90):
        target = units[index % 4]
        districts = [district_b] if target is unit_b else districts_a
        who = person(
            birth_date=datetime.date(2003 + index % 14, 1 + index % 12, 1 + index % 27),
            gender=["flicka", "pojke", "annat", "okant"][index % 4],
            district=None if index % 9 == 0 else districts[index % len(districts)],
        )
        opened = datetime.date(2024, 1, 1) + datetime.timedelta(days=(index * 37) % 900)
        closed = opened + datetime.timedelta(days=20 + index * 11 % 200) if index % 3 else None
        if closed and closed > TODAY:
            closed = None
        reason = ("oplanerat" if index % 5 == 0 else "planerat") if closed else ""
        case(
            target,
            who,
            opened,
            closed,
            reason,
            insats_type=insatser[index % 4],
            basis=["bistand", "service"][index % 2],
        )
        if index % 4 == 0:  # a second case of the same person (people are fewer than cases)
            case(target, who, opened + datetime.timedelta(days=40), insats_type=insatser[(index + 1) % 4])
    # closed unplanned in 2025
    case(unit, person(), datetime.date(2025, 2, 3), datetime.date(2025, 9, 30), "oplanerat")
    # open across years (from 2023, still open)
    case(second_unit, person(), datetime.date(2023, 11, 14))
    # a person who moves district after the cases were registered
    mover = person(district=districts_a[0])
    case(unit, mover, datetime.date(2025, 4, 1))
    mover.district = districts_a[1]
    mover.save()
    # skyddad folkbokföring
    case(unit, person(protection="skyddad_folkbokforing", first_name="Hemlig"), datetime.date(2025, 6, 2))
    # gallring-anonymised: the name is gone, birth date, gender and district stay
    anonymised = person(district=districts_a[2])
    case(third_unit, anonymised, datetime.date(2024, 3, 3), datetime.date(2024, 8, 8), "planerat")
    Person.objects.filter(pk=anonymised.pk).update(first_name="", last_name="", street_address="")
    Case.objects.filter(person=anonymised).update(closure_note="")
    # a case moved to another unit (and provider)
    moved = case(unit, person(), datetime.date(2025, 1, 20))
    Case.objects.filter(pk=moved.pk).update(unit=third_unit)
    # a deleted case
    case(second_unit, person(), datetime.date(2025, 5, 5)).delete()
    # one person with cases in two municipalities (their district is in A)
    both = person(district=districts_a[0], gender="flicka")
    case(unit, both, datetime.date(2025, 3, 3))
    case(unit_b, both, datetime.date(2025, 3, 9), datetime.date(2025, 7, 1), "oplanerat")
    # one person with cases in three units of two providers of A (counted once per provider and municipality)
    busy = person(district=districts_a[1], gender="pojke")
    case(unit, busy, datetime.date(2025, 2, 10), datetime.date(2025, 4, 1), "planerat")
    case(second_unit, busy, datetime.date(2025, 2, 20))
    case(third_unit, busy, datetime.date(2025, 8, 5), datetime.date(2025, 11, 1), "oplanerat")
    # born after the case opened: the age band is unknown
    case(unit, person(birth_date=datetime.date(2025, 12, 1)), datetime.date(2025, 10, 10))
    return {"a": municipality_a, "b": municipality_b, "units": units}


def test_summary_equals_live_on_edge_cases(edge_data):
    # when the summary is rebuilt from scratch
    statistics_summary.refresh_all()

    # then every cube of every scope kind equals the live computation: the nation, both municipalities, the
    # provider and unit a case moved to, the other municipality's unit (a person with cases in both) and the
    # first provider (a person with cases in two of its units)
    moved_to, unit_b = edge_data["units"][2], edge_data["units"][3]
    scopes = [Scope(), Scope(municipality_id=edge_data["a"].pk), Scope(municipality_id=edge_data["b"].pk)]
    scopes += [Scope(provider_id=moved_to.provider_id), Scope(provider_id=moved_to.provider_id, unit_id=moved_to.pk)]
    scopes.append(Scope(provider_id=unit_b.provider_id, unit_id=unit_b.pk))
    scopes.append(Scope(provider_id=edge_data["units"][0].provider_id))  # a person in two of its units
    assert assert_summary_matches_live(scopes, [2025]) == 7 * 7 * 4
    # and in the other years: before (a case open since 2023) and the current year
    assert_summary_matches_live([Scope()], [2023, 2026], [None, "district", "age_band"])


def test_incremental_marks_then_match_live(edge_data):
    # given the marks the factories' writes left (no full rebuild): the requests refresh what they need
    assert StatisticsDirty.objects.exists()
    statistics_summary.refresh_all()
    # when more writes happen after the rebuild
    unit = edge_data["units"][0]
    case = Case.objects.filter(unit=unit, closed_on__isnull=True).order_by("opened_on").first()
    Case.objects.filter(pk=case.pk).update(closed_on=datetime.date(2025, 12, 1), closure_reason="oplanerat")
    Person.objects.filter(pk=case.person_id).update(gender="annat")
    # then the marks are taken by the next read and the cubes match again
    assert StatisticsDirty.objects.filter(municipality_id=edge_data["a"].pk).exists()
    assert_summary_matches_live([Scope(municipality_id=edge_data["a"].pk), Scope()], [2024, 2025, 2026])
    assert not StatisticsDirty.objects.exists()


# -- generated data --------------------------------------------------------------------------------------------


def test_summary_equals_live_on_generated_data():
    from devdata.datagen import generate

    generate("XS")
    call_command("refresh_statistics", "--all", verbosity=0)
    unit = Unit.objects.order_by("pk").first()
    scopes = [Scope(), Scope(municipality_id=unit.provider.municipality_id), Scope(provider_id=unit.provider_id)]
    scopes.append(Scope(provider_id=unit.provider_id, unit_id=unit.pk))
    assert_summary_matches_live(scopes, [TODAY.year - 2, TODAY.year])


# -- incremental refresh through the services ---------------------------------------------------------------


def _rows(municipality: Municipality) -> dict:
    providers = Provider.objects.filter(municipality=municipality).values_list("pk", flat=True)
    units = Unit.objects.filter(provider__municipality=municipality).values_list("pk", flat=True)
    rows = StatisticsSummary.objects.filter(
        scope_kind=StatisticsScopeKind.MUNICIPALITY, scope_id=municipality.pk
    ) | StatisticsSummary.objects.filter(scope_kind=StatisticsScopeKind.PROVIDER, scope_id__in=list(providers))
    rows |= StatisticsSummary.objects.filter(scope_kind=StatisticsScopeKind.UNIT, scope_id__in=list(units))
    return {row.pk: row.updated_at for row in rows}


def _national() -> set:
    return set(StatisticsSummary.objects.filter(scope_kind=StatisticsScopeKind.NATIONAL).values_list("pk", flat=True))


def _year_total(client, measure: str) -> int | None:
    """The exact year total behind the client's answer (the answer itself carries cell-key noise): the request
    refreshes what its scope has marked, then the summary's count is read."""
    body = client.get(URL, {"year": TODAY.year, "measure": measure, "period": "year"}).json()
    scope = Scope(municipality_id=body["scope"]["municipality"], provider_id=body["scope"]["provider"])
    assert statistics_summary.cube_rows(scope, TODAY.year, None) is not None
    return selectors.year_cube(scope, measure, TODAY.year, None).counts.get((str(TODAY.year), TOTAL), 0)


def test_a_write_marks_its_municipality_and_the_answer_follows(unit, handler, manager, stats_client):
    # given two municipalities with enough cases this year for the yearly totals to be published
    municipality_a = unit.provider.municipality
    unit_b = UnitFactory(provider=ProviderFactory(municipality=MunicipalityFactory(name="Bkommun", code="0998")))
    handler_b = UserFactory(username="handler_b", unit=unit_b)
    first_day = datetime.date(TODAY.year, 1, 1)
    serial = iter(range(500, 600))
    for index in range(24):
        birth = datetime.date(2008, 1 + index % 12, 5)
        for target, who in ((unit, handler), (unit_b, handler_b)):
            person = PersonFactory(unit=target, birth_date=birth, id_number=personnummer_for(birth, next(serial)))
            CaseFactory(person=person, handler=who, unit=target, opened_on=first_day, number=f"T-{person.pk.hex[:12]}")
    _, key = api_token_create(
        actor=None, name="BI", scope=TokenScope.STATISTICS, user=stats_client, municipality=municipality_a
    )
    client = token_client(key)
    closing = Case.objects.filter(unit=unit).order_by("number")[:6]
    Case.objects.filter(pk__in=[case.pk for case in closing]).update(closed_on=TODAY, closure_reason="planerat")
    statistics_summary.refresh_all()
    new_before, closed_before = _year_total(client, "new"), _year_total(client, "closed")
    b_rows, national = _rows(unit_b.provider.municipality), _national()

    # when a case is opened through the services
    person = PersonFactory(unit=unit, birth_date=datetime.date(2009, 4, 12))
    insats = InsatsType.objects.get(code="ungdomstjanst")
    opened = services.case_open(
        actor=handler,
        person=person,
        insats_type=insats,
        unit=unit,
        handler=handler,
        referral_source="polis",
        basis="bistand",
        opened_on=first_day,
    )
    # then the municipality is marked, and the next answer counts the case
    assert StatisticsDirty.objects.filter(kind="municipality", municipality_id=municipality_a.pk).exists()
    a_rows = _rows(municipality_a)
    assert _year_total(client, "new") == new_before + 1
    # only municipality A's rows were recomputed; B's kept their ids and times; the national rows wait for their mark
    assert not set(a_rows) & set(_rows(municipality_a))
    assert _rows(unit_b.provider.municipality) == b_rows
    assert _national() == national
    assert StatisticsDirty.objects.filter(kind="national").exists()
    statistics_summary.refresh_dirty()
    assert not _national() & national and not StatisticsDirty.objects.exists()
    assert _rows(unit_b.provider.municipality) == b_rows

    # when it is closed, and a person changes district
    services.case_close(actor=handler, case=opened, reason="oplanerat", closed_on=TODAY)
    assert StatisticsDirty.objects.filter(municipality_id=municipality_a.pk).exists()
    assert _year_total(client, "closed") == closed_before + 1
    person.district = DistrictFactory(municipality=municipality_a, name="Nytt område")
    person.save()
    assert StatisticsDirty.objects.filter(municipality_id=municipality_a.pk).exists()
    assert_summary_matches_live([Scope(municipality_id=municipality_a.pk)], [TODAY.year], ["district"])

    # when cases are imported (bulk_create) the answer follows as well
    number = personnummer_for(datetime.date(2009, 4, 12), 77)
    content = (
        "Personnummer;Förnamn;Efternamn;Område;Insats;Aktualiserad;Aktualiserad av;Grund;Handläggare;"
        f"Ärendenummer;Avslutad;Avslutsorsak\n{number};Elin;Testsson;;Ungdomstjänst;{first_day.isoformat()};"
        "Polis;Bistånd;handler;;;\n"
    ).encode("utf-8-sig")
    assert cases_import(actor=manager, content=content, filename="arenden.csv").committed
    assert StatisticsDirty.objects.filter(municipality_id=municipality_a.pk).exists()
    assert _year_total(client, "new") == new_before + 2
    assert _rows(unit_b.provider.municipality) == b_rows
    # the national answer (a statistics user without unit, signed in) refreshes the rest
    national_client = Client()
    national_client.force_login(stats_client)
    assert national_client.get(URL, {"year": TODAY.year}).status_code == 200
    assert not StatisticsDirty.objects.exists()
    assert_summary_matches_live([Scope()], [TODAY.year], [None, "insats"])


def test_a_case_edit_the_counts_ignore_moves_only_last_modified(unit, handler):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=unit))
    statistics_summary.refresh_all()
    rows = _rows(unit.provider.municipality)
    Case.objects.filter(pk=case.pk).update(next_follow_up_on=TODAY, updated_at=timezone.now())
    marks = StatisticsDirty.objects.values_list("municipality_id", "from_year")
    assert set(marks) == {(unit.provider.municipality_id, statistics_summary.NO_YEAR)}
    last = selectors.statistics_last_modified(Scope(municipality_id=unit.provider.municipality_id))
    assert last == Case.objects.get(pk=case.pk).updated_at
    assert _rows(unit.provider.municipality) == rows


def test_years_after_the_summary_are_computed_live(unit, handler):
    CaseFactory(handler=handler, person=PersonFactory(unit=unit), opened_on=datetime.date(2025, 3, 1))
    statistics_summary.refresh_all()
    later = TODAY.year + 3
    assert statistics_summary.cube_rows(Scope(), later, None) is None
    cube = selectors.year_cube(Scope(), "open", later, None)
    assert cube.counts == selectors.year_cube_live(Scope(), "open", later, None).counts


def test_imported_cases_get_a_key_each(unit, handler, manager):
    """The cell-key perturbation needs a random key per case, also from the importer's bulk write."""
    lines = [
        f"{personnummer_for(datetime.date(2009, 4, day), 77)};Elin;Testsson{day};;Ungdomstjänst;"
        f"{TODAY.isoformat()};Polis;Bistånd;handler;;;"
        for day in range(1, 7)
    ]
    content = (
        "Personnummer;Förnamn;Efternamn;Område;Insats;Aktualiserad;Aktualiserad av;Grund;Handläggare;"
        "Ärendenummer;Avslutad;Avslutsorsak\n" + "\n".join(lines) + "\n"
    ).encode("utf-8-sig")
    assert cases_import(actor=manager, content=content, filename="arenden.csv").committed
    keys = list(Case.objects.values_list("statistics_key", flat=True))
    assert len(keys) == 6 and len(set(keys)) > 1
    # the key is the secret of the noise: it is in no change history (which staff and the registerutdrag read)
    from core.models import ChangeLog

    assert not any("statistics_key" in row for row in ChangeLog.objects.values_list("changes", flat=True))
