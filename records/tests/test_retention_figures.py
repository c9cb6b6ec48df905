"""Gallring never changes a published figure: over generated data, every past half-year's follow-up for every
provider is the same before and after a real run far in the future (issue 19 point 3, issue 24 point 3)."""

import dataclasses
import datetime

import pytest

from core.models import Provider
from devdata.datagen import DEFAULT_UNTIL, YEARS_OF_HISTORY, generate
from interventions.models import Reoffence
from records.models import RetentionItem
from records.retention import retention_run
from reporting.figures import Period, Scope, follow_up

pytestmark = pytest.mark.django_db


def _half_years(until: datetime.date) -> list[Period]:
    first = until.year - YEARS_OF_HISTORY
    halves = []
    for year in range(first, until.year + 1):
        halves.append(Period(datetime.date(year, 1, 1), datetime.date(year, 6, 30)))
        halves.append(Period(datetime.date(year, 7, 1), datetime.date(year, 12, 31)))
    return [half for half in halves if half.end <= until]


def _every_published_figure(until: datetime.date) -> dict:
    return {
        (provider_id, half.start): dataclasses.asdict(
            follow_up(half, Scope(provider_id=provider_id), today=until + datetime.timedelta(days=1))
        )
        for provider_id in Provider.objects.order_by("pk").values_list("pk", flat=True)
        for half in _half_years(until)
    }


def test_gallring_far_in_the_future_leaves_every_past_half_year_unchanged():
    # given generated data with återfall, plans and purchased insatser in every past half-year
    generate("XS")
    reoffences = Reoffence.objects.count()
    assert reoffences > 0
    before = _every_published_figure(DEFAULT_UNTIL)

    # when gallring runs 30 years on, when every closed file is due
    run = retention_run(as_of=DEFAULT_UNTIL.replace(year=DEFAULT_UNTIL.year + 30), dry_run=False)

    # then files were removed, återfall were kept, and no figure of any past half-year moved
    assert RetentionItem.objects.filter(run=run).exists()
    assert Reoffence.objects.count() == reoffences
    after = _every_published_figure(DEFAULT_UNTIL)
    assert _changes(before, after) == []


def _flat(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flat(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _flat(item, (*path, index))
    else:
        yield path, value


def _changes(before: dict, after: dict) -> list[str]:
    """Every figure that moved, by its path (readable when the test fails)."""
    old, new = dict(_flat(before)), dict(_flat(after))
    moment = [path for path in old.keys() | new.keys() if path[-1] == "generated_at"]  # when, not what
    for path in moment:
        old.pop(path, None), new.pop(path, None)
    return [
        f"{path}: {old.get(path)!r} -> {new.get(path)!r}"
        for path in sorted(old.keys() | new.keys(), key=str)
        if old.get(path) != new.get(path)
    ][:40]
