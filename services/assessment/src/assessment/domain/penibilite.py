"""Pénibilité factors against the C2P thresholds (L4161-1, D4163-2).

See docs/domain.md § Pénibilité and the C2P thresholds.

Thresholds change with the law (decree 2023-760 lowered night work from 120 to 100 nights and
alternating shifts from 50 to 30 on 1 September 2023): they are dated values, and an exposure is
judged against the threshold in force over its year, prorated when the law changed within it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from assessment.domain.snapshot import CodedValue, PenibiliteAnnexLine, WorkUnitSnapshot

_FOUR_DECIMALS = Decimal("0.0001")

# The ten factors of L4161-1 (D4161-1), in the law's order; six have a C2P threshold.
FACTOR_CODES = ("1a", "1b", "1c", "2a", "2b", "2c", "2d", "3a", "3b", "3c")
C2P_FACTORS = frozenset({"2b", "2c", "2d", "3a", "3b", "3c"})


@dataclass(frozen=True)
class DatedValue:
    """A threshold in force from ``valid_from`` to ``valid_to``, both inclusive (None: open)."""

    value: Decimal
    valid_from: date | None = None
    valid_to: date | None = None


def _days_in_force(item: DatedValue, first: date, last: date) -> tuple[date, date] | None:
    start = max(item.valid_from or first, first)
    end = min(item.valid_to or last, last)
    return (start, end) if start <= end else None


def threshold_for_year(values: Sequence[DatedValue], year: int) -> Decimal | None:
    """The yearly threshold in force over ``year``, rounded half-up to an integer.

    When the law changed during the year, each value counts for the days it was in force:
    2023 gives 120 × 243/365 + 100 × 122/365 = 113.3 → 113 nights. None if no value covers
    any day of the year; if the values cover only part of the year, the proration runs over
    the covered days only (an uncovered day has no threshold to weigh). Values overlapping on
    a day are a data error (``ValueError``): the law has one threshold per day.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    periods: list[tuple[date, date, Decimal]] = []
    for item in values:
        if item.valid_from and item.valid_to and item.valid_to < item.valid_from:
            raise ValueError(f"threshold period ends before it starts: {item}")
        span = _days_in_force(item, first, last)
        if span is not None:
            periods.append((span[0], span[1], item.value))
    periods.sort(key=lambda period: period[0])
    for before, after in pairwise(periods):
        if after[0] <= before[1]:
            raise ValueError(f"threshold periods overlap in {year}: {before} and {after}")
    weighted = Decimal(0)
    covered = 0
    for start, end, value in periods:
        days = (end - start + timedelta(days=1)).days
        weighted += value * days
        covered += days
    if covered == 0:
        return None
    return (weighted / covered).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def is_above_threshold(
    *, intensity_reached: bool, yearly_duration: Decimal | None, threshold: Decimal | None
) -> bool:
    """Exposed above the C2P threshold: intensity reached and yearly duration ≥ threshold.

    Without a threshold (the four factors that have had none since 2017) or without a duration,
    nobody is above it.
    """
    if threshold is None or yearly_duration is None:
        return False
    return intensity_reached and yearly_duration >= threshold


def annex(
    work_units: Sequence[WorkUnitSnapshot],
    factors: Sequence[tuple[CodedValue, bool]],
    company_headcount: int,
) -> list[PenibiliteAnnexLine]:
    """The annex of R4121-1-1: per factor, employees exposed above the C2P threshold.

    ``factors`` are the ten factors in display order, each with whether it has a C2P threshold.
    Exposures match a factor by (system, code), the label may have changed. The count is the
    sum over work units of the exposed headcount of exposures above the threshold; an employee
    may belong to several work units and then counts more than once, so the sum is capped at
    the company's headcount (a reasonable upper bound, not an exact count). A factor without
    a C2P threshold has nobody above it, whatever its exposures say. The proportion is
    exposed / headcount, rounded half-up to 4 decimals, 0 when the headcount is 0.
    """
    if company_headcount < 0:
        raise ValueError("company headcount cannot be negative")
    lines: list[PenibiliteAnnexLine] = []
    for factor, has_threshold in factors:
        exposed = 0
        if has_threshold:
            exposed = sum(
                exposure.exposed_headcount
                for unit in work_units
                for exposure in unit.penibilite
                if exposure.above_threshold
                and (exposure.factor.system, exposure.factor.code) == (factor.system, factor.code)
            )
        exposed = min(exposed, company_headcount)
        proportion = Decimal(0).quantize(_FOUR_DECIMALS)
        if company_headcount > 0:
            proportion = (Decimal(exposed) / company_headcount).quantize(
                _FOUR_DECIMALS, rounding=ROUND_HALF_UP
            )
        lines.append(
            PenibiliteAnnexLine(
                factor=factor,
                has_c2p_threshold=has_threshold,
                exposed_above_threshold=exposed,
                proportion=proportion,
            )
        )
    return lines
