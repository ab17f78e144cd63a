"""The tables of a release: one cube per measure, with every margin.

A release publishes, for one indicator year, a fixed set of linked tables. Each *measure* (member
companies, covered companies, employees, exposed employees, accidents, hours worked…) is published
as one cube: tenant × NAF (section, then division) × size band, or tenant × NAF section for the
measures broken down by hazard, hazard family or pénibilité factor, each with all its margins.
Every published figure of every indicator is a cell of one of these cubes — a region cell is the
cube's tenant total — so the cube's additivity equations are all an intruder can combine, and
the attack on the cube is complete: differencing two published figures whose companies nest
(naf 10 vs naf 10 × size 10-49) is a difference of cube cells, which the cube's equations carry.

A company sits in exactly one leaf (tenant, NAF division, size band) of each measure it
contributes to. Leaves stand for their companies by at most four *stand-in contributors* — the
two largest contributions, and the rest in two equal (integer) shares — which decide every
sensitivity rule exactly as one row per company would (see :func:`stand_ins`), for the outsider,
for a tenant that removes all its own, and for a company that removes itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from indicators.domain.secrecy import (
    TOTAL,
    Cell,
    CellKey,
    Dimension,
    Record,
    TableSet,
    TableSpec,
    build_tables,
    cell_key,
)

TENANT, NAF, SIZE = "tenant", "naf", "size"
SEPARATOR = "|"


class Shape(StrEnum):
    NAF_SIZE = "naf-size"  # tenant × NAF section / division × size band
    SECTION = "section"  # tenant × NAF section


@dataclass(frozen=True)
class Measure:
    """An additive quantity published as one cube. ``persons``: a count of persons (fewer than
    11 is secret); ``integer``: an attacker may use integrality (bounds are rounded inwards and
    protection margins rounded up)."""

    name: str
    shape: Shape
    persons: bool = False
    integer: bool = True


@dataclass(frozen=True)
class Unit:
    """One company (or establishment) of the population: where it sits and what it contributes
    to each measure (a measure it is absent from, it does not contribute to)."""

    tenant: str
    company: str
    division: str
    size: str
    values: Mapping[str, float]
    source: str = "duerp"  # members | duerp | reports: one unit per company and source


@dataclass(frozen=True)
class Leaf:
    tenant: str
    division: str
    size: str


def leaf_of(unit: Unit) -> Leaf:
    return Leaf(unit.tenant, unit.division, unit.size)


def stand_ins(values: Sequence[float], integer: bool) -> list[float]:
    """At most four contributions standing for a leaf's companies, with the same sum.

    The two largest are the true ones; the rest is split into two shares (integers when the
    measure counts). Why that decides the rules as the companies would: a count of stand-ins,
    ``min(n, 4)``, is below 2 or 3 exactly when ``n`` is, for any union of leaves, with or without
    one company; the largest stand-in is the true largest (a share is at most half of what
    remains once the largest is out, so it can never make 85 % of anything containing the second
    largest); the second largest is true, so a company that removes itself sees the dominance of
    the rest as it is; sums, hence persons, are exact.
    """
    ordered = sorted(values, reverse=True)
    if len(ordered) <= 3:
        return ordered
    rest = sum(ordered[2:])
    if integer:
        whole = round(rest)
        return [ordered[0], ordered[1], float(whole - whole // 2), float(whole // 2)]
    return [ordered[0], ordered[1], rest / 2, rest / 2]


def contributor(leaf: Leaf, rank: int) -> str:
    return SEPARATOR.join((leaf.tenant, leaf.division, leaf.size, str(rank)))


def tenant_of(name: str) -> str:
    return name.split(SEPARATOR, 1)[0]


@dataclass(frozen=True)
class Cube:
    """One measure's linked tables: cells (true values, stand-in contributors), equations, and
    the number of real companies in each cell (internal: never published)."""

    measure: Measure
    tables: TableSet
    companies: Mapping[CellKey, int]
    tenants: tuple[str, ...]
    sections: Mapping[str, str]

    def chain(self, leaf: Leaf) -> list[CellKey]:
        """The cells a company of ``leaf`` contributes to."""
        tenants = (leaf.tenant, TOTAL)
        section = self.sections[leaf.division]
        if self.measure.shape is Shape.SECTION:
            return [
                cell_key(self.measure.name, {TENANT: t, NAF: n})
                for t in tenants
                for n in (section, TOTAL)
            ]
        return [
            cell_key(self.measure.name, {TENANT: t, NAF: n, SIZE: s})
            for t in tenants
            for n in (leaf.division, section, TOTAL)
            for s in (leaf.size, TOTAL)
        ]


def build_cube(
    measure: Measure,
    units: Iterable[Unit],
    *,
    sections: Mapping[str, str],
    sizes: Sequence[str],
) -> Cube:
    """The cube of ``measure`` from the companies that contribute to it."""
    leaves: dict[Leaf, list[float]] = defaultdict(list)
    for unit in units:
        if measure.name in unit.values:
            leaves[leaf_of(unit)].append(float(unit.values[measure.name]))
    tenants = tuple(sorted({leaf.tenant for leaf in leaves}))
    naf = Dimension(NAF, {**{s: TOTAL for s in set(sections.values())}, **dict(sections.items())})
    dims: tuple[Dimension, ...] = (Dimension.flat(TENANT, tenants), naf)
    depth: dict[str, int] = {}
    if measure.shape is Shape.NAF_SIZE:
        dims = (*dims, Dimension.flat(SIZE, sizes))
    else:
        depth = {NAF: 1}
    records = []
    for leaf, values in sorted(leaves.items(), key=lambda item: _leaf_order(item[0])):
        coords = {TENANT: leaf.tenant, NAF: leaf.division, SIZE: leaf.size}
        for rank, value in enumerate(stand_ins(values, measure.integer)):
            persons = round(value) if measure.persons else None
            records.append(Record(measure.name, contributor(leaf, rank), coords, value, persons))
    tables = build_tables(records, [TableSpec(measure.name, measure.name, dims, depth)])
    cube = Cube(measure, tables, {}, tenants, sections)
    companies: dict[CellKey, int] = defaultdict(int)
    for leaf, values in leaves.items():
        for key in cube.chain(leaf):
            companies[key] += len(values)
    return Cube(measure, tables, dict(companies), tenants, sections)


def _leaf_order(leaf: Leaf) -> tuple[str, str, str]:
    return (leaf.tenant, leaf.division, leaf.size)


def _without(cell: Cell, drop: Iterable[str]) -> Cell:
    gone = set(drop)
    kept = {name: v for name, v in cell.contributors.items() if name not in gone}
    value = sum(kept.values())
    persons = None if cell.persons is None else round(value)
    return Cell(cell.key, value, kept, persons)


def tenant_view(cube: Cube, tenant: str) -> TableSet:
    """What tenant ``tenant`` does not know of each cell: its own cells are known to it (empty
    here, so never counted as hidden), and it subtracts its own part from every region cell."""
    cells: dict[CellKey, Cell] = {}
    for key, cell in cube.tables.cells.items():
        where = key.code(TENANT)
        if where == tenant:
            cells[key] = Cell(key, 0.0, {}, None if cell.persons is None else 0)
        elif where == TOTAL:
            own = [name for name in cell.contributors if tenant_of(name) == tenant]
            cells[key] = _without(cell, own) if own else cell
        else:
            cells[key] = cell
    return cube.tables.with_cells(cells)


def company_view(cube: Cube, name: str) -> TableSet:
    """What one company (a leaf's largest contributor) does not know: everything but its own."""
    parts = name.split(SEPARATOR)
    leaf = Leaf(parts[0], parts[1], parts[2])
    cells = dict(cube.tables.cells)
    for key in cube.chain(leaf):
        if key in cells and name in cells[key].contributors:
            cells[key] = _without(cells[key], [name])
    return cube.tables.with_cells(cells)


@dataclass(frozen=True)
class Change:
    """How the companies of one cell changed between two releases of the same year: how many
    companies' contributions differ, the sum and the largest of the absolute differences."""

    companies: int = 0
    magnitude: float = 0.0
    largest: float = 0.0


def changes(cube: Cube, before: Iterable[Unit], after: Iterable[Unit]) -> dict[CellKey, Change]:
    """Per cell of ``cube`` (built from ``after``), the change of contributions since
    ``before``: a company that appears, leaves, moves to another leaf or changes its value
    changes every cell it enters, leaves or contributes to differently, by its difference there
    (an arrival with a zero contribution counts: the unchanged figure would tell its zero)."""
    name = cube.measure.name
    old = {(u.source, u.tenant, u.company): u for u in before if name in u.values}
    new = {(u.source, u.tenant, u.company): u for u in after if name in u.values}
    companies: dict[CellKey, int] = defaultdict(int)
    magnitude: dict[CellKey, float] = defaultdict(float)
    largest: dict[CellKey, float] = defaultdict(float)
    for who in sorted(old.keys() | new.keys()):
        was, now = old.get(who), new.get(who)
        if was and now and leaf_of(was) == leaf_of(now) and was.values[name] == now.values[name]:
            continue
        before_keys = set(cube.chain(leaf_of(was))) if was else set()
        after_keys = set(cube.chain(leaf_of(now))) if now else set()
        for key in before_keys | after_keys:
            a = float(was.values[name]) if was and key in before_keys else 0.0
            b = float(now.values[name]) if now and key in after_keys else 0.0
            if (key in before_keys) == (key in after_keys) and a == b:
                continue
            if key not in cube.tables.cells:
                continue  # empty now: a structural zero, published as such
            companies[key] += 1
            magnitude[key] += abs(b - a)
            largest[key] = max(largest[key], abs(b - a))
    return {key: Change(companies[key], magnitude[key], largest[key]) for key in sorted(companies)}
