"""The release audit: attack a whole release the ways an intruder would, and list every breach.

It does not trust the protection: it recomputes which cells are sensitive, from the cubes' true
values, for each intruder, and attacks the published pattern:

- ``published-sensitive``: a cell sensitive to some intruder is published at all;
- ``linked``: the outsider's LP over the whole cube (all linked tables of the measure) pins a
  sensitive cell within its protection interval;
- ``tenant``: the same LP with one tenant's own contributions known, for each tenant, on the
  part of each cell outside that tenant;
- ``company``: the same with one company's contribution known (the largest contributor of each
  sensitive cell), on the rest of the cells it is in;
- ``difference``: two published cells whose companies nest (every cell and each of its
  supersets in the cube) differ by a sensitive set of companies — for the outsider and for each
  tenant that subtracts its own part of the difference;
- ``release-difference``: a cell published in the previous release of the year and in this one
  whose companies changed by a sensitive set, or a hidden cell whose interval is narrower than
  its change;
- ``bounds``: a rate's numerator never exceeds its denominator, company by company, and counts
  are whole: with the published denominator as a ceiling (and the published numerator as a
  floor) and bounds rounded inwards, the interval must still hold.

A release is published only when its audit lists no breach.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from indicators.domain.release.cubes import TENANT, Cube, company_view, tenant_of, tenant_view
from indicators.domain.release.protect import (
    ProtectedCube,
    Secrecy,
    change_sensitive,
    largest_contributor,
    linked,
)
from indicators.domain.release.protect import (
    leaf_of_contributor as _leaf,
)
from indicators.domain.secrecy import TOTAL, CellKey, TableSet, cell_key, primary_reason
from indicators.domain.secrecy._attacker import (
    Models,
    PointPool,
    Requirement,
    probe,
    tolerance,
)
from indicators.domain.secrecy.tables import Cell

Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]
"""How a release runs its independent pieces (each cube's protection, each cube's audit): the
builtin ``map`` by default; the service passes a process pool's (:mod:`indicators.releases.
workers`). The results come back in the order of the pieces, whatever the mapper."""


@dataclass(frozen=True)
class Breach:
    """One way a secret comes out. ``repair``: the cell whose protection against ``intruder``
    would close it (measure, cell, the sensitive amount to cover), where the audit can tell."""

    kind: str
    intruder: str
    measure: str
    cell: str
    detail: str
    repair: tuple[str, CellKey, float] | None = None


@dataclass(frozen=True)
class RateLink:
    """A rate's two measures, when the numerator is at most the denominator company by
    company (exposed ≤ employees, covered ≤ members…): one bounds the other."""

    numerator: str
    denominator: str


@dataclass
class AuditReport:
    breaches: list[Breach] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def ok(self) -> bool:
        return not self.breaches

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for breach in self.breaches:
            counts[breach.kind] += 1
        return dict(sorted(counts.items()))

    def merge(self, other: AuditReport) -> None:
        self.breaches.extend(other.breaches)
        for kind, n in other.targets.items():
            self.targets[kind] += n


def audit_release(
    cubes: Mapping[str, ProtectedCube],
    secrecy: Secrecy,
    *,
    previous: Mapping[str, Mapping[CellKey, float]] | None = None,
    links: Sequence[RateLink] = (),
    mapper: Mapper = map,
) -> AuditReport:
    """Every breach of the release (``previous``: the cells the previous release of the same
    year published, by measure)."""
    report = AuditReport()
    names = sorted(cubes, key=lambda name: (-len(cubes[name].cube.tables.cells), name))
    pieces = [(cubes[name], secrecy, (previous or {}).get(name)) for name in names]
    found = dict(zip(names, mapper(_audit_piece, pieces), strict=True))
    for name in sorted(cubes):  # the report in the same order whatever ran first
        report.merge(found[name])
    for link in links:
        if link.numerator in cubes and link.denominator in cubes:
            report.merge(_bounds(cubes[link.numerator], cubes[link.denominator], secrecy))
    return report


def _audit_piece(args: tuple[Any, ...]) -> AuditReport:
    protected, secrecy, previous = args
    return audit_cube(protected, secrecy, previous=previous)


def audit_cube(
    protected: ProtectedCube,
    secrecy: Secrecy,
    *,
    previous: Mapping[CellKey, float] | None = None,
) -> AuditReport:
    report = AuditReport()
    cube, hidden = protected.cube, protected.hidden
    tables, name = cube.tables, cube.measure.name
    rules, margins, integer = secrecy.rules, secrecy.margins, cube.measure.integer

    def breach(kind: str, intruder: str, key: CellKey, detail: str) -> None:
        report.breaches.append(Breach(kind, intruder, name, str(key), detail, (name, key, 0.0)))

    pool = PointPool()
    models = Models()

    def attack(
        kind: str,
        intruder: str,
        view: TableSet,
        targets: Mapping[CellKey, float],
        changed: Collection[CellKey] | None = None,
    ) -> None:
        """``targets``: cell → the sensitive amount its interval must cover ±margin.

        What the intruder knows (cells empty in its view) stays in the attack, fixed: the
        components, and so the attacker's models, are then those of every other view of the
        same pattern, reused with other bounds (as the protection's own guard does)."""
        pattern = frozenset(hidden)
        requirements = {}
        for key, amount in targets.items():
            need = margins.requirement(amount, integer)
            requirements[key] = Requirement(min(view.value(key), need.lower), need.upper)
        report.targets[kind] += len(requirements)
        if not requirements:
            return
        found = probe(
            view,
            pattern,
            requirements,
            exact=False,
            want_cuts=False,
            pool=pool,
            changed=changed,
            models=models,
        )
        failing = {
            key for key, outcome in found.items() if not (outcome.upper_ok and outcome.lower_ok)
        }
        if not failing:
            return
        exact = probe(
            view,
            pattern,
            {k: requirements[k] for k in failing},
            exact=True,
            want_cuts=False,
            models=models,
        )
        for key in sorted(failing):
            value, outcome = view.value(key), exact[key]
            low, high = value + (outcome.lower or 0.0), value + (outcome.upper or 0.0)
            need = requirements[key]
            report.breaches.append(
                Breach(
                    kind,
                    intruder,
                    name,
                    str(key),
                    f"[{low:g}, {high:g}] pour {value:g}, il faut [{value - need.lower:g}, "
                    f"{value + need.upper:g}]",
                    (name, key, targets[key]),
                )
            )

    # Sensitivity, recomputed for each intruder.
    outsider = {k: c.value for k, c in tables.cells.items() if primary_reason(c, rules)}
    views = {tenant: tenant_view(cube, tenant) for tenant in cube.tenants}
    for key in sorted(outsider):
        if key not in hidden:
            breach("published-sensitive", "outsider", key, "cellule sensible publiée")
    attack("linked", "outsider", tables, {k: v for k, v in outsider.items() if k in hidden})
    for tenant, view in views.items():
        sensitive = {
            key: cell.value
            for key, cell in view.cells.items()
            if not cell.is_empty and primary_reason(cell, rules) is not None
        }
        for key in sorted(sensitive):
            if key not in hidden:
                breach("published-sensitive", tenant, key, "part hors du service sensible publiée")
        attack("tenant", tenant, view, {k: v for k, v in sensitive.items() if k in hidden})
    company_rules = secrecy.company_rules
    attackers = {
        largest_contributor(tables.cells[key])
        for key in hidden
        if tables.cells[key].contributors and primary_reason(tables.cells[key], rules)
    }
    for view in views.values():
        attackers |= {
            largest_contributor(tables.cells[key])
            for key, cell in view.cells.items()
            if key in hidden and not cell.is_empty and primary_reason(cell, rules)
        }
    for attacker in sorted(attackers):
        view = company_view(cube, attacker)
        chain = [key for key in cube.chain(_leaf(attacker)) if key in tables.cells]
        sensitive = {}
        for key in linked(view, hidden, chain):
            cell = view.cells[key]
            inside = attacker in tables.cells[key].contributors
            if primary_reason(cell, company_rules if inside else rules) is not None:
                sensitive[key] = cell.value
        attack("company", attacker, view, sensitive, changed=chain)
    _differences(protected, secrecy, report)
    if previous is not None:
        for key, change in protected.changes.items():
            if not change_sensitive(change, rules, cube.measure.persons):
                continue
            if key not in hidden and key in previous:
                breach(
                    "release-difference",
                    "previous release",
                    key,
                    "publiée dans les deux diffusions, changement sensible",
                )
        attack(
            "release-difference",
            "previous release",
            tables,
            {
                key: change.magnitude
                for key, change in protected.changes.items()
                if key in hidden and change_sensitive(change, rules, cube.measure.persons)
            },
        )
    return report


def _leaves_of(cube: Cube) -> dict[CellKey, frozenset[CellKey]]:
    """Each cell's non-empty leaves (the finest cells of the cube)."""
    depth = max(len(key.coords) for key in cube.tables.cells)
    leaves = [key for key in cube.tables.cells if len(key.coords) == depth]
    cells: dict[CellKey, set[CellKey]] = defaultdict(set)
    for leaf in leaves:
        for key in _supersets(cube, leaf):
            cells[key].add(leaf)
    return {key: frozenset(v) for key, v in cells.items()}


def _supersets(cube: Cube, key: CellKey) -> list[CellKey]:
    """The cells of the cube whose box contains ``key``'s (``key`` itself included)."""
    chains = []
    for dim, code in key.coords:
        chain = [code]
        if dim == "naf" and code in cube.sections:
            chain.append(cube.sections[code])
        chain.append(TOTAL)
        chains.append([(dim, c) for c in chain])
    result = []
    for combo in itertools.product(*chains):
        candidate = cell_key(key.measure, dict(combo))
        if candidate in cube.tables.cells:
            result.append(candidate)
    return result


def _union(cube: Cube, leaves: Iterable[CellKey], drop_tenant: str | None = None) -> Cell:
    contributors: dict[str, float] = {}
    for leaf in leaves:
        for who, value in cube.tables.cells[leaf].contributors.items():
            if drop_tenant is None or tenant_of(who) != drop_tenant:
                contributors[who] = contributors.get(who, 0.0) + value
    value = math.fsum(contributors.values())
    persons = round(value) if cube.measure.persons else None
    return Cell(CellKey(cube.measure.name, ()), value, contributors, persons)


def _differences(protected: ProtectedCube, secrecy: Secrecy, report: AuditReport) -> None:
    """Two published cells whose leaves nest must not differ by a sensitive set — nor by a set
    whose part outside some tenant is sensitive, for that tenant."""
    cube, hidden = protected.cube, protected.hidden
    leaves = _leaves_of(cube)
    published = [key for key in sorted(leaves) if key not in hidden]
    for small in published:
        inner = leaves[small]
        box = _tight_box(cube, inner, small)
        for big in _supersets(cube, box):
            if big == small or big in hidden or big not in leaves:
                continue
            outer = leaves[big]
            if not inner < outer:
                continue
            rest = outer - inner
            report.targets["difference"] += 1
            name = cube.measure.name
            cell = _union(cube, rest)
            if primary_reason(cell, secrecy.rules) is not None:
                report.breaches.append(
                    Breach(
                        "difference",
                        "outsider",
                        name,
                        f"{big} - {small}",
                        "différence de deux cellules publiées sensible",
                        (name, small, cell.value),
                    )
                )
                continue
            for tenant in sorted({leaf.code(TENANT) for leaf in rest}):
                part = _union(cube, rest, drop_tenant=tenant)
                if not part.is_empty and primary_reason(part, secrecy.rules) is not None:
                    # the tenant knows its own cells: hide the one it does not know
                    unknown = small if small.code(TENANT) != tenant else big
                    report.breaches.append(
                        Breach(
                            "difference",
                            tenant,
                            name,
                            f"{big} - {small}",
                            "différence sensible hors du service",
                            (name, unknown, part.value),
                        )
                    )


def _tight_box(cube: Cube, inner: frozenset[CellKey], key: CellKey) -> CellKey:
    """The smallest cell of the cube holding every leaf of ``inner`` (the cell itself when its
    leaves spread over its whole box): every cell holding ``inner`` contains that one."""
    coords = {}
    for dim, _ in next(iter(inner)).coords:
        codes = {leaf.code(dim) for leaf in inner}
        if len(codes) == 1:
            coords[dim] = codes.pop()
        elif dim == "naf" and len(parents := {cube.sections.get(c, c) for c in codes}) == 1:
            coords[dim] = parents.pop()
        else:
            coords[dim] = TOTAL
    return cell_key(key.measure, coords)


def _bounds(numerator: ProtectedCube, denominator: ProtectedCube, secrecy: Secrecy) -> AuditReport:
    """Hidden numerators under a published denominator (and hidden denominators over a
    published numerator): the extra bound and integrality must leave the interval wide."""
    report = AuditReport()
    for target, other, ceiling in ((numerator, denominator, True), (denominator, numerator, False)):
        tables = target.cube.tables
        rules, integer = secrecy.rules, target.cube.measure.integer
        bound: dict[CellKey, float] = {}
        for key in target.hidden:
            twin = CellKey(other.cube.measure.name, key.coords)
            published = twin in other.cube.tables.cells and twin not in other.hidden
            if published and primary_reason(tables.cells[key], rules) is not None:
                bound[key] = other.cube.tables.value(twin)
        report.targets["bounds"] += len(bound)
        if not bound:
            continue
        requirements = {
            key: secrecy.margins.requirement(tables.value(key), integer) for key in bound
        }
        pattern = frozenset(k for k in target.hidden if not tables.cells[k].is_empty)
        found = probe(tables, pattern, requirements, exact=True, want_cuts=False)
        for key in sorted(bound):
            value, outcome = tables.value(key), found[key]
            low = value + (outcome.lower or 0.0)
            high = value + (outcome.upper if outcome.upper is not None else math.inf)
            if ceiling:
                high = min(high, bound[key])
            else:
                low = max(low, bound[key])
            if integer:
                low = math.ceil(low - 1e-6)
                high = math.floor(high + 1e-6) if math.isfinite(high) else high
            need = requirements[key]
            slack = tolerance(value)
            if low > value - need.lower + slack or high < value + need.upper - slack:
                twin = CellKey(other.cube.measure.name, key.coords)
                report.breaches.append(
                    Breach(
                        "bounds",
                        "outsider",
                        target.cube.measure.name,
                        str(key),
                        f"[{low:g}, {high:g}] avec la borne {bound[key]:g}",
                        (other.cube.measure.name, twin, value),
                    )
                )
    return report
