"""Secondary suppression for the statistics API (the rule is described in docs/design.md "Statistik: röjandeskydd").

Primary rule (reporting.suppression): a count of 1–4 is never published.

Secondary rule, applied to one *cube*: one measure, one scope, one calendar year, the period tree
(year → half-years → quarters → months; for a stock measure only the month ends) crossed with the values
of at most one dimension plus their total. Every number the API can publish for that measure, scope and
year is a cell of this cube, whatever period granularity or dimension a request asks for, and the cube's
suppression pattern is computed from the data alone, never from the request. So two requests see the
same decision for the same number.

A suppressed cell must not be recoverable from the published ones. The published cells are linked by
additive relations: a parent period is the sum of its child periods, a total is the sum of the dimension's
values. For every suppressed cell the engine keeps a *certificate*: a change of +1/−1 on suppressed cells
only that leaves every relation balanced (and never takes a count below zero on the −1 side). Another
data set that differs exactly by that change publishes the very same numbers, so no combination of
published numbers — totals minus visible cells, coarser minus finer periods, two requests whose filters
differ by one person — determines the suppressed cell. Certificates are built from three patterns:

- *vertical pair* (the total column alone): −1 on the cell, +1 on a sibling period, each carried down to
  one month so the finer periods stay balanced;
- *rectangle* (a dimension value): −1 on the cell and on the same value in a sibling period's other
  value, +1 on the two opposite corners, again carried down to months;
- *column pair up to the year* (for a year cell, or when cheaper): −1 on the value and +1 on another value
  in the same period, carried up to the year (whose parent is never published) and down to one month.

The total column is decided first (it is shared by every dimension) and each of its certificates is
extended into the dimension's columns, so the certificates hold in all published tables at once. A small
value cell always gets a certificate of its own that leaves the total unchanged, so it stays protected even
where the total is known from elsewhere (the unit of an agreement is also a column of its provider's table).
Finally, in every relation whose parent is shown, the suppressed children together must not sum to 1–4
(that sum would itself be a small published count); otherwise one more child is suppressed (with its
own certificate). The engine prefers patterns that suppress the fewest new cells.

The engine works on exact counts, measure by measure; what links the measures (open(end) = open(start) + new −
closed) and what links two data states (a known case opened or back-dated, then asked again) is covered by the
cell-key perturbation at the end of this module (`publish`): every published count carries noise fixed by the
cell's cases, no count under 5 (0 included) is shown, and a count whose noisy value falls under 5 is hidden too.
docs/design.md "Statistik som inte kan röjas" has the reasoning and its limits.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cases.models import STATISTICS_KEY_RANGE
from reporting.suppression import is_suppressed

TOTAL = "__total__"
THRESHOLD = 5
MAX_PARTNERS = 6

Cell = tuple[str, str]  # (period node, column)


@dataclass
class PeriodTree:
    """Period nodes with parent/children; leaves are months. A stock measure has only leaves (no sums)."""

    parent: dict[str, str | None]
    children: dict[str, list[str]]

    @classmethod
    def for_year(cls, year: int, additive: bool = True) -> "PeriodTree":
        months = [f"{year}-{month:02d}" for month in range(1, 13)]
        if not additive:
            return cls(parent=dict.fromkeys(months), children={month: [] for month in months})
        parent: dict[str, str | None] = {str(year): None}
        children: dict[str, list[str]] = {str(year): [f"{year}-H1", f"{year}-H2"]}
        for half in (1, 2):
            half_id = f"{year}-H{half}"
            parent[half_id] = str(year)
            children[half_id] = [f"{year}-Q{quarter}" for quarter in (2 * half - 1, 2 * half)]
            for quarter in (2 * half - 1, 2 * half):
                quarter_id = f"{year}-Q{quarter}"
                parent[quarter_id] = half_id
                children[quarter_id] = months[3 * (quarter - 1) : 3 * quarter]
                for month in children[quarter_id]:
                    parent[month] = quarter_id
                    children[month] = []
        return cls(parent=parent, children=children)

    @property
    def nodes(self) -> list[str]:
        return list(self.parent)

    def leaves_under(self, node: str) -> list[str]:
        if not self.children[node]:
            return [node]
        return [leaf for child in self.children[node] for leaf in self.leaves_under(child)]

    def path_down(self, node: str, leaf: str) -> list[str]:
        """node, …, leaf (leaf must lie under node)."""
        path = [leaf]
        while path[-1] != node:
            parent = self.parent[path[-1]]
            if parent is None:
                raise ValueError(f"{leaf} does not lie under {node}")
            path.append(parent)
        return path[::-1]

    def root_of(self, node: str) -> str:
        while (parent := self.parent[node]) is not None:
            node = parent
        return node

    def siblings(self, node: str) -> list[str]:
        parent = self.parent[node]
        return [] if parent is None else [other for other in self.children[parent] if other != node]

    def relations(self) -> Iterable[tuple[str, list[str]]]:
        for node, kids in self.children.items():
            if kids:
                yield node, kids


@dataclass
class Pattern:
    minus: list[Cell]
    plus: list[Cell]
    # for a total-column pattern: the months its two chains end in (the dimension stage extends them)
    minus_chain: list[str] = field(default_factory=list)
    plus_chain: list[str] = field(default_factory=list)


class Protector:
    """Decides which cells of one cube are suppressed. `counts[(node, column)]` are exact counts (cases);
    `persons` optionally the distinct persons per cell (a cell with 1–4 persons is primary too)."""

    def __init__(
        self,
        tree: PeriodTree,
        columns: Sequence[str],
        counts: dict[Cell, int],
        persons: dict[Cell, int] | None = None,
        frozen: dict[Cell, bool] | None = None,
        total_patterns: Sequence[Pattern] = (),
        hidden: Iterable[Cell] = (),
        public: Iterable[Cell] = (),
    ):
        self.tree = tree
        self.columns = list(columns)  # value columns of this stage ([TOTAL] for the total stage)
        self.counts = counts
        self.persons = persons or {}
        self.frozen = frozen or {}  # decided cells of an earlier stage: cell -> suppressed
        self.total_patterns = list(total_patterns)
        self.suppressed: set[Cell] = {cell for cell, hidden in self.frozen.items() if hidden}
        self.certified: set[Cell] = set()
        self.patterns: list[Pattern] = []
        self.hidden = set(hidden)  # primary for another reason: the perturbed count is below the threshold
        self.public = set(public)  # published as they are (headline totals): never suppressed, never in a pattern

    # -- helpers --------------------------------------------------------------------------------------
    def count(self, cell: Cell) -> int:
        return self.counts.get(cell, 0)

    def is_primary(self, cell: Cell) -> bool:
        if cell in self.public:
            return False
        return cell in self.hidden or is_suppressed(self.count(cell)) or is_suppressed(self.persons.get(cell))

    def _cost(self, cells: Iterable[Cell]) -> tuple[int, int]:
        new = [cell for cell in set(cells) if cell not in self.suppressed]
        return len(new), sum(self.count(cell) for cell in new)

    def _apply(self, pattern: Pattern, certifies: bool = True) -> None:
        cells = [*pattern.minus, *pattern.plus]
        self.suppressed.update(cells)
        if certifies:
            self.certified.update(cells)
        self.patterns.append(pattern)

    def _chain(self, node: str, leaf: str, column: str) -> list[Cell]:
        return [(step, column) for step in self.tree.path_down(node, leaf)]

    def _best_leaf(self, node: str, minus_col: str | None, plus_col: str | None, need: str | None):
        """The month under `node` whose chain in the given columns adds the fewest new suppressions.
        `need`: a column whose month cell must be ≥ 1 (it takes the −1)."""
        best = None
        for leaf in self.tree.leaves_under(node):
            if need is not None and self.count((leaf, need)) < 1:
                continue
            cells = []
            for column in (minus_col, plus_col):
                if column is not None:
                    cells += self._chain(node, leaf, column)
            cost = self._cost(cells)
            if best is None or cost < best[0]:
                best = (cost, leaf, cells)
        return best

    # -- candidate patterns -----------------------------------------------------------------------------
    def _total_candidates(self, cell: Cell):
        node, column = cell
        down = self._best_leaf(node, column, None, need=column)
        if down is None:
            return
        for sibling in self.tree.siblings(node):
            up = self._best_leaf(sibling, None, column, need=None)
            yield Pattern(minus=down[2], plus=up[2], minus_chain=[down[1]], plus_chain=[up[1]])
        # carried up to the year, whose own parent is never published
        root = self.tree.root_of(node)
        yield Pattern(minus=self._chain(root, down[1], column), plus=[], minus_chain=[down[1]])

    def _partners(self, node: str, exclude: str) -> list[str]:
        """The few other columns worth trying at `node`: those already hidden there first, then the smallest
        counts (a bounded search keeps large breakdowns fast; any partner gives a valid certificate)."""
        others = [column for column in self.columns if column != exclude]
        others.sort(key=lambda column: ((node, column) not in self.suppressed, self.count((node, column))))
        return others[:MAX_PARTNERS]

    def _value_candidates(self, cell: Cell):
        node, column = cell
        root = self.tree.root_of(node)
        for other in self._partners(node, column):
            down = self._best_leaf(node, column, other, need=column)
            if down is None:
                return
            # rectangle with a sibling period
            for sibling in self.tree.siblings(node):
                up = self._best_leaf(sibling, other, column, need=other)
                if up is None:
                    continue
                minus = self._chain(node, down[1], column) + self._chain(sibling, up[1], other)
                plus = self._chain(node, down[1], other) + self._chain(sibling, up[1], column)
                yield Pattern(minus=minus, plus=plus)
            # column pair carried up to the year
            leaf = down[1]
            yield Pattern(minus=self._chain(root, leaf, column), plus=self._chain(root, leaf, other))

    def _protect(self, cell: Cell) -> None:
        candidates = self._total_candidates(cell) if cell[1] == TOTAL else self._value_candidates(cell)
        best = None
        for pattern in candidates:
            if self.public.intersection(pattern.minus, pattern.plus):
                continue
            cost = self._cost([*pattern.minus, *pattern.plus])
            if best is None or cost < best[0]:
                best = (cost, pattern)
        if best is not None:
            self._apply(best[1])
        else:
            # no pattern (a single value column): the cell equals the total and is protected with it
            self.suppressed.add(cell)

    def _extend(self, pattern: Pattern) -> None:
        """Carry a total-column certificate into this stage's value columns."""
        minus_leaf = pattern.minus_chain[0]
        start = pattern.minus[0][0]
        best = None
        usable = [column for column in self.columns if self.count((minus_leaf, column)) >= 1]
        usable.sort(key=lambda column: ((start, column) not in self.suppressed, self.count((start, column))))
        for column in usable[:MAX_PARTNERS]:
            cells = self._chain(start, minus_leaf, column)
            plus = []
            if pattern.plus_chain:
                plus = self._chain(pattern.plus[0][0], pattern.plus_chain[0], column)
            cost = self._cost(cells + plus)
            if best is None or cost < best[0]:
                best = (cost, Pattern(minus=cells, plus=plus))
        if best is not None:
            # Not counted as the value cells' own certificate: it moves the total too, and the total of a
            # smaller scope (an agreement's unit) can be known from another table. A small value cell
            # still gets a certificate that keeps the total fixed.
            self._apply(best[1], certifies=False)

    # -- the run ------------------------------------------------------------------------------------------
    def _relations(self) -> Iterable[tuple[Cell, list[Cell]]]:
        columns = self.columns
        for node, kids in self.tree.relations():
            for column in columns:
                yield (node, column), [(kid, column) for kid in kids]
        if columns != [TOTAL]:
            for node in self.tree.nodes:
                yield (node, TOTAL), [(node, column) for column in columns]

    def run(self) -> set[Cell]:
        for pattern in self.total_patterns:
            self._extend(pattern)
        cells = [(node, column) for node in self.tree.nodes for column in self.columns]
        # months first: their patterns are the smallest and often cover the coarser cells
        depth = {node: len(self.tree.path_down(self.tree.root_of(node), node)) for node in self.tree.nodes}
        for cell in sorted(cells, key=lambda c: (-depth[c[0]], self.count(c))):
            if self.is_primary(cell) and cell not in self.certified:
                self._protect(cell)
        changed = True
        while changed:
            changed = False
            for parent, kids in self._relations():
                if parent in self.suppressed:
                    continue
                hidden = sum(self.count(kid) for kid in kids if kid in self.suppressed)
                if 0 < hidden < THRESHOLD:
                    visible = [
                        kid
                        for kid in kids
                        if kid not in self.suppressed and kid not in self.frozen and kid not in self.public
                    ]
                    visible = [kid for kid in visible if self.count(kid) > 0] or visible
                    if not visible:
                        continue
                    self._protect(min(visible, key=self.count))
                    changed = True
        return self.suppressed


