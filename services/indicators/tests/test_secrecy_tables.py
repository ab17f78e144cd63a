import pytest

from indicators.domain.secrecy import (
    TOTAL,
    Cell,
    Dimension,
    Equation,
    Record,
    TableSet,
    TableSpec,
    build_tables,
    cell_key,
)

pytestmark = pytest.mark.unit

NAF = Dimension("naf", {"C": TOTAL, "C10": "C", "C11": "C", "F": TOTAL, "F41": "F"})
YEAR = Dimension.flat("year", ["2023", "2024"])
HAZARD = Dimension.flat("hazard", ["noise", "dust"])


def record(company: str, naf: str, year: str, hazard: str, value: float) -> Record:
    coords = {"naf": naf, "year": year, "hazard": hazard}
    return Record("exposed", company, coords, value, persons=int(value))


RECORDS = [
    record("a", "C10", "2023", "noise", 5),
    record("a", "C10", "2024", "noise", 7),
    record("b", "C11", "2024", "dust", 4),
    record("c", "F41", "2023", "dust", 9),
]


def key(**coords: str) -> object:
    return cell_key("exposed", coords)


def test_margins_are_sums_and_keys_drop_totals():
    tables = build_tables(RECORDS, [TableSpec("naf_year", "exposed", (NAF, YEAR))])
    assert tables.cells[key()].value == 25
    assert tables.cells[key(naf="C")].value == 16
    assert tables.cells[key(naf="C", year="2024")].contributors == {"a": 7, "b": 4}
    assert tables.cells[key(naf="C10", year=TOTAL)] is tables.cells[key(naf="C10")]
    assert tables.cells[key(naf="C", year="2024")].persons == 11
    assert key(naf="F41", year="2024") not in tables.cells  # a structural zero is not stored


def test_hierarchy_gives_one_equation_per_subtotal_and_dimension():
    tables = build_tables(RECORDS, [TableSpec("naf_year", "exposed", (NAF, YEAR))])
    assert Equation(key(naf="C"), (key(naf="C10"), key(naf="C11"))) in tables.equations
    assert Equation(key(), (key(naf="C"), key(naf="F"))) in tables.equations
    assert Equation(key(naf="C"), (key(naf="C", year="2023"), key(naf="C", year="2024"))) in (
        tables.equations
    )
    # section F has a single division: F = F41 is an equation too (hide one, hide both)
    assert Equation(key(naf="F"), (key(naf="F41"),)) in tables.equations


def test_linked_tables_share_their_common_margin_cells():
    specs = [
        TableSpec("section_year", "exposed", (NAF, YEAR), {"naf": 1}),
        TableSpec("division_hazard", "exposed", (NAF, HAZARD)),
    ]
    tables = build_tables(RECORDS, specs)
    shared = set(tables.tables["section_year"]) & set(tables.tables["division_hazard"])
    assert shared == {key(), key(naf="C"), key(naf="F")}
    assert tables.cells[key(naf="C")].value == 16  # counted once, not once per table
    assert key(naf="C10", year="2023") not in tables.cells  # sections only in the first table
    equations_of_c = [tables.equations[i] for i in tables.equations_of[key(naf="C")]]
    assert len({eq for eq in equations_of_c if eq.total == key()}) == 1  # deduplicated


def test_records_must_sit_on_a_leaf_of_each_table():
    spec = TableSpec("naf_year", "exposed", (NAF, YEAR))
    with pytest.raises(ValueError, match="not a leaf"):
        build_tables([record("a", "C", "2023", "noise", 1)], [spec])
    with pytest.raises(ValueError, match="no year coordinate"):
        build_tables([Record("exposed", "a", {"naf": "C10"}, 1.0)], [spec])


def test_linked_tables_must_agree_on_a_shared_hierarchy():
    other = Dimension("naf", {"C": TOTAL, "F": TOTAL, "C10": "F"})
    with pytest.raises(ValueError, match="two parents"):
        build_tables([], [TableSpec("a", "m", (NAF,)), TableSpec("b", "m", (other,))])


def test_broken_hierarchies_and_non_additive_tables_are_refused():
    with pytest.raises(ValueError, match="broken hierarchy"):
        Dimension("naf", {"C10": "C"})
    total, part = cell_key("m"), cell_key("m", {"naf": "C"})
    cells = {total: Cell(total, 10.0, {"a": 10.0}), part: Cell(part, 9.0, {"a": 9.0})}
    with pytest.raises(ValueError, match="not the sum of its parts"):
        TableSet(cells, (Equation(total, (part,)),))
