"""Protecting a release's cubes jointly, against every intruder the release must resist.

Who may try to recompute a secret (``docs/indicators-releases.md`` gives the reasoning):

- **the outsider** (a regional analyst, anyone the tables reach): every published cell of the
  cube, its equations, non-negativity;
- **a tenant**: the same, knowing all its own contributions — its own cells exactly, its part of
  every region cell. The sensitivity rules are applied to the part of each region cell that lies
  outside that tenant (fewer than 3 companies, one over 85 %, fewer than 11 persons);
- **a company**: the same, knowing its own contribution; the rest of a cell it is in must not be
  one company's figure, nor dominated by one;
- **anyone holding the earlier releases of the same year**: a cell whose companies changed since
  (arrivals, departures, updates) by a sensitive set must keep, in the new release, an interval
  at least as wide as that change, or its difference would give the change.

Protection is constructive and monotone: primary cells first (each rule, each intruder), then
the outsider's secondary suppression (Fischetti–Salazar, :mod:`..secrecy.secondary`), then, for
each intruder in turn, the LP completion of :mod:`..secrecy._flow` on that intruder's view of the
cube (each cell reduced to what the intruder does not know), hiding what its attack needs. Hiding
more never helps any intruder, so each pass stays protected after the later ones; the release's
audit (:mod:`.audit`) checks all of them again, independently, before anything is published.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from indicators.domain.release.cubes import (
    TENANT,
    Change,
    Cube,
    Leaf,
    company_view,
    tenant_view,
)
from indicators.domain.secrecy import (
    TOTAL,
    CellKey,
    PrimaryRules,
    ProtectionFailed,
    ProtectionLevel,
    SolverOptions,
    TableSet,
    cell_cost,
    primary_reason,
    secondary_suppression,
)
from indicators.domain.secrecy._attacker import Models, PointPool, Requirement, probe
from indicators.domain.secrecy._flow import complete
from indicators.domain.secrecy.tables import Cell


class Reason(StrEnum):
    """Why a cell is secret: the class is shown to readers, never the figures behind it."""

    FREQUENCY = "frequency"  # fewer than 3 companies
    DOMINANCE = "dominance"  # one company over 85 %
    PERSONS = "persons"  # fewer than 11 persons
    TENANT = "tenant"  # the part outside one service is too small
    CHANGE = "change"  # the change since the previous release is too small
    SECONDARY = "secondary"  # hidden to protect another cell


PRIMARY = frozenset({Reason.FREQUENCY, Reason.DOMINANCE, Reason.PERSONS})


class Pass(StrEnum):
    """The protection steps; all are on for a release, tests switch some off to show the
    audit catches what each one prevents."""

    SECONDARY = "secondary"
    TENANTS = "tenants"
    CHANGES = "changes"
    COMPANIES = "companies"


ALL_PASSES = frozenset(Pass)


@dataclass(frozen=True)
class Margins:
    """The protection interval (±10 % of the sensitive amount, at least one unit), rounded up
    to whole units for counts, since an intruder may round its bounds inwards."""

    relative: float = 0.10
    absolute: float = 1.0

    def requirement(self, value: float, integer: bool) -> Requirement:
        margin = max(self.relative * value, self.absolute)
        if integer:
            margin = float(math.ceil(margin - 1e-9))
        return Requirement(lower=min(value, margin), upper=margin)


@dataclass(frozen=True)
class _Level(ProtectionLevel):
    """The secondary suppression's protection level with :class:`Margins`' rounding."""

    integer: bool = True

    def requirement(self, value: float) -> Requirement:
        return Margins(self.relative, self.absolute).requirement(value, self.integer)


@dataclass(frozen=True)
class Secrecy:
    """The rules of a release: sensitivity rules, protection margins, solver budget."""

    rules: PrimaryRules = field(default_factory=PrimaryRules)
    margins: Margins = field(default_factory=Margins)
    options: SolverOptions = field(default_factory=SolverOptions)

    @property
    def company_rules(self) -> PrimaryRules:
        """A company that subtracts itself must not be left with one other company's figure:
        the frequency rule on the rest is "at least 2" (FREQ(3) with the intruder inside)."""
        rules = self.rules
        return PrimaryRules(2, rules.dominance_n, rules.dominance_k, rules.min_persons)


@dataclass(frozen=True)
class ProtectedCube:
    cube: Cube
    reasons: Mapping[CellKey, Reason]
    changes: Mapping[CellKey, Change] = field(default_factory=dict)

    @property
    def hidden(self) -> frozenset[CellKey]:
        return frozenset(self.reasons)


def change_sensitive(change: Change, rules: PrimaryRules, persons: bool) -> bool:
    """The sensitivity rules applied to what changed in a cell between two releases."""
    if change.companies == 0:
        return False
    if change.companies < rules.min_companies:
        return True
    if change.magnitude > 0 and change.largest * 100 > rules.dominance_k * change.magnitude:
        return True
    return persons and 0 < change.magnitude < rules.min_persons


def largest_contributor(cell: Cell) -> str:
    return min(cell.contributors, key=lambda name: (-cell.contributors[name], name))


def protect_cube(
    cube: Cube,
    secrecy: Secrecy,
    *,
    changes: Mapping[CellKey, Change] | None = None,
    passes: Collection[Pass] = ALL_PASSES,
    extra: Mapping[tuple[str, CellKey], float] | None = None,
) -> ProtectedCube:
    """Hide what the release's intruders could otherwise recompute (module docstring).

    ``extra``: more cells to protect, each against one intruder ("outsider", a tenant, a
    company) with the sensitive amount its interval must cover — the audit's repairs of what
    no single cell's rule sees (two published cells differing by a sensitive set, a rate's
    denominator bounding a secret numerator)."""
    tables, measure = cube.tables, cube.measure
    rules, margins = secrecy.rules, secrecy.margins
    reasons: dict[CellKey, Reason] = {}
    for key, cell in tables.cells.items():
        rule = primary_reason(cell, rules)
        if rule is not None:
            reasons[key] = Reason(rule.value)
    outsider = frozenset(reasons)
    views: dict[str, TableSet] = {}
    if Pass.TENANTS in passes:
        for tenant in cube.tenants:
            views[tenant] = view = tenant_view(cube, tenant)
            for key, cell in view.cells.items():
                region = key.code(TENANT) == TOTAL
                if region and key not in reasons and primary_reason(cell, rules) is not None:
                    reasons[key] = Reason.TENANT
    sensitive_changes = {
        key: change
        for key, change in (changes or {}).items()
        if Pass.CHANGES in passes
        and change_sensitive(change, rules, measure.persons)
        and not tables.cells[key].is_empty
    }
    for key in sensitive_changes:
        reasons.setdefault(key, Reason.CHANGE)
    if Pass.SECONDARY not in passes:
        return ProtectedCube(cube, reasons, dict(changes or {}))
    found = secondary_suppression(
        tables,
        outsider,
        level=_Level(margins.relative, margins.absolute, measure.integer),
        options=secrecy.options,
        keep=frozenset(reasons) - outsider,
    )
    hidden = set(found.hidden)
    pool, models = PointPool(), Models()

    def guard(
        view: TableSet,
        targets: Mapping[CellKey, Requirement],
        changed: Collection[CellKey] | None = None,
    ) -> None:
        grown = _guard(view, hidden, targets, pool, models, changed)
        for key in grown - hidden:
            reasons[key] = Reason.SECONDARY
        hidden.update(grown)

    def view_requirements(view: TableSet, chosen: Callable[[CellKey, Cell], bool]) -> dict:
        return {
            key: margins.requirement(cell.value, measure.integer)
            for key, cell in view.cells.items()
            if key in hidden and not cell.is_empty and chosen(key, cell)
        }

    for view in views.values():
        guard(view, view_requirements(view, lambda _, c: primary_reason(c, rules) is not None))
    if sensitive_changes:
        guard(
            tables,
            {
                key: _change_requirement(tables.value(key), change, secrecy, measure.integer)
                for key, change in sensitive_changes.items()
            },
        )
    if Pass.COMPANIES in passes:
        attackers = sorted(
            {
                largest_contributor(tables.cells[key])
                for key, reason in reasons.items()
                if reason is not Reason.SECONDARY and tables.cells[key].contributors
            }
        )
        company_rules = secrecy.company_rules
        for name in attackers:
            view = company_view(cube, name)
            chain = set(cube.chain(leaf_of_contributor(name)))
            near = linked(view, hidden, chain)

            def chosen(key: CellKey, cell: Cell, chain: set[CellKey] = chain) -> bool:
                if key in chain:
                    return primary_reason(cell, company_rules) is not None
                return key in outsider

            wanted = {k: r for k, r in view_requirements(view, chosen).items() if k in near}
            guard(view, wanted, changed=chain)
    by_intruder: dict[str, dict[CellKey, float]] = {}
    for (intruder, key), amount in sorted((extra or {}).items()):
        by_intruder.setdefault(intruder, {})[key] = max(
            amount, by_intruder.get(intruder, {}).get(key, 0.0)
        )
    for intruder, wanted in by_intruder.items():
        view = _view(cube, intruder, views)
        for key in wanted:
            if key not in hidden and not view.cells[key].is_empty:
                hidden.add(key)
                reasons[key] = Reason.SECONDARY
        guard(
            view,
            {
                key: _change_requirement(
                    view.value(key), Change(1, amount, amount), secrecy, measure.integer
                )
                for key, amount in wanted.items()
                if not view.cells[key].is_empty
            },
        )
    for key in hidden:
        reasons.setdefault(key, Reason.SECONDARY)
    return ProtectedCube(cube, reasons, dict(changes or {}))


def _view(cube: Cube, intruder: str, views: Mapping[str, TableSet]) -> TableSet:
    if intruder in views:
        return views[intruder]
    if intruder in cube.tenants:
        return tenant_view(cube, intruder)
    if "|" in intruder:
        return company_view(cube, intruder)
    return cube.tables


def leaf_of_contributor(name: str) -> Leaf:
    tenant, division, size, _ = name.split("|")
    return Leaf(tenant, division, size)


def _change_requirement(
    value: float, change: Change, secrecy: Secrecy, integer: bool
) -> Requirement:
    """The new cell must move by the change's margin both ways (down to zero at most)."""
    need = secrecy.margins.requirement(change.magnitude, integer)
    return Requirement(lower=min(value, need.upper), upper=need.upper)


