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


def _combine(row: dict[int, int], scale: int, other: dict[int, int], factor: int) -> dict[int, int]:
    """scale × row − factor × other, divided by the gcd of its entries, zeros dropped: exact integer elimination
    (fraction-free), whose rows are multiples of the rational ones and so have the same nonzero columns."""
    combined = {key: scale * value for key, value in row.items()}
    for key, value in other.items():
        combined[key] = combined.get(key, 0) - factor * value
    combined = {key: value for key, value in combined.items() if value}
    divisor = math.gcd(*combined.values()) if combined else 1
    return {key: value // divisor for key, value in combined.items()}


def _determined_by_elimination(hidden: list[Cell], identities) -> set[Cell]:
    """Hidden cells fixed by the identities alone (their unit vector lies in the span of the identities
    restricted to the hidden cells): Gauss-Jordan elimination, a cell fixed when its pivot row has no other cell."""
    index = {cell: position for position, cell in enumerate(hidden)}
    pivots: dict[int, dict[int, int]] = {}
    for identity in identities:
        row = {index[cell]: int(coefficient) for cell, coefficient in identity.terms if cell in index}
        row = {key: value for key, value in row.items() if value}
        for column in sorted(pivots):
            if column in row:
                row = _combine(row, pivots[column][column], pivots[column], row[column])
        if not row:
            continue
        column = min(row)
        for key, other in pivots.items():
            if column in other:
                pivots[key] = _combine(other, row[column], row, other[column])
        pivots[column] = row
    return {hidden[column] for column, row in pivots.items() if len(row) == 1}


def _linked_groups(hidden: AbstractSet[Cell], identities, at_most) -> list[tuple[list, list, set[Cell]]]:
    """The identities and at-most rules in groups that share no hidden cell, each with its hidden cells. A bound
    moves only through hidden cells (a shown cell is fixed), so each group narrows on its own."""
    parent = {cell: cell for cell in hidden}

    def root(cell: Cell) -> Cell:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    identity_cells = [[cell for cell, _coefficient in identity.terms if cell in hidden] for identity in identities]
    rule_cells = [[cell for cell in (rule.part, *rule.wholes) if cell in hidden] for rule in at_most]
    for cells in identity_cells + rule_cells:
        for cell in cells[1:]:
            parent[root(cell)] = root(cells[0])
    groups: dict[Cell, tuple[list, list, set[Cell]]] = {}
    for identity, cells in zip(identities, identity_cells, strict=True):
        if cells:
            group = groups.setdefault(root(cells[0]), ([], [], set()))
            group[0].append(identity)
            group[2].update(cells)
    for rule, cells in zip(at_most, rule_cells, strict=True):
        if cells:
            group = groups.setdefault(root(cells[0]), ([], [], set()))
            group[1].append(rule)
            group[2].update(cells)
    return list(groups.values())


def pinned_by_bounds(values, hidden, primary, identities, at_most) -> set[Cell]:
    """The "<5" cells an attacker can bound to one number (or to nothing), from the shown cells and the
    identities: each hidden cell is bounded by the other terms of its identities, each narrowed bound used at once
    by the next, for at most 50 rounds. A bound only ever narrows, so a cell once pinned stays pinned, and a group
    of linked cells stops as soon as nothing moves or all its "<5" cells are pinned."""
    infinity = float("inf")
    bounds = {
        cell: ((1, SUPPRESSION_THRESHOLD - 1) if cell in primary else (0, infinity))
        if cell in hidden
        else (values.get(cell, 0), values.get(cell, 0))
        for cell in values
    }
    unknown = (0, infinity)
    for group_identities, group_rules, cells in _linked_groups(hidden, identities, at_most):
        small = [cell for cell in cells if cell in primary]
        linked = [
            (identity.terms, [(cell, coefficient) for cell, coefficient in identity.terms if cell in hidden])
            for identity in group_identities
        ]
        for _round in range(50):
            moved = False
            for terms, targets in linked:
                for target, coefficient in targets:
                    low = high = 0.0
                    for cell, other in terms:
                        if cell == target:
                            continue
                        cell_low, cell_high = bounds.get(cell, unknown)
                        if other > 0:
                            low -= other * cell_high
                            high -= other * cell_low
                        else:
                            low -= other * cell_low
                            high -= other * cell_high
                    if coefficient < 0:
                        low, high = -high, -low
                    low, high = low / abs(coefficient), high / abs(coefficient)
                    old = bounds[target]
                    new = (max(old[0], math.ceil(low) if low != -infinity else old[0]), min(old[1], high))
                    if new != old:
                        bounds[target] = new
                        moved = True
            for rule in group_rules:
                whole_high = sum(bounds.get(cell, unknown)[1] for cell in rule.wholes)
                part = bounds.get(rule.part, unknown)
                if rule.part in hidden and whole_high < part[1]:
                    bounds[rule.part] = (part[0], whole_high)
                    moved = True
                if len(rule.wholes) == 1 and rule.wholes[0] in hidden:
                    whole = bounds[rule.wholes[0]]
                    if part[0] > whole[0]:
                        bounds[rule.wholes[0]] = (part[0], whole[1])
                        moved = True
            if not moved or all(bounds[cell][0] >= bounds[cell][1] for cell in small):
                break
    return {cell for cell in primary if bounds[cell][0] >= bounds[cell][1]}


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

    # what can be worked out depends only on which cells are hidden, and the search below asks again for the same
    # hiding (after a hopeless target, and when trying candidates), so each answer is kept for this table
    known: dict[frozenset[Cell], set[Cell]] = {}

    def pinned_in(hidden_now: set[Cell]) -> list[Cell]:
        key = frozenset(hidden_now)
        if key not in known:
            # a secondary cell may be worked out (it is not small); a "<5" may not
            known[key] = _determined_by_elimination(sorted(hidden_now), identities) & primary
            known[key] |= pinned_by_bounds(values, hidden_now, primary, identities, at_most)
        return sorted(known[key] - hopeless, key=str)

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
