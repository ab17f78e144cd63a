from decimal import Decimal
from fractions import Fraction

import pytest

from reporting.domain.figures import Computed, NotComputable
from reporting.domain.presentation import (
    NBSP,
    ROUNDING,
    Presented,
    Quantity,
    format_number,
    format_quantity,
    present,
    round_half_up,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(1, 8), 2, "0.13"),  # 0.125: half goes up
        (Fraction(-1, 8), 2, "-0.13"),  # and away from zero below zero
        (Fraction(2, 3), 2, "0.67"),
        (Fraction(30_000_000, 229), 2, "131004.37"),  # 131,004.3668…
        (Decimal("2.5"), 0, "3"),
        (Decimal("-0.04"), 1, "0.0"),
        (7, 1, "7.0"),
    ],
)
def test_round_half_up_from_the_exact_value(value, places, expected):
    assert round_half_up(value, places) == Decimal(expected)
    assert str(round_half_up(value, places)) == expected


def test_rounding_is_applied_once_not_twice():
    # 0.1249 → 0.12 at 2 places; rounding first to 3 places (0.125) then to 2 would give 0.13.
    assert round_half_up(Fraction(1249, 10_000), 2) == Decimal("0.12")


def test_french_number_writing():
    assert format_number(Fraction(12_345_678, 10), 2) == f"1{NBSP}234{NBSP}567,80"
    assert format_number(-1234, 0) == f"-1{NBSP}234"
    assert format_number(Decimal("0.6"), 2) == "0,60"


def test_rounding_rules_are_stated_for_every_quantity():
    assert set(ROUNDING) == set(Quantity)
    assert ROUNDING[Quantity.FREQUENCY_RATE] == 2
    assert ROUNDING[Quantity.SEVERITY_RATE] == 2
    assert ROUNDING[Quantity.FREQUENCY_INDEX] == 1
    assert ROUNDING[Quantity.HOURS] == 0


@pytest.mark.parametrize(
    ("value", "quantity", "expected"),
    [
        (Fraction(1_908_000, 3), Quantity.HOURS, f"636{NBSP}000"),
        (Fraction(30_000_000, 229), Quantity.FREQUENCY_RATE, f"131{NBSP}004,37"),
        (Fraction(3, 5), Quantity.SEVERITY_RATE, "0,60"),
        (Fraction(25, 2), Quantity.FREQUENCY_INDEX, "12,5"),
        (Fraction(25, 4), Quantity.PERCENT_CHANGE, f"+6,3{NBSP}%"),
        (Fraction(-20, 3), Quantity.PERCENT_CHANGE, f"-6,7{NBSP}%"),
        (Fraction(-1, 100), Quantity.PERCENT_CHANGE, f"0,0{NBSP}%"),
        (Decimal("48500"), Quantity.MONEY, f"48{NBSP}500,00{NBSP}€"),
        (12, Quantity.COUNT, "12"),
    ],
)
def test_format_quantity(value, quantity, expected):
    assert format_quantity(value, quantity) == expected


def test_present_a_computed_figure():
    presented = present(Computed(Fraction(20)), Quantity.FREQUENCY_RATE)

    assert presented == Presented("20,00")
    assert presented.computed


def test_present_a_missing_figure_with_its_reason():
    reason = "Effectif nul : indice de fréquence non calculable."

    presented = present(NotComputable("no_headcount", reason), Quantity.FREQUENCY_INDEX)

    assert presented == Presented("n.c.", reason)
    assert not presented.computed