def linked(view: TableSet, hidden: Collection[CellKey], seeds: Collection[CellKey]) -> set[CellKey]:
    """The hidden cells an intruder cannot read (non-empty in ``view``) that share an equation
    with a seed, or with such a cell, and so on: the only cells whose attack the intruder's
    knowledge of the seeds (the cells it is in) can change."""
    hidden = set(hidden)
    unknown = {key for key in hidden if not view.cells[key].is_empty}
    reached: set[CellKey] = set()
    todo = list(seeds)
    seen = set(todo)
    while todo:
        key = todo.pop()
        if key in unknown:
            reached.add(key)
        for row in view.equations_of.get(key, ()):
            for other in view.equations[row].cells:
                if other in unknown and other not in seen:
                    seen.add(other)
                    todo.append(other)
    return reached


def _guard(
    view: TableSet,
    hidden: Collection[CellKey],
    requirements: Mapping[CellKey, Requirement],
    pool: PointPool,
    models: Models,
    changed: Collection[CellKey] | None = None,
) -> set[CellKey]:
    """Hide more cells until each target's requirement holds in ``view``; returns the hidden
    set (what the view's intruder knows is never counted as hidden: it cannot protect)."""
    if not requirements:
        return set(hidden)
    known = {key for key in hidden if view.cells[key].is_empty}
    pattern = frozenset(hidden) - known
    missing = [key for key in requirements if key not in pattern]
    if missing:
        raise ValueError(f"{missing[0]} must be hidden before it is protected")
    costs = {
        key: cell_cost(cell.value, "log") for key, cell in view.cells.items() if not cell.is_empty
    }
    for _ in range(6):
        # the known cells stay in the attack, fixed: the components, and so the solvers, are
        # then those of every other view of the same pattern
        found = probe(
            view,
            pattern | known,
            requirements,
            exact=False,
            want_cuts=False,
            pool=pool,
            changed=changed,
            models=models,
        )
        changed = None  # after a completion, cells changed everywhere: check whole points
        todo = [(key, 1) for key in sorted(found) if not found[key].upper_ok]
        todo += [(key, -1) for key in sorted(found) if not found[key].lower_ok]
        if not todo:
            return set(pattern) | known
        pattern = complete(view, pattern, todo, requirements, costs)
    raise ProtectionFailed(f"the completion did not converge for {todo[0][0]}")
