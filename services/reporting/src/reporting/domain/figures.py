"""A computed figure is exact or says, in French, why it could not be computed.

Computations return ``Computed`` (an exact ``Fraction``) or ``NotComputable`` (a stable code
and a French reason the report prints instead of the number). Rounding happens once, when the
figure is presented (``domain.presentation``), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias


@dataclass(frozen=True)
class Computed:
    """An exact value (rates are ratios of integers and of exact hours)."""

    value: Fraction


@dataclass(frozen=True)
class NotComputable:
    """Why a figure is missing: ``code`` for programs, ``reason`` for readers (French)."""

    code: str
    reason: str


Figure: TypeAlias = Computed | NotComputable


@dataclass(frozen=True)
class RateSettings:
    """What a tenant may configure about rates.

    ``minimum_hours``: below it, TF and TG are not computed (a rate over a handful of hours
    means nothing); the default is one full-time year, the legal annual working time of
    1,607 hours. ``minimum_headcount``: below it, IF is not computed.
    """

    minimum_hours: Decimal = Decimal(1607)
    minimum_headcount: int = 1

    def __post_init__(self) -> None:
        if self.minimum_hours < 0 or self.minimum_headcount < 0:
            raise ValueError("rate minimums cannot be negative")


DEFAULT_SETTINGS = RateSettings()