def protect_cube(
    tree: PeriodTree,
    columns: Sequence[str],
    counts: dict[Cell, int],
    persons: dict[Cell, int] | None = None,
    *,
    hidden: Iterable[Cell] = (),
    public: Iterable[Cell] = (),
) -> set[Cell]:
    """Suppressed cells of a cube: the total column first, then the value columns (if any). A cell is
    primary when its count, or the number of distinct people behind it, is 1–4, or it is in `hidden` (its
    perturbed count is below the threshold). Cells in `public` (headline totals) are never suppressed."""
    total_stage = Protector(tree, [TOTAL], counts, persons, hidden=hidden, public=public)
    total_hidden = total_stage.run()
    if not columns:
        return total_hidden
    frozen = {(node, TOTAL): (node, TOTAL) in total_hidden for node in tree.nodes}
    value_stage = Protector(
        tree, columns, counts, persons, frozen=frozen, total_patterns=total_stage.patterns, hidden=hidden
    )
    return value_stage.run()


# ---------------------------------------------------------------------------------------------------------------
# Cell-key perturbation (ABS TableBuilder / ONS "cell key method")

KEY_RANGE = STATISTICS_KEY_RANGE  # a case's key is 0 … KEY_RANGE − 1; a cell's key is their sum mod KEY_RANGE
MAX_NOISE = 5  # the largest noise the table holds (published in the README: the attacker may know it)
# how many of the KEY_RANGE positions of a table column hold each noise (the same number for −n and +n):
# about half the published counts are exact, one in twelve is off by 2, one in 270 by 3 or more
NOISE_POSITIONS = {5: 2, 4: 8, 3: 64, 2: 3000, 1: 13000}
COUNT_COLUMNS = 32  # counts of 31 and more share the table's last column
# A part of an exact headline total (a quarter of a half-year, a group of the year) is shown only from this
# perturbed count: a shown part is then at least GUARDED_THRESHOLD − MAX_NOISE, so what an attacker can pin with
# the exact total and one known case (a part hidden before and shown after is at least that minus one) is never
# a count under 5.
GUARDED_THRESHOLD = THRESHOLD + 2 * MAX_NOISE
TABLE_SEED = 20_161_231  # the table is fixed: the secret is in the cases' keys, never in the table


