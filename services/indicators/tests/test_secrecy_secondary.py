import pytest

from indicators.domain.secrecy import (
    TOTAL,
    Dimension,
    Record,
    SecretReason,
    SolverOptions,
    TableSet,
    TableSpec,
    attack,
    build_tables,
    cell_key,
    exposed,
    primary_suppression,
    protect,
    secondary_suppression,
)

pytestmark = pytest.mark.unit


def records_of(measure: str, cells: dict[tuple[str, ...], list[float]], dims: tuple[str, ...]):
    """One record per listed value, each from its own company."""
    return [
        Record(measure, f"{'-'.join(coords)}#{i}", dict(zip(dims, coords, strict=True)), value)
        for coords, values in cells.items()
        for i, value in enumerate(values)
    ]


def grid_key(row: str = TOTAL, col: str = TOTAL) -> object:
    return cell_key("m", {"row": row, "col": col})


def test_a_row_with_one_secret_cell_gets_partners_in_its_row_and_its_column():
    cells = {(r, c): [10.0 + i, 12.0, 9.0] for i, r in enumerate("abc") for c in "xyz"}
    cells["b", "y"] = [42.0]  # one company
    spec = TableSpec(
        "grid", "m", (Dimension.flat("row", list("abc")), Dimension.flat("col", list("xyz")))
    )
    tables = build_tables(records_of("m", cells, ("row", "col")), [spec])
    protection = protect(tables)
    secret = grid_key("b", "y")
    assert protection.secrets[secret] is SecretReason.FREQUENCY
    row_partners = {grid_key("b", c) for c in "xz"} | {grid_key("b")}
    column_partners = {grid_key(r, "y") for r in "ac"} | {grid_key(col="y")}
    assert protection.suppressed & row_partners
    assert protection.suppressed & column_partners
    assert all(r is SecretReason.SECONDARY for k, r in protection.secrets.items() if k != secret)
    assert len(protection.suppressed) < len(tables.cells) / 2
    assert not exposed(protection.audit())


def test_a_one_company_cell_with_zero_value_is_protected_up_to_one_unit():
    cells = {(r, c): [5.0, 6.0, 7.0] for r in "ab" for c in "xy"}
    cells["a", "x"] = [0.0]  # one company, no accident: still secret
    spec = TableSpec(
        "grid", "m", (Dimension.flat("row", ["a", "b"]), Dimension.flat("col", ["x", "y"]))
    )
    protection = protect(build_tables(records_of("m", cells, ("row", "col")), [spec]))
    result = protection.audit()[grid_key("a", "x")]
    assert result.value == 0
    assert result.upper >= 1
    assert result.protected


NAF = Dimension(
    "naf",
    {"C": TOTAL, "C10": "C", "C11": "C", "C12": "C", "F": TOTAL, "F41": "F", "F42": "F"},
)
YEAR = Dimension.flat("year", ["2023", "2024"])
DIVISION_YEAR = {
    ("C10", "2024"): [40.0],  # one company: secret
    ("C10", "2023"): [20.0, 15.0, 15.0],
    ("C11", "2024"): [200.0, 200.0, 100.0],
    ("C11", "2023"): [200.0, 200.0, 150.0],
    ("C12", "2024"): [200.0, 200.0, 200.0],
    ("C12", "2023"): [210.0, 200.0, 190.0],
    ("F41", "2024"): [10.0, 10.0, 10.0],
    ("F41", "2023"): [10.0, 10.0, 10.0],
    ("F42", "2024"): [300.0, 300.0, 300.0],
    ("F42", "2023"): [300.0, 300.0, 310.0],
}


def naf_key(naf: str = TOTAL, year: str = TOTAL) -> object:
    return cell_key("m", {"naf": naf, "year": year})


