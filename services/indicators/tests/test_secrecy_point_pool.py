"""The attacker's point pool may only ever prove protection an exact linear program confirms,
in the tables it was filled in and in intruders' views of them (cells reduced or known)."""

import random

import numpy as np
import pytest

from indicators.domain.secrecy import Dimension, Record, TableSpec, build_tables, cell_key
from indicators.domain.secrecy._attacker import PointPool, Requirement, probe
from indicators.domain.secrecy.tables import Cell, CellKey, TableSet

pytestmark = pytest.mark.unit

ROWS, COLS = "abcde", "vwxyz"


def table(seed: int) -> TableSet:
    rng = random.Random(seed)
    records = [
        Record("m", f"{r}{c}-{i}", {"row": r, "col": c}, float(rng.randint(1, 9)))
        for r in ROWS
        for c in COLS
        for i in range(rng.randint(1, 3))
    ]
    spec = TableSpec(
        "grid", "m", (Dimension.flat("row", list(ROWS)), Dimension.flat("col", list(COLS)))
    )
    return build_tables(records, [spec])


def view_of(
    tables: TableSet, rng: random.Random, cells: list[CellKey], entirely: bool = True
) -> TableSet:
    """An intruder that knows part of a few cells (the first one entirely)."""
    changed = dict(tables.cells)
    for i, key in enumerate(cells):
        cell = tables.cells[key]
        value = 0.0 if i == 0 and entirely else cell.value * rng.choice((0.5, 0.8, 0.95))
        changed[key] = Cell(key, value, {"rest": value} if value else {}, None)
    return tables.with_cells(changed)


def exact_bounds(view: TableSet, hidden, targets) -> dict:
    zero = Requirement(0.0, 0.0)
    return probe(view, hidden, {k: zero for k in targets}, exact=True, want_cuts=False)


@pytest.mark.parametrize("seed", range(6))
def test_the_pool_proves_only_what_the_linear_program_confirms(seed: int) -> None:
    rng = random.Random(seed)
    tables = table(seed)
    hidden = set()
    for _ in range(3):  # rectangles of hidden cells, which can move, and a few more cells
        rows, cols = rng.sample(ROWS, 2), rng.sample(COLS, 2)
        hidden |= {cell_key("m", {"row": r, "col": c}) for r in rows for c in cols}
    hidden |= {k for k in tables.cells if rng.random() < 0.1}
    pool = PointPool()
    zero = Requirement(0.0, 0.0)
    probe(tables, hidden, {k: zero for k in hidden}, exact=True, want_cuts=False, pool=pool)
    assert len(pool) > 0
    proofs = 0
    for attempt in range(6):
        known = rng.sample(sorted(hidden), 1 + attempt % 3)
        view = view_of(tables, rng, known, entirely=attempt % 2 == 1)
        pattern = {k for k in hidden if not view.cells[k].is_empty}
        targets = sorted(pattern)
        bounds = exact_bounds(view, pattern, targets)
        for sign in (1, -1):
            need = np.array([rng.uniform(0.5, 12.0) for _ in targets])
            for changed in (known, None):
                proven = pool.proves(view, pattern, targets, sign, need, changed)
                for key, wanted, ok in zip(targets, need, proven, strict=True):
                    if not ok:
                        continue
                    proofs += 1
                    found = bounds[key].upper if sign > 0 else -bounds[key].lower
                    assert found >= wanted - 1e-6, (key, sign, found, wanted)
    assert proofs > 0  # the check above is not vacuous


def test_a_point_moving_a_cell_the_intruder_knows_proves_nothing() -> None:
    tables = table(1)
    hidden = {cell_key("m", {"row": "a", "col": c}) for c in "vw"}
    hidden |= {cell_key("m", {"row": "b", "col": c}) for c in "vw"}
    pool = PointPool()
    target = cell_key("m", {"row": "a", "col": "v"})
    zero = Requirement(0.0, 0.0)
    probe(tables, hidden, {target: zero}, exact=True, want_cuts=False, pool=pool)
    need = np.array([0.5])
    assert pool.proves(tables, hidden, [target], 1, need).all()
    # the intruder knows the cell on the other corner of the rectangle: nothing can move
    corner = cell_key("m", {"row": "b", "col": "w"})
    view = view_of(tables, random.Random(0), [corner])
    pattern = hidden - {corner}
    assert not pool.proves(view, pattern, [target], 1, need, changed=[corner]).any()
    assert not pool.proves(view, pattern, [target], 1, need).any()


def test_a_full_pool_drops_points_and_still_answers() -> None:
    tables = table(2)
    hidden = {cell_key("m", {"row": r, "col": c}) for r in "ab" for c in "vw"}
    targets = sorted(hidden)
    zero = Requirement(0.0, 0.0)
    full = PointPool(limit=0)  # no room for any point
    probe(tables, hidden, {k: zero for k in targets}, exact=True, want_cuts=False, pool=full)
    assert len(full) == 0
    need = np.full(len(targets), 0.5)
    assert not full.proves(tables, hidden, targets, 1, need).any()
    assert not full.proves(tables, hidden, targets, -1, need, changed=targets[:1]).any()
