"""French presentation of figures: the rounding rules, stated once and applied once.

Computations keep exact values (``Fraction``); this module is the only place that rounds.

Rounding rules (``ROUNDING``): half away from zero (« arrondi commercial »: 0,125 → 0,13;
-0,125 → -0,13), applied to the exact value, never to an already rounded one:

=====================  ==========  ==============================
quantity               decimals    example
=====================  ==========  ==============================
hours worked           0           250 000
frequency rate (TF)    2           20,00
severity rate (TG)     2           0,60
frequency index (IF)   1           12,5
% change               1           +12,5 %
sums of money          2           12 345,00 €
counts                 0           12
=====================  ==========  ==============================

French typography: decimal comma, thousands grouped by a no-break space (U+00A0, which every
PDF font has), a no-break space before « % » and « € ». A figure that could not be computed is
shown as « n.c. » with its reason as a note.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from reporting.domain.figures import Computed, Figure

NBSP = "\u00a0"
NOT_COMPUTABLE_TEXT = "n.c."


class Quantity(StrEnum):
    """What a number is, which decides how it is rounded and written."""

    HOURS = "hours"
    FREQUENCY_RATE = "frequency_rate"
    SEVERITY_RATE = "severity_rate"
    FREQUENCY_INDEX = "frequency_index"
    PERCENT_CHANGE = "percent_change"
    MONEY = "money"
    COUNT = "count"


#: Decimal places of each quantity (see the module's table).
ROUNDING: Mapping[Quantity, int] = MappingProxyType(
    {
        Quantity.HOURS: 0,
        Quantity.FREQUENCY_RATE: 2,
        Quantity.SEVERITY_RATE: 2,
        Quantity.FREQUENCY_INDEX: 1,
        Quantity.PERCENT_CHANGE: 1,
        Quantity.MONEY: 2,
        Quantity.COUNT: 0,
    }
)


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals, half away from zero, from its exact value."""
    exact = Fraction(value)
    units = math.floor(abs(exact) * 10**places + Fraction(1, 2))
    return Decimal(-units if exact < 0 else units).scaleb(-places)


def format_number(value: Fraction | Decimal | int, places: int) -> str:
    """French writing of ``value`` rounded to ``places``: ``1234.5`` → « 1 234,50 » (2 places)."""
    rounded = round_half_up(value, places)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):,.{places}f}"
    return sign + text.replace(",", NBSP).replace(".", ",")


def format_quantity(value: Fraction | Decimal | int, quantity: Quantity) -> str:
    """``value`` written as ``quantity``: rounded by ``ROUNDING``, with its unit if it has one."""
    places = ROUNDING[quantity]
    text = format_number(value, places)
    if quantity is Quantity.MONEY:
        return f"{text}{NBSP}€"
    if quantity is Quantity.PERCENT_CHANGE:
        positive = round_half_up(value, places) > 0
        return f"{'+' if positive else ''}{text}{NBSP}%"
    return text


@dataclass(frozen=True)
class Presented:
    """A figure as the report prints it; ``note`` says why it is missing, if it is."""

    text: str
    note: str | None = None

    @property
    def computed(self) -> bool:
        """Whether a number is shown."""
        return self.note is None


def present(figure: Figure, quantity: Quantity) -> Presented:
    """The printed form of a computed or missing figure."""
    if isinstance(figure, Computed):
        return Presented(format_quantity(figure.value, quantity))
    return Presented(NOT_COMPUTABLE_TEXT, figure.reason)
