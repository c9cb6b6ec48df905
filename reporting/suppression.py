"""Small-cell suppression for statistics (docs/domain.md "Statistics").

Primary rule: a count of 1–4 persons is never shown; it becomes None and displays as "<5".
Zero is shown (it identifies nobody). The statistics API adds secondary suppression and cell-key perturbation on
top of this (api.disclosure); the nämnd report's tables are protected as a whole by `protect_table` below.
This module is the one place the threshold lives: reporting.figures formats with it, the api imports it,
and pages of lower apps show a count under it with reporting_tags' `published_count` filter.
"""

import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from fractions import Fraction

SUPPRESSION_THRESHOLD = 5
SUPPRESSED_LABEL = f"<{SUPPRESSION_THRESHOLD}"


def is_suppressed(count: int | None) -> bool:
    return count is not None and 0 < count < SUPPRESSION_THRESHOLD


def suppress(count: int | None) -> int | None:
    """The count to publish: None when it must be suppressed."""
    return None if is_suppressed(count) else count


# ---------------------------------------------------------------------------------------------------------------
# A table that is safe as a whole (the nämnd report's tables; issue 25.2)
#
# The report prints exact counts. A count of 1–4 is hidden ("<5"); a cell hidden only so that a hidden count
# cannot be worked out shows SECONDARY_LABEL. What an attacker knows: every shown cell exactly, every public
# cell (the headline totals) exactly, that a "<5" is 1–4 and a secondary cell is ≥ 0, and the identities that
# link the table's cells (sums, stock and flow, a part not above its whole). `protect_table` hides more cells
# until no hidden cell follows, neither by exact linear algebra over the identities (Gaussian elimination on
# the hidden cells) nor by bounds propagated through them (e.g. two "<5" summing to 2 are both 1).

SECONDARY_LABEL = "×"
Cell = tuple[str, str]


class Identity:
    """sum(coefficient × cell) = 0 over the table's cells (each identity is written with its constant moved in as
    a public cell, e.g. new_a + new_b − total = 0 with the total public)."""

    def __init__(self, *terms: tuple[Cell, int]):
        self.terms = tuple(terms)


@dataclass(frozen=True)
class AtMost:
    """part ≤ sum(wholes): unplanned closures ≤ closures, young people ≤ their cases."""

    part: Cell
    wholes: tuple[Cell, ...]


def _determined_by_elimination(hidden: list[Cell], values: dict[Cell, int], identities) -> set[Cell]:
    """Hidden cells fixed by the identities alone (their unit vector lies in the span of the identities
    restricted to the hidden cells)."""
    index = {cell: position for position, cell in enumerate(hidden)}
    pivots: dict[int, dict[int, Fraction]] = {}
    for identity in identities:
        row = {index[cell]: Fraction(coefficient) for cell, coefficient in identity.terms if cell in index}
        row = {key: value for key, value in row.items() if value}
        for column in sorted(pivots):
            if column in row:
                factor = row[column]
                for key, value in pivots[column].items():
                    row[key] = row.get(key, Fraction(0)) - factor * value
                row = {key: value for key, value in row.items() if value}
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row = {key: value / scale for key, value in row.items()}
        for other in pivots.values():
            if column in other:
                factor = other[column]
                for key, value in row.items():
                    other[key] = other.get(key, Fraction(0)) - factor * value
                for key in [key for key, value in other.items() if not value]:
                    del other[key]
        pivots[column] = row
    return {hidden[column] for column, row in pivots.items() if len(row) == 1}