def _noise_table() -> tuple[list[int], list[int]]:
    positions = [0] * (KEY_RANGE - 2 * sum(NOISE_POSITIONS.values()))
    for noise, many in NOISE_POSITIONS.items():
        positions += [noise] * many + [-noise] * many
    rng = random.Random(TABLE_SEED)
    rng.shuffle(positions)
    offsets = [rng.randrange(KEY_RANGE) for _ in range(COUNT_COLUMNS)]
    return positions, offsets


_NOISE, _OFFSETS = _noise_table()


def noise(cell_key: int, count: int) -> int:
    """The table's noise for a cell of `count` records whose keys sum to `cell_key` (mod KEY_RANGE)."""
    return _NOISE[(cell_key + _OFFSETS[min(count, COUNT_COLUMNS - 1)]) % KEY_RANGE]


def perturbed(count: int, cell_key: int) -> int | None:
    """The count to publish for a cell: never 0–4 (None, shown as "<5"), a larger one with the table's noise —
    and None when the noisy count falls below 5, so that "<5" does not mean "exactly 1–4" and one case more or
    less never moves a cell across the threshold deterministically. A 0 is not shown either: an exact 0 is a
    fixed point the stock-and-flow identity would work from (open(m) = open(m − 1) + new − closed with two
    zeros pins the third)."""
    if count < THRESHOLD:
        return None
    value = count + noise(cell_key % KEY_RANGE, count)
    return value if value >= THRESHOLD else None


