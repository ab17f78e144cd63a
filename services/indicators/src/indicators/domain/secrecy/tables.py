"""Linked tables of magnitude or count data, seen as one set of additive equations.

A published table is a cross-classification (NAF section × year, NAF division × hazard family,
tenant × NAF section…) with its margins: every total equals the sum of its parts, along each
hierarchical dimension. Tables that share a measure and a margin are *linked*: the cell
"exposure lines in NAF section C, all years" of one table is the very same cell as "exposure lines
in NAF section C, all hazards" of another. Keying a cell by its measure and by its non-total
coordinates makes those cells coincide, so the union of the tables' equations is the system an
attacker can exploit, and the one protection must hold against (tau-ARGUS manual §4.2.3, linked
tables; Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, §4.4).

Cells with no contributor are not stored by :func:`build_tables`: they are structural zeros, known
to be zero by anyone (the business register says which sectors are empty), and never suppressed.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

TOTAL = "_T"
"""SDMX's code for "all": a dimension at its total is left out of a cell's key."""

_ADDITIVITY_TOLERANCE = 1e-7


class CellKey(NamedTuple):
    """A cell: the measure summed and its coordinates, sorted by dimension, totals left out."""

    measure: str
    coords: tuple[tuple[str, str], ...]

    def code(self, dimension: str) -> str:
        return dict(self.coords).get(dimension, TOTAL)

    def __str__(self) -> str:
        return f"{self.measure}[{','.join(f'{d}={c}' for d, c in self.coords)}]"


def cell_key(measure: str, coords: Mapping[str, str] | None = None) -> CellKey:
    """The canonical key of a cell; coordinates equal to :data:`TOTAL` are dropped."""
    return CellKey(measure, tuple(sorted((d, c) for d, c in (coords or {}).items() if c != TOTAL)))


@dataclass(frozen=True)
class Cell:
    """A cell's true value, its contributors (company pseudonym → contribution) and, for person
    counts, the number of persons. The value is the sum of the contributions."""

    key: CellKey
    value: float
    contributors: Mapping[str, float] = field(default_factory=dict)
    persons: int | None = None

    def __post_init__(self) -> None:
        if self.value < 0 or any(v < 0 for v in self.contributors.values()):
            raise ValueError(f"{self.key}: magnitudes and counts are non-negative")
        if self.contributors:
            total = math.fsum(self.contributors.values())
            if abs(total - self.value) > _ADDITIVITY_TOLERANCE * max(1.0, abs(self.value)):
                raise ValueError(f"{self.key}: value {self.value} is not the sum {total}")

    @property
    def is_empty(self) -> bool:
        """No contributor: a structural zero."""
        return not self.contributors


@dataclass(frozen=True)
class Dimension:
    """A hierarchical classification: each code's parent; top-level codes have :data:`TOTAL`."""

    name: str
    parents: Mapping[str, str]

    def __post_init__(self) -> None:
        for code in self.parents:
            seen = {code}
            while (code := self.parents[code]) != TOTAL:
                if code not in self.parents or code in seen:
                    raise ValueError(f"dimension {self.name}: broken hierarchy at {code!r}")
                seen.add(code)

    @classmethod
    def flat(cls, name: str, codes: Iterable[str]) -> Dimension:
        return cls(name, {code: TOTAL for code in codes})

    def ancestors(self, code: str) -> tuple[str, ...]:
        """``code`` itself, its parent, …, up to :data:`TOTAL`."""
        if code != TOTAL and code not in self.parents:
            raise ValueError(f"dimension {self.name}: unknown code {code!r}")
        chain = [code]
        while chain[-1] != TOTAL:
            chain.append(self.parents[chain[-1]])
        return tuple(chain)

    def level(self, code: str) -> int:
        """0 for the total, 1 for top-level codes (NAF sections), 2 below (divisions)…"""
        return len(self.ancestors(code)) - 1

    def children(self, depth: int | None = None) -> dict[str, tuple[str, ...]]:
        """Each code's children down to ``depth`` levels, in code order."""
        result: dict[str, list[str]] = defaultdict(list)
        for code in sorted(self.parents):
            if depth is None or self.level(code) <= depth:
                result[self.parents[code]].append(code)
        return {code: tuple(kids) for code, kids in result.items()}


@dataclass(frozen=True)
class TableSpec:
    """A published table: a measure cross-classified by dimensions, with all margins.

    ``depth`` limits how deep a dimension is published (NAF to sections only: ``{"naf": 1}``);
    a dimension missing from it is published to its leaves.
    """

    name: str
    measure: str
    dimensions: tuple[Dimension, ...]
    depth: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """One company's contribution to a measure at the finest coordinates published."""

    measure: str
    company: str
    coords: Mapping[str, str]
    value: float
    persons: int | None = None


