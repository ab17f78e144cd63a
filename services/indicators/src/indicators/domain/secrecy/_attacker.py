"""The attacker's linear programs, solved with HiGHS; shared by the attack check and the
secondary suppression (which turns the attacker's dual solutions into Benders cuts).

Deviation form (Fischetti & Salazar, "Solving the cell suppression problem on tabular data with
linear constraints", *Management Science* 47(7), 2001, §2): for suppressed cells ``j`` the attacker
knows ``x_j >= 0`` and, for every equation, ``Σ M_rj x_j = 0`` with published cells fixed at their
values. With ``z_j = x_j - a_j`` (``a`` the true values) the published cells drop out
(``z_j = 0``) and the system is ``M z = 0``, ``z_j >= -a_j``, ``z_j`` unbounded above. The
attacker's interval for a cell ``i`` is ``a_i + [min z_i, max z_i]``. Only suppressed cells
linked through equations interact, so the LPs are solved per connected component.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from indicators.domain.secrecy.tables import CellKey, TableSet

INF = float("inf")
_REDUCED_COST_EPS = 1e-9
_UNBOUNDED = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)


def tolerance(value: float) -> float:
    """Numerical slack granted to an LP bound when compared with a requirement."""
    return 1e-6 * max(1.0, abs(value))


@dataclass(frozen=True)
class Requirement:
    """How far below and above its true value the attacker must be unable to pin a cell."""

    lower: float
    upper: float


@dataclass(frozen=True)
class Cut:
    """A capacity (Benders) cut of the master problem: ``Σ coefs[k] · y_k >= 1``.

    Derived from any dual vector of the attacker's LP, it is a necessary condition for the
    protection of one cell in one direction; from the LP's optimal duals it is violated by the
    pattern just attacked (Fischetti & Salazar 2001, §3, "capacity constraints").
    """

    coefs: Mapping[CellKey, float]


@dataclass
class Probe:
    """Outcome for one target cell: deviations found (``None`` when certified by another LP's
    feasible point, which proves the requirement without measuring the bound) and cuts."""

    lower: float | None = None
    upper: float | None = None
    lower_ok: bool = False
    upper_ok: bool = False
    cuts: list[Cut] = field(default_factory=list)


def capacity_cut(
    tables: TableSet,
    target: CellKey,
    sign: int,
    duals: Mapping[int, float],
    required: float,
) -> Cut:
    """The cut for raising (``sign=+1``) or lowering (``-1``) ``target`` by ``required``.

    With the LP ``min c·z`` (``c = -sign·e_target``) and equation duals ``λ``, the reduced costs
    ``d = c - Mᵀλ`` bound the LP from below by ``-Σ_j (d_j⁺·a_j + d_j⁻·∞)·y_j``; protection needs
    that bound to reach ``-required``. Coefficients are capped at ``required`` (valid for binary
    ``y``) and divided by it. Structural zeros are never suppressed, so they are left out.
    """
    reduced: dict[CellKey, float] = defaultdict(float)
    reduced[target] = -float(sign)
    for row, lam in duals.items():
        if lam == 0.0:
            continue
        eq = tables.equations[row]
        reduced[eq.total] -= lam
        for part in eq.parts:
            reduced[part] += lam
    coefs: dict[CellKey, float] = {}
    for key in sorted(reduced):
        d = reduced[key]
        cell = tables.cells[key]
        if cell.is_empty:
            continue
        capacity = required if d < -_REDUCED_COST_EPS else max(d, 0.0) * cell.value
        if capacity > _REDUCED_COST_EPS * required:
            coefs[key] = min(capacity, required) / required
    return Cut(coefs)


def single_equation_cuts(tables: TableSet, target: CellKey, requirement: Requirement) -> list[Cut]:
    """Cuts from one equation at a time (``λ = ±e_r``): a secret cell needs, in each equation it
    is in, other suppressed cells able to absorb its variation in both directions."""
    cuts = []
    for row in tables.equations_of.get(target, ()):
        s = 1.0 if tables.equations[row].total == target else -1.0
        for sign, required in ((1, requirement.upper), (-1, requirement.lower)):
            if required > 0:
                cuts.append(capacity_cut(tables, target, sign, {row: -sign * s}, required))
    return cuts


class ComponentLp:
    """The attacker's LP over one connected component of suppressed cells."""

    def __init__(
        self,
        tables: TableSet,
        keys: Sequence[CellKey],
        rows: Sequence[int],
        weights: Mapping[CellKey, float] | None = None,
        cap: float = INF,
    ) -> None:
        self.keys = list(keys)
        self.rows = list(rows)
        self.column = {key: j for j, key in enumerate(self.keys)}
        self._tables, self._weights, self._cap = tables, weights, cap
        self._lower, self._upper = self._bounds(tables)
        self._solver: highspy.Highs | None = None  # built at the first solve: the pool
        self._target: int | None = None  # often proves every target without one

    def _bounds(self, tables: TableSet) -> tuple[np.ndarray, np.ndarray]:
        # A fractional pattern (the master's LP relaxation) scales each cell's room by its
        # weight, upwards within a finite ``cap``: any dual then still gives a valid cut. A
        # cell the intruder knows (no contributor left in its view) cannot move.
        weights, cap = self._weights, self._cap
        weight = np.array([1.0 if weights is None else weights[k] for k in self.keys])
        lower = -weight * np.array([tables.value(k) for k in self.keys], dtype=float)
        upper = np.full(len(self.keys), highspy.kHighsInf) if cap == INF else weight * cap
        known = [j for j, k in enumerate(self.keys) if tables.cells[k].is_empty]
        upper[known] = 0.0
        return lower, upper

    def retarget(self, tables: TableSet) -> None:
        """The same component in another view of the same tables (other cells known or
        reduced): only the bounds change, and the solver keeps its basis."""
        lower, upper = self._bounds(tables)
        differ = np.flatnonzero((lower != self._lower) | (upper != self._upper))
        self._tables, self._lower, self._upper = tables, lower, upper
        if self._solver is not None and len(differ):
            self._solver.changeColsBounds(
                len(differ), differ.astype(np.int32), lower[differ], upper[differ]
            )

    def _highs(self) -> highspy.Highs:
        if self._solver is not None:
            return self._solver
        tables = self._tables
        entries: list[list[tuple[int, float]]] = [[] for _ in self.keys]
        for i, row in enumerate(self.rows):
            eq = tables.equations[row]
            for key in eq.cells:
                if key in self.column:
                    entries[self.column[key]].append((i, 1.0 if key == eq.total else -1.0))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(self.keys), len(self.rows)
        lp.col_cost_ = np.zeros(len(self.keys))
        lp.col_lower_, lp.col_upper_ = self._lower, self._upper
        lp.row_lower_ = lp.row_upper_ = np.zeros(len(self.rows))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.cumsum([0] + [len(e) for e in entries], dtype=np.int32)
        lp.a_matrix_.index_ = np.array([i for e in entries for i, _ in e], dtype=np.int32)
        lp.a_matrix_.value_ = np.array([v for e in entries for _, v in e], dtype=float)
        solver = highspy.Highs()
        solver.silent()
        solver.setOptionValue("presolve", "off")  # keep the basis between targets
        # only the objective changes between solves: the last basis stays primal feasible
        solver.setOptionValue("simplex_strategy", 4)
        solver.passModel(lp)
        self._solver = solver
        return solver

    def optimise(self, key: CellKey, sign: int) -> tuple[float, np.ndarray, dict[int, float]]:
        """Max (``sign=+1``) or min (``-1``) deviation of ``key``; the primal point and the
        equation duals (empty when unbounded)."""
        highs = self._highs()
        if self._target is not None:
            highs.changeColCost(self._target, 0.0)
        self._target = self.column[key]
        highs.changeColCost(self._target, -float(sign))
        highs.run()
        status = highs.getModelStatus()
        if status in _UNBOUNDED and sign > 0:
            return INF, np.zeros(len(self.keys)), {}
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"attacker LP for {key}: {highs.modelStatusToString(status)}")
        solution = highs.getSolution()
        point = np.asarray(solution.col_value)
        duals = dict(zip(self.rows, np.asarray(solution.row_dual).tolist(), strict=True))
        return float(point[self._target]), point, duals