def publish(
    tree: PeriodTree,
    columns: Sequence[str],
    counts: dict[Cell, int],
    keys: dict[Cell, int],
    persons: dict[Cell, int] | None = None,
    *,
    public: Iterable[Cell] = (),
) -> tuple[set[Cell], dict[Cell, int]]:
    """What one cube publishes: (the hidden cells, the count of every other cell). `counts` and `keys` hold every
    node of the tree (flows rolled up: a quarter's key is the sum of its cases' keys, like its count). Each cell
    is its own perturbed count — a total or a quarter is never the sum of perturbed cells, so a sum and its
    parts differ by noise, not by a person; `public` cells (headline totals) are published exactly. A cell is
    hidden when its count or people are 1–4, when its perturbed count falls below 5 (below GUARDED_THRESHOLD for
    a part of a public cell), or by the secondary suppression (protect_cube) that keeps every hidden cell from
    following from sums of the others."""
    public = set(public)
    guarded = {
        (node, column)
        for node in tree.nodes
        for column in [TOTAL, *columns]
        if (node, column) not in public
        and ((tree.parent[node], column) in public or (column != TOTAL and (node, TOTAL) in public))
    }
    published: dict[Cell, int] = {}
    noisy_hidden: set[Cell] = set()
    zeros: set[Cell] = set()
    for node in tree.nodes:
        for column in [TOTAL, *columns]:
            cell = (node, column)
            count = counts.get(cell, 0)
            value = count if cell in public else perturbed(count, keys.get(cell, 0))
            if value is not None and cell in guarded and value < GUARDED_THRESHOLD:
                value = None
            if value is not None:
                published[cell] = value
            elif count:
                noisy_hidden.add(cell)
            else:
                zeros.add(cell)  # hidden, but nothing to protect: the engine plans as if it were shown
    suppressed = protect_cube(tree, columns, counts, persons, hidden=noisy_hidden, public=public) | zeros
    for cell in suppressed:
        published.pop(cell, None)
    return suppressed, published