@dataclass(frozen=True)
class Equation:
    """``total = sum(parts)``; structural zeros are left out of the parts."""

    total: CellKey
    parts: tuple[CellKey, ...]

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class TableSet:
    """The cells of linked tables, the additivity equations over all of them, and which cells
    each published table shows. Protection and attack work on this whole system at once."""

    cells: Mapping[CellKey, Cell]
    equations: tuple[Equation, ...]
    tables: Mapping[str, tuple[CellKey, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for eq in self.equations:
            missing = [k for k in eq.cells if k not in self.cells]
            if missing:
                raise ValueError(f"equation on unknown cells: {', '.join(map(str, missing))}")
            total = self.cells[eq.total].value
            parts = math.fsum(self.cells[k].value for k in eq.parts)
            if abs(total - parts) > _ADDITIVITY_TOLERANCE * max(1.0, total):
                raise ValueError(f"{eq.total} = {total} is not the sum of its parts ({parts})")

    @cached_property
    def equations_of(self) -> Mapping[CellKey, tuple[int, ...]]:
        """For each cell, the indices of the equations it appears in."""
        index: dict[CellKey, list[int]] = defaultdict(list)
        for i, eq in enumerate(self.equations):
            for key in eq.cells:
                index[key].append(i)
        return {key: tuple(rows) for key, rows in index.items()}

    def value(self, key: CellKey) -> float:
        cell = self.cells.get(key)
        return 0.0 if cell is None else cell.value

    def with_cells(self, cells: Mapping[CellKey, Cell]) -> TableSet:
        """The same tables and equations over other values of the same cells: an intruder's
        view, each cell reduced to the part it does not know. Subtracting known contributions
        keeps every equation (each contributor's part adds up on its own), so the view is not
        checked again; the equation index is shared."""
        if cells.keys() != self.cells.keys():
            raise ValueError("a view keeps the cells of its tables")
        view = object.__new__(TableSet)
        object.__setattr__(view, "cells", cells)
        object.__setattr__(view, "equations", self.equations)
        object.__setattr__(view, "tables", self.tables)
        view.__dict__["equations_of"] = self.equations_of
        return view


def build_tables(records: Iterable[Record], specs: Sequence[TableSpec]) -> TableSet:
    """Aggregate company contributions into every cell of every table, margins included, and
    write the additivity equations of each table along each dimension (deduplicated across
    linked tables). Each record must sit on a leaf of each published hierarchy."""
    if len({spec.name for spec in specs}) != len(specs):
        raise ValueError("table names must be unique")
    _check_linked_dimensions(specs)
    depth = {
        spec.name: {
            d.name: spec.depth.get(d.name, max(map(d.level, d.parents), default=0))
            for d in spec.dimensions
        }
        for spec in specs
    }
    children = {
        spec.name: {d.name: d.children(depth[spec.name][d.name]) for d in spec.dimensions}
        for spec in specs
    }
    contributions: dict[CellKey, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    persons: dict[CellKey, int] = defaultdict(int)
    members: dict[str, set[CellKey]] = {spec.name: set() for spec in specs}
    by_measure: dict[str, list[TableSpec]] = defaultdict(list)
    for spec in specs:
        by_measure[spec.measure].append(spec)
    chain_of: dict[tuple[str, str, str], list[tuple[str, str]]] = {}

    def chain(spec: TableSpec, dim: Dimension, code: str) -> list[tuple[str, str]]:
        """The codes a record at ``code`` adds to in ``spec``: its published ancestors."""
        if (spec.name, dim.name, code) not in chain_of:
            ancestors = dim.ancestors(code)
            published = ancestors[max(0, len(ancestors) - 1 - depth[spec.name][dim.name]) :]
            if published[0] in children[spec.name][dim.name]:
                raise ValueError(f"{dim.name}={published[0]} is not a leaf of table {spec.name}")
            chain_of[spec.name, dim.name, code] = [(dim.name, c) for c in published]
        return chain_of[spec.name, dim.name, code]

    for rec in records:
        reached: set[CellKey] = set()  # a margin shared by linked tables is added to once
        for spec in by_measure.get(rec.measure, ()):
            missing = [d.name for d in spec.dimensions if d.name not in rec.coords]
            if missing:
                raise ValueError(f"record of {rec.company} has no {missing[0]} coordinate")
            chains = [chain(spec, dim, rec.coords[dim.name]) for dim in spec.dimensions]
            keys = {cell_key(spec.measure, dict(combo)) for combo in itertools.product(*chains)}
            members[spec.name] |= keys
            reached |= keys
        for key in reached:
            contributions[key][rec.company] += rec.value
            if rec.persons is not None:
                persons[key] += rec.persons
    cells = {
        key: Cell(key, math.fsum(contribs.values()), dict(contribs), persons.get(key))
        for key, contribs in sorted(contributions.items())
    }
    equations: dict[tuple[CellKey, tuple[CellKey, ...]], Equation] = {}
    for spec in specs:
        for key in sorted(members[spec.name]):
            for dim in spec.dimensions:
                kids = children[spec.name][dim.name].get(key.code(dim.name), ())
                if not kids:
                    continue
                coords = dict(key.coords)
                parts = []
                for kid in kids:
                    part = cell_key(spec.measure, coords | {dim.name: kid})
                    if part in cells:
                        parts.append(part)
                equations.setdefault((key, tuple(parts)), Equation(key, tuple(parts)))
    return TableSet(
        cells=cells,
        equations=tuple(equations[k] for k in sorted(equations)),
        tables={spec.name: tuple(sorted(members[spec.name])) for spec in specs},
    )


def _check_linked_dimensions(specs: Sequence[TableSpec]) -> None:
    """Linked tables must agree on a shared dimension's hierarchy, or shared cells would differ."""
    seen: dict[str, Mapping[str, str]] = {}
    for spec in specs:
        for dim in spec.dimensions:
            known = seen.setdefault(dim.name, dim.parents)
            for code in known.keys() & dim.parents.keys():
                if known[code] != dim.parents[code]:
                    raise ValueError(f"dimension {dim.name}: two parents for {code!r}")