def components(
    tables: TableSet,
    suppressed: Collection[CellKey],
    weights: Mapping[CellKey, float] | None = None,
    cap: float = INF,
    wanted: Collection[CellKey] | None = None,
    models: Models | None = None,
) -> list[ComponentLp]:
    """Split the suppressed cells into groups linked by equations, in a deterministic order;
    with ``wanted``, only the groups holding one of those cells, found from them alone.
    ``models``: the linear programs of earlier attacks, reused when a component recurs."""
    if wanted is not None:
        found = []
        for keys, rows in _reached(tables, suppressed, wanted):
            model = None if models is None else models.get(keys, rows)
            if model is None:
                model = ComponentLp(tables, keys, rows, weights, cap)
                if models is not None:
                    models.put(keys, rows, model)
            else:
                model.retarget(tables)
            found.append(model)
        return found
    root = {key: key for key in suppressed}

    def find(key: CellKey) -> CellKey:
        while root[key] != key:
            root[key] = root[root[key]]
            key = root[key]
        return key

    rows_inside: list[tuple[int, CellKey]] = []
    for row, eq in enumerate(tables.equations):
        inside = [key for key in eq.cells if key in root]
        if not inside:
            continue
        first = find(inside[0])
        for other in inside[1:]:
            top = find(other)
            if top != first:
                root[max(top, first)] = min(top, first)
                first = min(top, first)
        rows_inside.append((row, inside[0]))
    keys_of: dict[CellKey, list[CellKey]] = defaultdict(list)
    for key in sorted(root):
        keys_of[find(key)].append(key)
    rows_of: dict[CellKey, list[int]] = defaultdict(list)
    for row, key in rows_inside:
        rows_of[find(key)].append(row)
    chosen = sorted(keys_of)
    if wanted is not None:
        chosen = sorted({find(key) for key in wanted if key in root})
    return [ComponentLp(tables, keys_of[top], rows_of[top], weights, cap) for top in chosen]


