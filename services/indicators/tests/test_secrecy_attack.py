import math

import pytest

from indicators.domain.secrecy import (
    TOTAL,
    Dimension,
    ProtectionLevel,
    Record,
    TableSet,
    TableSpec,
    attack,
    build_tables,
    cell_key,
    exposed,
    primary_suppression,
    unprotected,
)

pytestmark = pytest.mark.unit


def grid(contributions: dict[tuple[str, str], list[float]]) -> TableSet:
    """A rows × columns table with its margins; each listed value is one more company."""
    rows = sorted({r for r, _ in contributions})
    cols = sorted({c for _, c in contributions})
    records = [
        Record("m", f"{r}{c}-{i}", {"row": r, "col": c}, value)
        for (r, c), values in contributions.items()
        for i, value in enumerate(values)
    ]
    spec = TableSpec("grid", "m", (Dimension.flat("row", rows), Dimension.flat("col", cols)))
    return build_tables(records, [spec])


def at(row: str = TOTAL, col: str = TOTAL) -> object:
    return cell_key("m", {"row": row, "col": col})


TWO_BY_TWO = grid({("a", "x"): [10], ("a", "y"): [20], ("b", "x"): [30], ("b", "y"): [40]})


def test_a_single_hidden_cell_in_a_row_is_recomputed_exactly():
    tables = grid(
        {
            ("a", "x"): [5, 4, 6],
            ("a", "y"): [7],
            ("a", "z"): [3, 3, 3],
            ("b", "x"): [2, 2, 2],
            ("b", "y"): [9, 8, 7],
            ("b", "z"): [4, 4, 4],
        }
    )
    primary = primary_suppression(tables)
    assert set(primary) == {at("a", "y")}
    result = attack(tables, primary)[at("a", "y")]
    assert result.lower == pytest.approx(7)
    assert result.upper == pytest.approx(7)
    assert result.width == pytest.approx(0)
    assert not result.protected
    assert unprotected(tables, primary, targets=primary) == [(at("a", "y"), -1), (at("a", "y"), 1)]


def test_a_hidden_rectangle_gives_the_interval_computed_by_hand():
    # a,x = t, a,y = 30 - t, b,x = 40 - t, b,y = 30 + t, all >= 0: t in [0, 30]
    interior = [at("a", "x"), at("a", "y"), at("b", "x"), at("b", "y")]
    results = attack(TWO_BY_TWO, interior)
    assert (results[at("a", "x")].lower, results[at("a", "x")].upper) == pytest.approx((0, 30))
    assert (results[at("b", "y")].lower, results[at("b", "y")].upper) == pytest.approx((30, 60))
    assert results[at("a", "x")].protected
    assert not exposed(results)
    assert unprotected(TWO_BY_TWO, interior, targets=interior) == []


def test_protection_is_sided_and_relative_to_the_value():
    # hiding two cells of a column only: a,x = 10 + t, b,x = 30 - t, but rows pin t = 0
    column = [at("a", "x"), at("b", "x")]
    assert exposed(attack(TWO_BY_TWO, column))
    # hiding the whole row a and column x with their margins leaves a wide interval
    wide = [at("a", "x"), at("a", "y"), at("a"), at("b", "x"), at(col="x"), at("b")]
    wide += [at(), at("b", "y"), at(col="y")]
    result = attack(TWO_BY_TWO, wide, targets=[at("a", "x")])[at("a", "x")]
    assert result.lower == pytest.approx(0)
    assert math.isinf(result.upper)
    assert result.protected


def test_requirements_follow_the_protection_level():
    level = ProtectionLevel()
    assert level.requirement(250).lower == pytest.approx(25)
    assert level.requirement(250).upper == pytest.approx(25)
    assert level.requirement(4).lower == 1  # never narrower than one unit
    assert level.requirement(0.5).lower == 0.5  # nor below zero
    assert level.requirement(0).upper == 1  # a zero cell must be able to reach 1
    assert ProtectionLevel(relative=0.3).requirement(100).upper == pytest.approx(30)
    with pytest.raises(ValueError, match="absolute > 0"):
        ProtectionLevel(absolute=0)


def test_a_zero_valued_secret_cell_needs_room_above_zero():
    tables = grid(
        {
            ("a", "x"): [0],
            ("a", "y"): [5, 5, 5],
            ("b", "x"): [6, 6, 6],
            ("b", "y"): [7, 7, 7],
        }
    )
    alone = attack(tables, [at("a", "x")])[at("a", "x")]
    assert (alone.lower, alone.upper, alone.protected) == (0, 0, False)
    interior = [at("a", "x"), at("a", "y"), at("b", "x"), at("b", "y")]
    boxed = attack(tables, interior, targets=[at("a", "x")])[at("a", "x")]
    assert boxed.upper == pytest.approx(15)  # bounded by a,y = 15 - t >= 0
    assert boxed.protected


def test_a_published_cell_cannot_be_attacked():
    with pytest.raises(ValueError, match="is published"):
        attack(TWO_BY_TWO, [at("a", "x")], targets=[at("b", "y")])
