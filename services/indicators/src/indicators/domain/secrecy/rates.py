"""Rates from protected tables: ratios of sums that inherit the secrecy of their terms.

A rate ``numerator / denominator × factor`` (TF = accidents × 10^6 / hours worked; see
docs/domain.md § Rates are ratios of sums) published next to its denominator gives the numerator
back, and next to its numerator gives the denominator back: it is publishable only where both
cells are (tau-ARGUS manual §4.2.4 on derived tables; Hundepool et al. 2012, §4.2). A rate on
too small a denominator means nothing (Assurance Maladie publishes frequency indexes only for a
few thousand employees or more): it is withheld as well, with its own status so readers are
told why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from indicators.domain.secrecy.protection import Protection
from indicators.domain.secrecy.tables import CellKey


class RateStatus(StrEnum):
    PUBLISHED = "published"
    SECRET = "secret"  # noqa: S105 - a status, not a credential
    SMALL_DENOMINATOR = "small-denominator"


@dataclass(frozen=True)
class Rate:
    """A rate cell: its value when published, else ``None`` and why."""

    key: CellKey
    status: RateStatus
    value: float | None


def publishable_rates(
    numerator: Protection,
    denominator: Protection,
    *,
    measure: str,
    factor: float = 1.0,
    min_denominator: float = 0.0,
    numerator_measure: str | None = None,
    denominator_measure: str | None = None,
) -> dict[CellKey, Rate]:
    """The rate ``measure`` at every coordinate where its numerator or denominator has a cell.

    Numerator and denominator may be two protections or the same one holding both measures; a
    measure needs naming only when its protection holds several. A missing cell is a structural
    zero, published as 0. Status: SECRET if either term is hidden; else SMALL_DENOMINATOR if the
    denominator is zero or below ``min_denominator``; else PUBLISHED with
    ``numerator / denominator × factor``.
    """
    top = numerator_measure or _only_measure(numerator)
    bottom = denominator_measure or _only_measure(denominator)
    coords = {k.coords for k in numerator.tables.cells if k.measure == top}
    coords |= {k.coords for k in denominator.tables.cells if k.measure == bottom}
    rates = {}
    for where in sorted(coords):
        above, below = CellKey(top, where), CellKey(bottom, where)
        key = CellKey(measure, where)
        hours = denominator.tables.value(below)
        if numerator.is_secret(above) or denominator.is_secret(below):
            rates[key] = Rate(key, RateStatus.SECRET, None)
        elif hours <= 0 or hours < min_denominator:
            rates[key] = Rate(key, RateStatus.SMALL_DENOMINATOR, None)
        else:
            value = numerator.tables.value(above) / hours * factor
            rates[key] = Rate(key, RateStatus.PUBLISHED, value)
    return rates


def _only_measure(protection: Protection) -> str:
    measures = {key.measure for key in protection.tables.cells}
    if len(measures) != 1:
        raise ValueError(f"name the measure among {sorted(measures)}")
    return measures.pop()