class Models:
    """The attacker's linear programs of the last few components, by cells and equations: an
    intruder's view of the same pattern (a company's, a tenant's) changes only bounds, and a
    solver that keeps its basis answers the next target in a few iterations."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._models: dict[tuple[tuple[CellKey, ...], tuple[int, ...]], ComponentLp] = {}

    def get(self, keys: Sequence[CellKey], rows: Sequence[int]) -> ComponentLp | None:
        name = (tuple(keys), tuple(rows))
        model = self._models.pop(name, None)
        if model is not None:
            self._models[name] = model  # most recently used last
        return model

    def put(self, keys: Sequence[CellKey], rows: Sequence[int], model: ComponentLp) -> None:
        self._models[(tuple(keys), tuple(rows))] = model
        while len(self._models) > self.size:
            self._models.pop(next(iter(self._models)))


def _reached(
    tables: TableSet, suppressed: Collection[CellKey], wanted: Collection[CellKey]
) -> list[tuple[list[CellKey], list[int]]]:
    """The components holding a wanted cell, by search from those cells: the cost is that of
    the components, not of the whole table set."""
    hidden = suppressed if isinstance(suppressed, (set, frozenset)) else set(suppressed)
    seen: set[CellKey] = set()
    found = []
    for start in sorted(key for key in wanted if key in hidden):
        if start in seen:
            continue
        seen.add(start)
        keys, rows, todo = [start], set(), [start]
        while todo:
            key = todo.pop()
            for row in tables.equations_of.get(key, ()):
                if row in rows:
                    continue
                rows.add(row)
                for other in tables.equations[row].cells:
                    if other in hidden and other not in seen:
                        seen.add(other)
                        keys.append(other)
                        todo.append(other)
        found.append((sorted(keys), sorted(rows)))
    return sorted(found)


class PointPool:
    """Attacker points already found (deviations ``z``), to prove later targets at once.

    A point is a table the attacker cannot rule out: it keeps every equation with the cells it
    moves all suppressed. It stays one in any later attack where those cells are still hidden
    and none goes below zero — in the same tables after more cells were hidden, or in an
    intruder's view where some cells are known (they must not move) and others are smaller
    (they may not go as low). Such a point that moves a target far enough proves that
    direction without a new linear program. The pool only ever *proves* protection (a target it
    cannot prove gets its own linear program), so it cannot make an attack look weaker.

    Points are rows of one dense array over the pool's numbering of cells (zero where a point's
    component does not reach), so that a view differing in a few cells (a company's) is
    checked on those columns for every point at once. The pool stops growing at ``limit``
    values: it then proves less, never wrongly.
    """

    def __init__(self, limit: int = 25_000_000) -> None:
        self.limit = limit
        self.number: dict[CellKey, int] = {}
        self._values = np.zeros((0, 0))
        self._size = 0
        self._best = [np.zeros(0), np.zeros(0)]  # per direction, each cell's farthest move

    def __len__(self) -> int:
        return self._size

    def add(self, keys: Sequence[CellKey], point: np.ndarray) -> None:
        fresh = [key for key in dict.fromkeys(keys) if key not in self.number]
        cells = len(self.number) + len(fresh)
        rows, width = self._values.shape
        if cells > width or self._size == rows:
            width = max(width, cells, 64) * (2 if cells > width else 1)
            rows = max(16, 2 * rows if self._size == rows else rows)
            rows = min(rows, self.limit // width)
            if rows <= self._size:
                return  # full: the point is dropped, and its new cells stay unnumbered
            grown = np.zeros((rows, width))
            grown[: self._size, : self._values.shape[1]] = self._values[: self._size]
            self._values = grown
            for side in range(2):
                best = np.zeros(width)
                best[: len(self._best[side])] = self._best[side]
                self._best[side] = best
        for key in fresh:
            self.number[key] = len(self.number)
        columns = np.array([self.number[key] for key in keys], dtype=np.int64)
        self._values[self._size, columns] = point
        self._size += 1
        np.maximum.at(self._best[0], columns, point)
        np.maximum.at(self._best[1], columns, -point)

    def proves(
        self,
        tables: TableSet,
        suppressed: Collection[CellKey],
        targets: Sequence[CellKey],
        sign: int,
        need: np.ndarray,
        changed: Collection[CellKey] | None = None,
    ) -> np.ndarray:
        """For each target, whether a pooled point feasible in ``tables`` with ``suppressed``
        hidden moves it by ``sign × need``. ``changed``: the only cells whose bound or
        visibility differs from the tables every pooled point was found feasible in (a
        company's view changes only the cells it is in), the only ones then checked."""
        slack = np.array([tolerance(tables.value(key)) for key in targets])
        proven = need <= slack  # the true table itself (no move) is a point
        best = self._best[0 if sign > 0 else 1]
        rows = [
            i
            for i, key in enumerate(targets)
            if not proven[i] and key in self.number and best[self.number[key]] >= need[i] - slack[i]
        ]
        if not rows:
            return proven
        keys = list(self.number)
        if changed is None:
            check = list(range(len(keys)))
        else:
            check = [self.number[key] for key in changed if key in self.number]
        values = self._values[: self._size]
        ok = np.ones(self._size, dtype=bool)
        if check:
            moved = values[:, check]
            values_of = [tables.value(keys[n]) for n in check]
            low = np.array([-v - tolerance(v) for v in values_of])
            ok &= (moved >= low).all(axis=1)
            known = np.array(
                [keys[n] not in suppressed or tables.cells[keys[n]].is_empty for n in check],
                dtype=bool,
            )
            if known.any():
                ok &= (np.abs(moved[:, known]) <= 1e-9).all(axis=1)
        feasible = np.flatnonzero(ok)
        if not len(feasible):
            return proven
        wanted = np.array(rows)
        columns = np.array([self.number[targets[i]] for i in rows], dtype=np.int64)
        farthest = (sign * values[np.ix_(feasible, columns)]).max(axis=0)
        proven[wanted] = farthest >= need[wanted] - slack[wanted]
        return proven


def probe(
    tables: TableSet,
    suppressed: Collection[CellKey],
    requirements: Mapping[CellKey, Requirement],
    *,
    exact: bool,
    want_cuts: bool,
    weights: Mapping[CellKey, float] | None = None,
    pool: PointPool | None = None,
    changed: Collection[CellKey] | None = None,
    models: Models | None = None,
) -> dict[CellKey, Probe]:
    """Attack every target (the keys of ``requirements``, all suppressed).

    ``exact``: two LPs per target, bounds measured. Otherwise a feasible point that already
    moves another target far enough certifies that target's direction, and its LP is skipped.
    ``weights``: a fractional pattern (separation for the master's LP relaxation), upward room
    then capped at the largest requirement.
    """
    outcome = {key: Probe() for key in requirements}
    cap = INF if weights is None else max((r.upper for r in requirements.values()), default=0.0)
    reuse = models if weights is None else None
    for component in components(
        tables, suppressed, weights, cap, wanted=requirements.keys(), models=reuse
    ):
        targets = [key for key in component.keys if key in requirements]
        columns = np.array([component.column[key] for key in targets], dtype=np.int64)
        slack = np.array([tolerance(tables.value(key)) for key in targets])
        for sign in (1, -1):
            need = np.array(
                [requirements[k].upper if sign > 0 else requirements[k].lower for k in targets]
            )
            certified = np.zeros(len(targets), dtype=bool)
            if pool is not None and not exact and weights is None:
                hidden = suppressed if isinstance(suppressed, (set, frozenset)) else set(suppressed)
                certified |= pool.proves(tables, hidden, targets, sign, need, changed)
            for i, key in enumerate(targets):
                if not exact and certified[i]:
                    continue
                best, point, duals = component.optimise(key, sign)
                if pool is not None and weights is None and np.isfinite(best):
                    pool.add(component.keys, point)
                found = outcome[key]
                ok = sign * best >= need[i] - slack[i]
                if sign > 0:
                    found.upper, found.upper_ok = best, ok
                else:
                    found.lower, found.lower_ok = best, ok
                if want_cuts and not ok:
                    found.cuts.append(capacity_cut(tables, key, sign, duals, float(need[i])))
                if not exact:
                    # a feasible attacker point is a proof for every target it moves far enough
                    certified |= sign * point[columns] >= need - slack
            if not exact:
                for j in np.flatnonzero(certified).tolist():
                    if sign > 0:
                        outcome[targets[j]].upper_ok = True
                    else:
                        outcome[targets[j]].lower_ok = True
    return outcome
