"""The attack check: how precisely can an intruder recompute each secret cell?

As sdcTable's ``attack()`` (Meindl, *sdcTable: Methods for Statistical Disclosure Control in
Tabular Data*, CRAN) and tau-ARGUS's audit (manual §4.5, "Audit"): for every secret cell, two
linear programs give its minimum and maximum over all the non-negative tables compatible with
everything published — the published values of all linked tables and their additivity equations.
The cell is protected when the interval reaches ``protection`` below and above the true value
(sided protection levels, as tau-ARGUS's lower/upper protection levels; this implies the width
criterion ``upper - lower >= 2 × 10 % × value``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from indicators.domain.secrecy._attacker import Requirement, probe
from indicators.domain.secrecy.tables import CellKey, TableSet


@dataclass(frozen=True)
class ProtectionLevel:
    """The interval an attacker must not be able to narrow: ``relative`` of the value on each
    side, and never less than ``absolute`` (one person, one accident…), capped below at zero.

    With the defaults a secret cell of 250 must stay uncertain over at least [225, 275]; a secret
    count of 4 over [3, 5]; a secret cell of 0 (one company, no accident) up to at least 1 — an
    interval reduced to a point is never accepted.
    """

    relative: float = 0.10
    absolute: float = 1.0

    def __post_init__(self) -> None:
        if self.relative < 0 or self.absolute <= 0:
            raise ValueError("protection needs relative >= 0 and absolute > 0")

    def requirement(self, value: float) -> Requirement:
        margin = max(self.relative * value, self.absolute)
        return Requirement(lower=min(value, margin), upper=margin)


@dataclass(frozen=True)
class AttackResult:
    """The attacker's interval for one secret cell and whether it is wide enough."""

    key: CellKey
    value: float
    lower: float
    upper: float
    required_lower: float
    required_upper: float
    protected: bool

    @property
    def width(self) -> float:
        return self.upper - self.lower


def attack(
    tables: TableSet,
    suppressed: Collection[CellKey],
    *,
    targets: Iterable[CellKey] | None = None,
    level: ProtectionLevel = ProtectionLevel(),
) -> dict[CellKey, AttackResult]:
    """The attacker's interval for each target (default: every suppressed cell).

    ``suppressed`` is what is hidden; every other cell of ``tables`` is taken as published at its
    true value. Targets are usually the primary secret cells: secondary suppressions need to be
    hidden, not protected. Two LPs per target, solved with HiGHS, warm-started within each group
    of suppressed cells linked by equations.
    """
    hidden = frozenset(suppressed)
    chosen = sorted(hidden if targets is None else set(targets))
    published = [key for key in chosen if key not in hidden]
    if published:
        raise ValueError(f"{published[0]} is published: nothing to attack")
    requirements = {key: level.requirement(tables.value(key)) for key in chosen}
    found = probe(tables, hidden, requirements, exact=True, want_cuts=False)
    results = {}
    for key in chosen:
        value = tables.value(key)
        outcome = found[key]
        assert outcome.lower is not None
        assert outcome.upper is not None
        results[key] = AttackResult(
            key=key,
            value=value,
            lower=value + outcome.lower,
            upper=value + outcome.upper,
            required_lower=value - requirements[key].lower,
            required_upper=value + requirements[key].upper,
            protected=outcome.lower_ok and outcome.upper_ok,
        )
    return results


def unprotected(
    tables: TableSet,
    suppressed: Collection[CellKey],
    *,
    targets: Iterable[CellKey],
    level: ProtectionLevel = ProtectionLevel(),
) -> list[tuple[CellKey, int]]:
    """The (cell, direction) pairs the attacker can pin too closely: ``+1`` above, ``-1`` below.

    The same LPs as :func:`attack`, faster: a direction is proven safe as soon as any feasible
    point of the attacker's system moves the cell by its requirement — often a point found while
    attacking another cell — so intervals are not all measured. An empty list is a proof.
    """
    requirements = {key: level.requirement(tables.value(key)) for key in sorted(set(targets))}
    found = probe(tables, frozenset(suppressed), requirements, exact=False, want_cuts=False)
    failures = [(key, 1) for key in sorted(found) if not found[key].upper_ok]
    failures += [(key, -1) for key in sorted(found) if not found[key].lower_ok]
    return sorted(failures)


def exposed(results: Mapping[CellKey, AttackResult]) -> list[AttackResult]:
    """The results whose interval is too narrow, in key order."""
    return [results[key] for key in sorted(results) if not results[key].protected]
