"""A release from its population: every cube built, protected jointly, audited; its loss.

Pure functions over :class:`Population` — the companies of one year with their contributions —
so a release can be recomputed and audited again from the population stored with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cosar_common.vocabulary import SIZE_BANDS
from indicators.domain.release.audit import AuditReport, Mapper, audit_release
from indicators.domain.release.cubes import TENANT, Change, Unit, build_cube, changes
from indicators.domain.release.measures import measure, rate_links
from indicators.domain.release.protect import (
    ALL_PASSES,
    Pass,
    ProtectedCube,
    Secrecy,
    protect_cube,
)
from indicators.domain.secrecy import TOTAL, CellKey


@dataclass(frozen=True)
class Population:
    """The companies (and establishments) a release is computed from, and the NAF hierarchy
    they sit in (division → section)."""

    units: tuple[Unit, ...]
    sections: Mapping[str, str]
    sizes: tuple[str, ...] = SIZE_BANDS

    @property
    def measures(self) -> list[str]:
        return sorted({name for unit in self.units for name in unit.values})


@dataclass(frozen=True)
class Protected:
    cubes: Mapping[str, ProtectedCube]
    audit: AuditReport = field(default_factory=AuditReport)

    def published(self) -> dict[str, dict[CellKey, float]]:
        """Per measure, the published cells and their values (what the next release of the
        same year must be protected against)."""
        return {
            name: {
                key: cell.value
                for key, cell in pc.cube.tables.cells.items()
                if key not in pc.hidden
            }
            for name, pc in self.cubes.items()
        }


Progress = Callable[[int, int, str], None]


def _protect_piece(args: tuple[Any, ...]) -> ProtectedCube:
    cube, secrecy, moved, passes, extra = args
    return protect_cube(cube, secrecy, changes=moved, passes=passes, extra=extra)


def _by_cost(cubes: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """Largest cubes first: the last piece a worker takes is then a small one."""
    return sorted(names, key=lambda name: -len(cubes[name].tables.cells))


def protect_release(
    population: Population,
    secrecy: Secrecy,
    *,
    previous: Population | None = None,
    previous_published: Mapping[str, Mapping[CellKey, float]] | None = None,
    passes: Collection[Pass] = ALL_PASSES,
    progress: Progress | None = None,
    mapper: Mapper = map,
) -> Protected:
    """Build, protect and audit every cube of the release (each cube protected apart: they
    share no cell; the audit then attacks them together, rate links included)."""
    names = population.measures
    built = {
        name: build_cube(
            measure(name), population.units, sections=population.sections, sizes=population.sizes
        )
        for name in names
    }
    moved: dict[str, Mapping[CellKey, Change] | None] = {
        name: changes(cube, previous.units, population.units) if previous else None
        for name, cube in built.items()
    }
    cubes: dict[str, ProtectedCube] = {}
    order = _by_cost(built, names)
    pieces: list[tuple[Any, ...]] = [
        (built[name], secrecy, moved[name], passes, None) for name in order
    ]
    if progress:
        progress(0, len(names), order[0] if order else "")
    for done, (name, protected) in enumerate(
        zip(order, mapper(_protect_piece, pieces), strict=True), 1
    ):
        cubes[name] = protected
        if progress:
            progress(done, len(names), name)
    cubes = {name: cubes[name] for name in names}  # the measures' order, as before
    links = rate_links(set(names))
    extra: dict[str, dict[tuple[str, CellKey], float]] = defaultdict(dict)
    for round_ in range(REPAIR_ROUNDS + 1):
        if progress:
            progress(len(names), len(names), f"audit {round_ + 1}")
        report = audit_release(
            cubes, secrecy, previous=previous_published, links=links, mapper=mapper
        )
        repairs = [b.repair for b in report.breaches if b.repair is not None]
        if report.ok or not repairs or set(passes) != ALL_PASSES or round_ == REPAIR_ROUNDS:
            break
        for name, key, amount in repairs:
            intruder = next(b.intruder for b in report.breaches if b.repair == (name, key, amount))
            slot = (
                intruder
                if intruder in ("outsider",)
                or intruder in cubes[name].cube.tenants
                or "|" in intruder
                else "outsider",
                key,
            )
            extra[name][slot] = max(amount, extra[name].get(slot, 0.0))
        again = _by_cost(built, {r[0] for r in repairs})
        pieces = [(built[name], secrecy, moved[name], passes, extra[name]) for name in again]
        for name, protected in zip(again, mapper(_protect_piece, pieces), strict=True):
            cubes[name] = protected
    return Protected(cubes, report)


REPAIR_ROUNDS = 4
"""Audit-and-repair rounds before a release is declared unprotectable (never reached in the
tests: one round closes the differences the single-cell rules do not see)."""


@dataclass(frozen=True)
class Loss:
    """What a release hides, at region level (tenant total) and tenant level."""

    cells: int
    hidden: int
    value: float
    hidden_value: float

    @property
    def cell_share(self) -> float:
        return self.hidden / self.cells if self.cells else 0.0

    @property
    def value_share(self) -> float:
        return self.hidden_value / self.value if self.value else 0.0


def information_loss(cubes: Mapping[str, ProtectedCube]) -> dict[str, Loss]:
    """Share of non-empty cells and of their value hidden, region and tenant level (values
    are added within each measure, then the shares averaged over measures by value)."""
    totals: dict[str, list[float]] = {"region": [0, 0, 0.0, 0.0], "tenant": [0, 0, 0.0, 0.0]}
    for pc in cubes.values():
        for key, cell in pc.cube.tables.cells.items():
            if cell.is_empty:
                continue
            level = "region" if key.code(TENANT) == TOTAL else "tenant"
            entry = totals[level]
            entry[0] += 1
            entry[2] += cell.value
            if key in pc.hidden:
                entry[1] += 1
                entry[3] += cell.value
    return {
        level: Loss(int(e[0]), int(e[1]), float(e[2]), float(e[3])) for level, e in totals.items()
    }
