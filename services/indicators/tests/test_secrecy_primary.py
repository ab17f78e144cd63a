import pytest

from indicators.domain.secrecy import (
    Cell,
    PrimaryRules,
    SecretReason,
    cell_key,
    primary_reason,
)

pytestmark = pytest.mark.unit

KEY = cell_key("exposed", {"naf": "C"})


def cell(*contributions: float, persons: int | None = None) -> Cell:
    contributors = {f"company-{i}": value for i, value in enumerate(contributions)}
    return Cell(KEY, sum(contributions), contributors, persons)


def test_two_companies_are_secret_three_are_not():
    assert primary_reason(cell(40, 60)) is SecretReason.FREQUENCY
    assert primary_reason(cell(30, 30, 40)) is None


def test_one_company_is_secret_even_with_a_zero_value():
    assert primary_reason(cell(120)) is SecretReason.FREQUENCY
    assert primary_reason(cell(0)) is SecretReason.FREQUENCY


def test_exactly_85_percent_is_publishable_but_85_1_is_dominance():
    assert primary_reason(cell(85, 10, 5)) is None
    assert primary_reason(cell(85.1, 9.9, 5)) is SecretReason.DOMINANCE


def test_dominance_reads_the_largest_contributor_wherever_it_is():
    assert primary_reason(cell(1, 2, 3, 95)) is SecretReason.DOMINANCE


def test_ten_persons_are_secret_eleven_are_not():
    assert primary_reason(cell(4, 3, 3, persons=10)) is SecretReason.PERSONS
    assert primary_reason(cell(4, 4, 3, persons=11)) is None


def test_structural_and_counted_zeros_are_publishable():
    assert primary_reason(Cell(KEY, 0.0, {})) is None  # no contributor: a structural zero
    assert primary_reason(cell(0, 0, 0)) is None  # three companies, none exposed
    assert primary_reason(cell(0, 0, 0, persons=0)) is None  # zero persons identifies nobody


def test_frequency_is_reported_before_dominance():
    assert primary_reason(cell(99, 1)) is SecretReason.FREQUENCY


def test_parameters_are_configurable():
    strict = PrimaryRules(min_companies=5, dominance_n=2, dominance_k=70, min_persons=20)
    assert primary_reason(cell(10, 10, 10, 10), strict) is SecretReason.FREQUENCY
    # the two largest hold 71 %: NK(2,70) catches it, NK(1,85) does not
    assert primary_reason(cell(36, 35, 10, 10, 9), strict) is SecretReason.DOMINANCE
    assert primary_reason(cell(36, 35, 10, 10, 9)) is None
    assert primary_reason(cell(20, 20, 20, 20, 20, persons=15), strict) is SecretReason.PERSONS


def test_rules_refuse_nonsense_parameters():
    with pytest.raises(ValueError, match="out of range"):
        PrimaryRules(dominance_k=120)
    with pytest.raises(ValueError, match="out of range"):
        PrimaryRules(min_companies=0)


def test_a_cell_must_equal_the_sum_of_its_contributions():
    with pytest.raises(ValueError, match="not the sum"):
        Cell(KEY, 10.0, {"a": 4.0, "b": 5.0})
    with pytest.raises(ValueError, match="non-negative"):
        Cell(KEY, 1.0, {"a": 2.0, "b": -1.0})
