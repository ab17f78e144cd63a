"""Constructive completion of a suppression pattern: the LP heuristic of Kelly, Golden & Assad
("Cell suppression: disclosure protection for sensitive tabular data", *Networks* 22, 1992) as
generalised to any linear constraints by Fischetti & Salazar ("Models and algorithms for
optimizing cell suppression in tabular data with linear constraints", *JASA* 95(451), 2000, §5).

For one secret cell ``i`` and one direction, find the cheapest deviation ``z = f - g`` of the
table that keeps every equation (``M z = 0``), moves ``i`` by its protection requirement, and
takes no cell below zero (``g_j <= a_j``); cells already hidden move for free, others cost their
suppression price per unit moved. Hiding every cell that moves makes ``a + z`` a table the
attacker cannot rule out, so the cell is protected in that direction by construction — and stays
so, since later steps only hide more. One warm-started HiGHS model serves all cells in turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import highspy
import numpy as np

from indicators.domain.secrecy._attacker import Requirement
from indicators.domain.secrecy.tables import CellKey, TableSet

_MOVED = 1e-7


class FlowLp:
    """Columns ``f_j`` (cell ``j`` up) and ``g_j`` (down) for every non-empty cell."""

    def __init__(self, tables: TableSet, costs: Mapping[CellKey, float]) -> None:
        self.keys = sorted(costs)
        self.index = {key: j for j, key in enumerate(self.keys)}
        self.costs = costs
        entries: list[list[tuple[int, float]]] = [[] for _ in self.keys]
        rows = 0
        for eq in tables.equations:
            inside = [key for key in eq.cells if key in self.index]
            if not inside:
                continue
            for key in inside:
                entries[self.index[key]].append((rows, 1.0 if key == eq.total else -1.0))
            rows += 1
        n = len(self.keys)
        values = np.array([tables.value(k) for k in self.keys], dtype=np.float64)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = 2 * n, rows
        lp.col_cost_ = np.repeat([costs[k] for k in self.keys], 2).astype(float)
        lp.col_lower_ = np.zeros(2 * n)
        lp.col_upper_ = np.ravel(np.column_stack([np.full(n, highspy.kHighsInf), values]))
        lp.row_lower_ = lp.row_upper_ = np.zeros(rows)
        starts: list[int] = [0]
        index: list[int] = []
        coefs: list[float] = []
        for column in entries:
            for sign in (1.0, -1.0):  # f_j enters with +M_rj, g_j with -M_rj
                index.extend(row for row, _ in column)
                coefs.extend(sign * coef for _, coef in column)
                starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(coefs, dtype=float)
        self._upper = lp.col_upper_.copy()
        self._highs = highspy.Highs()
        self._highs.silent()
        self._highs.setOptionValue("simplex_strategy", 4)  # primal: fastest here, measured
        self._highs.passModel(lp)

    def make_free(self, keys: Iterable[CellKey]) -> None:
        """Hidden cells move at no cost."""
        columns = [c for key in keys if key in self.index for c in self._columns(key)]
        if columns:
            self._highs.changeColsCost(
                len(columns), np.array(columns, dtype=np.int32), np.zeros(len(columns))
            )

    def route(self, key: CellKey, sign: int, amount: float) -> dict[CellKey, float]:
        """The cheapest deviation moving ``key`` by ``sign × amount``: cell → change."""
        up, down = self._columns(key)
        pinned, idle = (up, down) if sign > 0 else (down, up)
        self._highs.changeColBounds(pinned, amount, amount)
        self._highs.changeColBounds(idle, 0.0, 0.0)
        self._highs.run()
        status = self._highs.getModelStatus()
        self._highs.changeColBounds(up, 0.0, self._upper[up])
        self._highs.changeColBounds(down, 0.0, self._upper[down])
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"no deviation moves {key}: {self._highs.modelStatusToString(status)}"
            )
        x = np.asarray(self._highs.getSolution().col_value)
        z = x[0::2] - x[1::2]
        moved = np.abs(x[0::2]) + np.abs(x[1::2]) > _MOVED * max(1.0, amount)
        return {self.keys[j]: float(z[j]) for j in np.flatnonzero(moved)}

    def _columns(self, key: CellKey) -> tuple[int, int]:
        j = self.index[key]
        return 2 * j, 2 * j + 1


def complete(
    tables: TableSet,
    pattern: frozenset[CellKey],
    todo: Sequence[tuple[CellKey, int]],
    requirements: Mapping[CellKey, Requirement],
    costs: Mapping[CellKey, float],
) -> frozenset[CellKey]:
    """Grow ``pattern`` until each (cell, direction) of ``todo`` is protected, largest
    requirements first (their cycles often protect the smaller cells on the way)."""
    flow = FlowLp(tables, costs)
    hidden = set(pattern)
    flow.make_free(hidden)
    done: set[tuple[CellKey, int]] = set()

    def need(item: tuple[CellKey, int]) -> float:
        req = requirements[item[0]]
        return req.upper if item[1] > 0 else req.lower

    for item in sorted(todo, key=lambda it: (-need(it), it)):
        if item in done or need(item) <= 0:
            continue
        moves = flow.route(item[0], item[1], need(item))
        fresh = [key for key in moves if key not in hidden]
        hidden.update(fresh)
        flow.make_free(fresh)
        for other, other_sign in todo:  # the same point may already move other cells enough
            shift = other_sign * moves.get(other, 0.0)
            if shift >= need((other, other_sign)) * (1 - 1e-9):
                done.add((other, other_sign))
    return frozenset(hidden)
