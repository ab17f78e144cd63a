"""Secondary suppression: the cheapest set of complementary cells to hide so that every primary
secret cell keeps a wide attacker interval, over all linked tables at once.

Model: Fischetti & Salazar's ("Solving the cell suppression problem on tabular data with linear
constraints", *Management Science* 47(7), 2001), the one behind tau-ARGUS's OPT (manual §4.4.2)
and sdcTable's ``OPT``: binaries ``y_j`` (hide cell ``j``), ``y = 1`` for primary secrets,
minimise ``Σ cost_j · y_j`` subject to, for each secret cell and direction, the attacker's LP
reaching the protection level — written as capacity cuts generated from the attacker's duals
(Benders decomposition). Solved with HiGHS, in four steps:

1. a protected pattern at once: the primary cells, completed by the LP heuristic of
   :mod:`._flow` (Kelly–Golden–Assad / Fischetti–Salazar 2000) — safe by construction;
2. cuts: those of single equations, then cutting-plane rounds on the master's LP relaxation;
3. MIP rounds: solve the master (the best protected pattern as starting solution); if it finds
   something cheaper, attack it: no violation → keep it, done (optimal within the MIP gap when
   HiGHS closed it); else add the violated cuts, complete that pattern with the heuristic, and
   keep the completion if cheaper than the best so far;
4. stop when the MIP finds nothing cheaper, when the best cost is within the gap of the MIP's
   lower bound, or after ``max_mip_rounds`` (anytime: the best protected pattern is kept).
   ``Suppression.lower_bound`` is a valid bound on the optimum, so the gap actually reached is
   reported, not assumed.

Why not the full MIP alone: on the regional tables (a thousand cells, hundreds of primary
secrets, several of them large dominated cells) pure row generation tails off for dozens of
rounds, each a MIP; the heuristic's protected pattern bounds the work and is what a round budget
falls back on. Every pattern returned passed the attack, whatever the budget. The MIP stops at a
relative gap and a node limit (deterministic, unlike a time limit, which is only a safety net).
Structural zeros are never hidden.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np

from indicators.domain.secrecy._attacker import Cut, Requirement, probe, single_equation_cuts
from indicators.domain.secrecy._flow import complete
from indicators.domain.secrecy.attack import ProtectionLevel
from indicators.domain.secrecy.tables import CellKey, TableSet

CostName = Literal["log", "value", "unity"]


@dataclass(frozen=True)
class SolverOptions:
    """Tuning of the secondary suppression.

    ``cost``: price of hiding a cell — ``"log"`` (default, ``1 + ln(1 + value)``: few cells, and
    small ones rather than the large totals users look at; tau-ARGUS's "lambda" transform in
    spirit), ``"value"`` (least hidden amount, tau-ARGUS's default), ``"unity"`` (fewest cells).
    ``max_mip_rounds = 0`` keeps the heuristic's pattern (fastest, still attack-proof).
    Rounds and nodes are deterministic limits; ``time_budget`` (seconds, for the whole
    improvement phase) is a safety net: when it bites, the result is still attack-proof but may
    depend on the machine's speed.
    """

    cost: CostName = "log"
    mip_rel_gap: float = 0.02
    mip_max_nodes: int = 200
    max_mip_rounds: int = 8
    max_lp_rounds: int = 10
    time_budget: float = 30.0


@dataclass(frozen=True)
class Suppression:
    """The hidden cells (primary included), their total cost, the master's lower bound on the
    optimal cost (``0`` when no MIP ran) and the number of MIP rounds."""

    hidden: frozenset[CellKey]
    cost: float
    lower_bound: float
    rounds: int


def cell_cost(value: float, cost: CostName) -> float:
    """The price of hiding a cell of this value."""
    if cost == "value":
        return max(value, 1e-6)
    if cost == "unity":
        return 1.0
    return 1.0 + math.log1p(value)


def secondary_suppression(
    tables: TableSet,
    primary: Collection[CellKey],
    *,
    level: ProtectionLevel = ProtectionLevel(),
    options: SolverOptions = SolverOptions(),
    keep: Collection[CellKey] = (),
    start: Collection[CellKey] = (),
) -> Suppression:
    """Hide ``primary`` and complementary cells so that the attack check passes.

    ``keep``: cells that must stay hidden (an earlier publication's pattern); ``start``: cells
    suggested as a starting pattern (warm start).
    """
    requirements = {key: level.requirement(tables.value(key)) for key in sorted(primary)}
    master = _Master(tables, frozenset(primary) | frozenset(keep), options)
    costs = dict(zip(master.keys, master.cost.tolist(), strict=True))
    first = master.fixed | (frozenset(start) & master.variables)
    cuts, todo = _attack(tables, first, requirements)
    if not todo:
        return Suppression(first, master.price(first), master.price(master.fixed), 0)
    best = _verified(
        tables, complete(tables, first, todo, requirements, costs), requirements, costs
    )
    if options.max_mip_rounds == 0:
        return Suppression(best, master.price(best), 0.0, 0)
    deadline = time.monotonic() + options.time_budget
    for key in sorted(requirements):
        master.add_cuts(single_equation_cuts(tables, key, requirements[key]))
    master.add_cuts(cuts)
    _relaxation_rounds(tables, master, requirements, options.max_lp_rounds, deadline)
    seen: set[frozenset[CellKey]] = set()
    rounds = 0
    while rounds < options.max_mip_rounds and time.monotonic() < deadline:
        rounds += 1
        pattern = master.solve(best, deadline - time.monotonic())
        if pattern == best:
            break  # HiGHS found nothing cheaper than the best protected pattern
        cuts, todo = _attack(tables, pattern, requirements)
        if not todo:
            best = pattern
            break
        if pattern in seen:  # a tolerance-level loop: forbid this exact pattern
            cuts.append(master.no_good(pattern))
        seen.add(pattern)
        master.add_cuts(cuts)
        completed = complete(tables, pattern, todo, requirements, costs)
        if master.price(completed) < master.price(best) - 1e-9:
            best = _verified(tables, completed, requirements, costs)
        if master.price(best) <= master.lower_bound * (1 + options.mip_rel_gap):
            break
    return Suppression(best, master.price(best), master.lower_bound, rounds)


def _verified(
    tables: TableSet,
    pattern: frozenset[CellKey],
    requirements: Mapping[CellKey, Requirement],
    costs: Mapping[CellKey, float],
) -> frozenset[CellKey]:
    """Attack a completed pattern; complete again in the (numerically rare) case a deviation
    moved a cell by less than the threshold at which it is hidden."""
    for _ in range(5):
        _, todo = _attack(tables, pattern, requirements)
        if not todo:
            return pattern
        pattern = complete(tables, pattern, todo, requirements, costs)
    raise RuntimeError("the completion did not converge")  # pragma: no cover


def _relaxation_rounds(
    tables: TableSet,
    master: _Master,
    requirements: Mapping[CellKey, Requirement],
    rounds: int,
    deadline: float,
) -> None:
    """Cutting planes on the master's LP relaxation: cheap rounds that teach the MIP most of
    the table's structure before its first, costlier, solve."""
    for _ in range(rounds):
        if time.monotonic() >= deadline:
            return
        weights = master.relaxation()
        found = probe(
            tables, weights.keys(), requirements, exact=False, want_cuts=True, weights=weights
        )
        cuts = [cut for key in sorted(found) for cut in found[key].cuts]
        cuts = [cut for cut in cuts if _lhs(cut, weights) < 1.0 - 1e-4]
        if not cuts:
            return
        master.add_cuts(cuts)


def _lhs(cut: Cut, weights: Mapping[CellKey, float]) -> float:
    return sum(coef * weights.get(key, 0.0) for key, coef in cut.coefs.items())


def _attack(
    tables: TableSet, pattern: frozenset[CellKey], requirements: Mapping[CellKey, Requirement]
) -> tuple[list[Cut], list[tuple[CellKey, int]]]:
    """The cuts the pattern violates and the (cell, direction) pairs left unprotected."""
    found = probe(tables, pattern, requirements, exact=False, want_cuts=True)
    cuts = [cut for key in sorted(found) for cut in found[key].cuts]
    todo = [(key, 1) for key in sorted(found) if not found[key].upper_ok]
    todo += [(key, -1) for key in sorted(found) if not found[key].lower_ok]
    return cuts, todo


class _Master:
    """The master MIP (HiGHS): one binary per non-empty cell, capacity cuts as rows."""

    def __init__(self, tables: TableSet, fixed: frozenset[CellKey], options: SolverOptions):
        self.keys = sorted(key for key, cell in tables.cells.items() if not cell.is_empty)
        self.variables = frozenset(self.keys)
        self.index = {key: j for j, key in enumerate(self.keys)}
        self.cost = np.array([cell_cost(tables.value(k), options.cost) for k in self.keys])
        self.fixed = fixed & self.variables
        self.cuts: list[Cut] = []
        self.lower_bound = 0.0
        self._highs = highspy.Highs()
        self._highs.silent()
        for name, value in (
            ("mip_rel_gap", options.mip_rel_gap),
            ("mip_max_nodes", options.mip_max_nodes),
            ("random_seed", 0),
        ):
            self._highs.setOptionValue(name, value)
        n = len(self.keys)
        lower = np.array([1.0 if key in self.fixed else 0.0 for key in self.keys])
        self._highs.addVars(n, lower, np.ones(n))
        self._highs.changeColsCost(n, np.arange(n, dtype=np.int32), self.cost)
        self._highs.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
        )

    def add_cuts(self, cuts: Sequence[Cut]) -> None:
        cuts = [cut for cut in cuts if cut.coefs]
        if not cuts:
            return
        self.cuts.extend(cuts)
        starts: list[int] = []
        indices: list[int] = []
        values: list[float] = []
        for cut in cuts:
            starts.append(len(indices))
            for key, coef in cut.coefs.items():
                indices.append(self.index[key])
                values.append(coef)
        self._highs.addRows(
            len(cuts),
            np.ones(len(cuts)),
            np.full(len(cuts), highspy.kHighsInf),
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(values, dtype=float),
        )

    def relaxation(self) -> dict[CellKey, float]:
        """The LP relaxation's solution: cells with a positive weight."""
        n = len(self.keys)
        every = np.arange(n, dtype=np.int32)
        self._highs.changeColsIntegrality(n, every, np.full(n, highspy.HighsVarType.kContinuous))
        self._highs.run()
        values = np.asarray(self._highs.getSolution().col_value)
        self._highs.changeColsIntegrality(n, every, np.full(n, highspy.HighsVarType.kInteger))
        return {key: float(v) for key, v in zip(self.keys, values, strict=True) if v > 1e-9}

    def no_good(self, pattern: frozenset[CellKey]) -> Cut:
        """``Σ_{j not hidden} y_j >= 1``: hide at least one more cell than ``pattern``."""
        return Cut({key: 1.0 for key in self.keys if key not in pattern})

    def solve(self, incumbent: frozenset[CellKey], seconds: float) -> frozenset[CellKey]:
        """The MIP's best pattern, or ``incumbent`` (feasible for all cuts) if not cheaper."""
        self._highs.setOptionValue("time_limit", max(seconds, 0.1))
        start = highspy.HighsSolution()
        start.col_value = [1.0 if key in incumbent else 0.0 for key in self.keys]
        self._highs.setSolution(start)
        self._highs.run()
        info = self._highs.getInfo()
        self.lower_bound = max(self.lower_bound, float(info.mip_dual_bound))
        if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
            return incumbent
        values = self._highs.getSolution().col_value
        found = frozenset(key for key, v in zip(self.keys, values, strict=True) if v > 0.5)
        found |= self.fixed
        if self.price(found) >= self.price(incumbent) - 1e-9 or not self._feasible(found):
            return incumbent
        return found

    def price(self, pattern: frozenset[CellKey]) -> float:
        return math.fsum(float(self.cost[self.index[key]]) for key in pattern)

    def _feasible(self, pattern: frozenset[CellKey]) -> bool:
        return all(
            sum(c for k, c in cut.coefs.items() if k in pattern) >= 1.0 - 1e-6 for cut in self.cuts
        )