def table_bounds(values, hidden, primary, identities, at_most) -> dict[Cell, tuple[int, float]]:
    """What an attacker can bound each hidden cell to, from the shown cells and the identities."""
    infinity = float("inf")
    bounds = {
        cell: ((1, SUPPRESSION_THRESHOLD - 1) if cell in primary else (0, infinity))
        if cell in hidden
        else (values.get(cell, 0), values.get(cell, 0))
        for cell in values
    }
    for _round in range(50):
        moved = False
        for identity in identities:
            for target, coefficient in identity.terms:
                if target not in hidden:
                    continue
                low = high = 0.0
                for cell, other in identity.terms:
                    if cell == target:
                        continue
                    cell_low, cell_high = bounds.get(cell, (0, infinity))
                    low -= other * (cell_high if other > 0 else cell_low)
                    high -= other * (cell_low if other > 0 else cell_high)
                if coefficient < 0:
                    low, high = -high, -low
                low, high = low / abs(coefficient), high / abs(coefficient)
                old = bounds[target]
                new = (max(old[0], math.ceil(low) if low != -infinity else old[0]), min(old[1], high))
                if new != old:
                    bounds[target] = new
                    moved = True
        for rule in at_most:
            whole_high = sum(bounds.get(cell, (0, infinity))[1] for cell in rule.wholes)
            part = bounds.get(rule.part, (0, infinity))
            if rule.part in hidden and whole_high < part[1]:
                bounds[rule.part] = (part[0], whole_high)
                moved = True
            if len(rule.wholes) == 1 and rule.wholes[0] in hidden:
                whole = bounds[rule.wholes[0]]
                if part[0] > whole[0]:
                    bounds[rule.wholes[0]] = (part[0], whole[1])
                    moved = True
        if not moved:
            break
    return bounds


def protect_table(
    values: dict[Cell, int],
    identities: list[Identity],
    at_most: Sequence[AtMost] = (),
    public: AbstractSet[Cell] = frozenset(),
    unpublished: AbstractSet[Cell] = frozenset(),
) -> tuple[set[Cell], set[Cell]]:
    """(primary, secondary) hidden cells of a table whose exact counts are `values`: primary the counts of 1–4
    (never a public cell), secondary the fewest further cells, smallest first, so that no hidden cell can be
    worked out from what is shown. `unpublished` cells take part in the identities but are never shown (the
    attacker does not know them either)."""
    primary = {
        cell
        for cell, value in values.items()
        if is_suppressed(value) and cell not in public and cell not in unpublished
    }
    hidden = primary | set(unpublished)
    hopeless: set[Cell] = set()  # hidden cells that only public cells determine (the public number itself)

    def pinned_in(hidden_now: set[Cell]) -> list[Cell]:
        fixed = _determined_by_elimination(sorted(hidden_now), values, identities)
        bounds = table_bounds(values, hidden_now, primary, identities, at_most)
        # a secondary cell may be worked out (it is not small); a "<5" may not
        return sorted(
            (cell for cell in primary - hopeless if cell in fixed or bounds[cell][0] >= bounds[cell][1]), key=str
        )

    links = [tuple(cell for cell, _coefficient in identity.terms) for identity in identities]
    links += [(rule.part, *rule.wholes) for rule in at_most]
    while True:
        pinned = pinned_in(hidden)
        if not pinned:
            return primary, hidden - primary - set(unpublished)
        target = pinned[0]
        if target in pinned_in(hidden | {cell for cell, value in values.items() if value and cell not in public}):
            # the public totals and the shown zeros alone give it (e.g. every unplanned closure of the headline
            # in one insats, the others with none): it is the public number itself, and hiding the whole table
            # would not change that
            hopeless.add(target)
            continue
        # the shown cells linked to the target through identities over hidden cells
        reached, frontier, candidates = {target}, [target], set()
        while frontier:
            cell = frontier.pop()
            for link in links:
                if cell not in link:
                    continue
                for other in link:
                    if other in hidden and other not in reached:
                        reached.add(other)
                        frontier.append(other)
                    elif other not in hidden and other not in public:
                        candidates.add(other)
        if not candidates:
            hopeless.add(target)
            continue
        ordered = sorted(candidates, key=lambda cell: (values.get(cell, 0) == 0, values.get(cell, 0), str(cell)))
        # the smallest shown cell whose hiding frees the target, else the smallest (and try again)
        chosen = next((cell for cell in ordered if target not in pinned_in(hidden | {cell})), ordered[0])
        hidden.add(chosen)
