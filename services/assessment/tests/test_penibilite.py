import uuid
from datetime import date
from decimal import Decimal

import pytest

from assessment.domain.penibilite import DatedValue, annex, is_above_threshold, threshold_for_year
from assessment.domain.snapshot import (
    CodedValue,
    PenibiliteExposureSnapshot,
    WorkUnitKind,
    WorkUnitSnapshot,
)

pytestmark = pytest.mark.unit

CHANGE = date(2023, 9, 1)
NIGHT_WORK = [
    DatedValue(Decimal(120), None, date(2023, 8, 31)),
    DatedValue(Decimal(100), CHANGE, None),
]
ALTERNATING_SHIFTS = [
    DatedValue(Decimal(50), date(2017, 1, 1), date(2023, 8, 31)),
    DatedValue(Decimal(30), CHANGE, None),
]

NIGHT = CodedValue(system="penibilite", code="night", display="Travail de nuit")
NOISE = CodedValue(system="penibilite", code="noise", display="Bruit")
LOADS = CodedValue(system="penibilite", code="loads", display="Manutentions manuelles")


@pytest.mark.parametrize(
    ("values", "year", "expected"),
    [
        (NIGHT_WORK, 2022, 120),
        (NIGHT_WORK, 2023, 113),
        (NIGHT_WORK, 2024, 100),
        (ALTERNATING_SHIFTS, 2022, 50),
        (ALTERNATING_SHIFTS, 2023, 43),
        (ALTERNATING_SHIFTS, 2024, 30),
    ],
)
def test_threshold_in_force_over_the_year_is_prorated(values, year, expected):
    assert threshold_for_year(values, year) == Decimal(expected)


def test_no_threshold_before_the_first_value():
    assert threshold_for_year(ALTERNATING_SHIFTS, 2016) is None
    assert threshold_for_year([], 2024) is None


def test_partly_covered_year_is_prorated_over_the_covered_days_only():
    # 2017 values: 80 from 1 Jan to 30 Jun (181 days), nothing after → 80, not 80 × 181/365.
    only_first_half = [DatedValue(Decimal(80), None, date(2017, 6, 30))]
    assert threshold_for_year(only_first_half, 2017) == Decimal(80)
    # 10 for 31 days then 41 for 28 days → (310 + 1148) / 59 = 24.7 → 25.
    two_months = [
        DatedValue(Decimal(10), date(2021, 1, 1), date(2021, 1, 31)),
        DatedValue(Decimal(41), date(2021, 2, 1), date(2021, 2, 28)),
    ]
    assert threshold_for_year(two_months, 2021) == Decimal(25)


def test_rounding_is_half_up():
    # 2 for one day, 3 for the next → 2.5 → 3 (banker's rounding would give 2).
    halves = [
        DatedValue(Decimal(2), date(2021, 3, 1), date(2021, 3, 1)),
        DatedValue(Decimal(3), date(2021, 3, 2), date(2021, 3, 2)),
    ]
    assert threshold_for_year(halves, 2021) == Decimal(3)


def test_overlapping_values_are_a_data_error():
    overlapping = [DatedValue(Decimal(120), None, None), DatedValue(Decimal(100), CHANGE, None)]
    with pytest.raises(ValueError, match="overlap"):
        threshold_for_year(overlapping, 2023)


@pytest.mark.parametrize(
    ("intensity", "duration", "threshold", "expected"),
    [
        (True, Decimal(100), Decimal(100), True),
        (True, Decimal(99), Decimal(100), False),
        (False, Decimal(200), Decimal(100), False),
        (True, Decimal(200), None, False),
        (True, None, Decimal(100), False),
    ],
)
def test_above_threshold_needs_intensity_and_duration(intensity, duration, threshold, expected):
    result = is_above_threshold(
        intensity_reached=intensity, yearly_duration=duration, threshold=threshold
    )
    assert result is expected


def exposure(factor: CodedValue, headcount: int, above: bool) -> PenibiliteExposureSnapshot:
    return PenibiliteExposureSnapshot(
        factor=factor, exposed_headcount=headcount, above_threshold=above
    )


def unit(name: str, *exposures: PenibiliteExposureSnapshot) -> WorkUnitSnapshot:
    return WorkUnitSnapshot(
        id=uuid.uuid4(),
        kind=WorkUnitKind.TRADE,
        name=name,
        headcount=10,
        penibilite=list(exposures),
    )


def test_annex_sums_exposed_headcounts_above_threshold_per_factor():
    units = [
        unit("Atelier", exposure(NIGHT, 5, True), exposure(NOISE, 4, False)),
        unit("Dépôt", exposure(NIGHT, 2, True), exposure(NOISE, 3, True)),
    ]
    factors = [(NOISE, True), (NIGHT, True), (LOADS, False)]

    lines = annex(units, factors, company_headcount=30)

    assert [line.factor.code for line in lines] == ["noise", "night", "loads"]
    assert [line.exposed_above_threshold for line in lines] == [3, 7, 0]
    assert [line.proportion for line in lines] == [
        Decimal("0.1000"),
        Decimal("0.2333"),
        Decimal("0.0000"),
    ]
    assert [line.has_c2p_threshold for line in lines] == [True, True, False]


def test_annex_rounds_half_up_and_caps_at_company_headcount():
    units = [unit("Nuit A", exposure(NIGHT, 6, True)), unit("Nuit B", exposure(NIGHT, 6, True))]

    capped = annex(units, [(NIGHT, True)], company_headcount=8)
    # 1 / 16 = 0.0625 exactly; 1 / 32 = 0.03125 → 0.0313 half-up (0.0312 half-even).
    one_of_32 = annex([unit("X", exposure(NIGHT, 1, True))], [(NIGHT, True)], 32)

    assert capped[0].exposed_above_threshold == 8
    assert capped[0].proportion == Decimal("1.0000")
    assert one_of_32[0].proportion == Decimal("0.0313")


def test_factor_without_c2p_threshold_has_nobody_above_it():
    units = [unit("Quai", exposure(LOADS, 4, True))]

    lines = annex(units, [(LOADS, False)], company_headcount=10)

    assert lines[0].exposed_above_threshold == 0


def test_annex_with_no_employee_has_zero_proportions():
    lines = annex([unit("Vide", exposure(NIGHT, 3, True))], [(NIGHT, True)], company_headcount=0)

    assert lines[0].exposed_above_threshold == 0
    assert lines[0].proportion == Decimal(0)


def test_exposures_match_on_code_not_on_label():
    renamed = CodedValue(system="penibilite", code="night", display="Nuit (ancien libellé)")
    lines = annex([unit("Atelier", exposure(renamed, 2, True))], [(NIGHT, True)], 10)

    assert lines[0].exposed_above_threshold == 2
