"""Primary suppression: which cells are secret by themselves (docs/domain.md § Statistical secrecy).

French official statistics apply the Cocoes rule of 1960, written by INSEE's tooling as
``FREQ(3)|NK(1,85)`` (tau-ARGUS manual §4.3, "sensitivity rules"; sdcTable's ``primarySuppression``
types ``freq`` and ``nk``):

- **frequency**: fewer than 3 contributing companies — a company that is one of two can subtract
  its own contribution and read the other's;
- **dominance** ``(n, k)``: the ``n`` largest contributions exceed ``k`` % of the cell — the cell
  is then essentially that company's figure;
- **persons**: a count of persons between 1 and 10 (the health-data access centre's threshold).

Choices for zeros, documented here because they are policy:

- a cell with no contributor (structural zero) is publishable and never suppressed: that a sector
  is empty is public knowledge (business register), and it describes no company;
- a zero-valued cell *with* contributors is tested by the frequency rule only (a dominance share
  of zero is undefined), and a count of zero persons is publishable: it identifies nobody.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from enum import StrEnum

from indicators.domain.secrecy.tables import Cell, CellKey, TableSet


class SecretReason(StrEnum):
    """Why a cell is secret; kept internally, shown to the public as "secret statistique"."""

    FREQUENCY = "frequency"
    DOMINANCE = "dominance"
    PERSONS = "persons"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class PrimaryRules:
    """The sensitivity rules; defaults are INSEE's FREQ(3)|NK(1,85) and the person threshold 11."""

    min_companies: int = 3
    dominance_n: int = 1
    dominance_k: float = 85.0
    min_persons: int = 11

    def __post_init__(self) -> None:
        if self.min_companies < 1 or self.dominance_n < 1 or not 0 < self.dominance_k <= 100:
            raise ValueError("sensitivity rule parameters out of range")


def primary_reason(cell: Cell, rules: PrimaryRules = PrimaryRules()) -> SecretReason | None:
    """The first sensitivity rule the cell breaks (frequency, dominance, persons), or ``None``.

    Dominance is strict, as in "more than 85 %": ``sum of n largest × 100 > k × value``, written
    with multiplications so that exactly 85 % is not caught by a rounding error.
    """
    if cell.is_empty:
        return None
    if len(cell.contributors) < rules.min_companies:
        return SecretReason.FREQUENCY
    if cell.value > 0:
        largest = sum(heapq.nlargest(rules.dominance_n, cell.contributors.values()))
        if largest * 100 > rules.dominance_k * cell.value:
            return SecretReason.DOMINANCE
    if cell.persons is not None and 0 < cell.persons < rules.min_persons:
        return SecretReason.PERSONS
    return None


def primary_suppression(
    tables: TableSet, rules: PrimaryRules = PrimaryRules()
) -> dict[CellKey, SecretReason]:
    """Every primary secret cell of the linked tables, with its reason, in key order."""
    reasons = {key: primary_reason(cell, rules) for key, cell in sorted(tables.cells.items())}
    return {key: reason for key, reason in reasons.items() if reason is not None}