def test_a_pattern_safe_for_divisions_leaks_through_a_published_section_subtotal():
    records = records_of("m", DIVISION_YEAR, ("naf", "year"))
    divisions = Dimension.flat("naf", ["C10", "C11", "C12", "F41", "F42"])
    flat = build_tables(records, [TableSpec("flat", "m", (divisions, YEAR))])
    nested = build_tables(records, [TableSpec("nested", "m", (NAF, YEAR))])
    secret = naf_key("C10", "2024")
    assert set(primary_suppression(nested)) == {secret}
    # the cheapest rectangle across sections: safe when only divisions are published…
    rectangle = {secret, naf_key("F41", "2024"), naf_key("C10", "2023"), naf_key("F41", "2023")}
    assert attack(flat, rectangle, targets=[secret])[secret].protected
    # …but C(2024) = C10 + C11 + C12 is published in the hierarchical table: C10 is exact
    leaked = attack(nested, rectangle, targets=[secret])[secret]
    assert leaked.lower == pytest.approx(40)
    assert leaked.upper == pytest.approx(40)
    protection = protect(nested)
    assert not exposed(protection.audit())
    inside_c_2024 = {naf_key("C11", "2024"), naf_key("C12", "2024"), naf_key("C", "2024")}
    assert protection.suppressed & inside_c_2024


SECTION = Dimension.flat("naf", ["C", "F", "G"])
SIZE = Dimension.flat("size", ["small", "large"])


def linked_tables() -> tuple[TableSet, TableSet]:
    """Section × year and section × size, sharing the section margins and the grand total."""
    companies = [  # (company, section, year, size, value)
        ("c1", "C", "2024", "large", 40.0),  # alone in C for 2024
        *[(f"c{i}", "C", "2023", "small", 30.0) for i in (2, 3, 4)],
        *[(f"c{i}", "C", "2023", "large", 50.0) for i in (5, 6, 7)],
    ]
    for section in ("F", "G"):
        for i, (year, size) in enumerate([(y, s) for y in ("2023", "2024") for s in SIZE.parents]):
            companies += [(f"{section}{i}{j}", section, year, size, 20.0 + 5 * j) for j in range(3)]
    records = [
        Record("m", company, {"naf": naf, "year": year, "size": size}, value)
        for company, naf, year, size, value in companies
    ]
    first = TableSpec("section_year", "m", (SECTION, YEAR))
    second = TableSpec("section_size", "m", (SECTION, SIZE))
    return build_tables(records, [first]), build_tables(records, [first, second])


def test_protecting_one_linked_table_alone_leaks_through_the_other():
    alone, linked = linked_tables()
    secret = cell_key("m", {"naf": "C", "year": "2024"})
    assert set(primary_suppression(linked)) == {secret}
    # hiding C and F in 2024 with their margins is safe for section × year alone…
    pattern = {secret, cell_key("m", {"naf": "C"}), cell_key("m", {"naf": "F", "year": "2024"})}
    pattern.add(cell_key("m", {"naf": "F"}))
    assert attack(alone, pattern, targets=[secret])[secret].protected
    # …but section × size publishes C small and C large, whose sum is the hidden margin C
    leaked = attack(linked, pattern, targets=[secret])[secret]
    assert leaked.upper - leaked.lower == pytest.approx(0)
    protection = protect(linked)
    assert not exposed(protection.audit())
    if cell_key("m", {"naf": "C"}) in protection.suppressed:
        assert protection.suppressed & {
            cell_key("m", {"naf": "C", "size": "small"}),
            cell_key("m", {"naf": "C", "size": "large"}),
        }


def test_heuristic_alone_is_safe_and_the_mip_never_costs_more():
    _, linked = linked_tables()
    primary = primary_suppression(linked)
    quick = secondary_suppression(linked, primary, options=SolverOptions(max_mip_rounds=0))
    best = secondary_suppression(linked, primary)
    for found in (quick, best):
        assert not exposed(attack(linked, found.hidden, targets=primary))
    assert best.cost <= quick.cost + 1e-9
    assert best.lower_bound <= best.cost + 1e-9


def test_kept_cells_stay_hidden_and_structural_zeros_are_never_hidden():
    _, linked = linked_tables()
    primary = primary_suppression(linked)
    keep = {cell_key("m", {"naf": "G", "size": "small"})}
    found = secondary_suppression(linked, primary, keep=keep)
    assert keep <= found.hidden
    assert all(not linked.cells[key].is_empty for key in found.hidden)
    assert not exposed(attack(linked, found.hidden, targets=primary))


def test_tables_without_secrets_are_published_in_full():
    cells = {(r, c): [5.0, 6.0, 7.0] for r in "ab" for c in "xy"}
    spec = TableSpec(
        "grid", "m", (Dimension.flat("row", ["a", "b"]), Dimension.flat("col", ["x", "y"]))
    )
    protection = protect(build_tables(records_of("m", cells, ("row", "col")), [spec]))
    assert protection.secrets == {}
    assert None not in protection.published().values()
