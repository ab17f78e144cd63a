"""Protecting linked tables end to end, and again after a contribution changes.

``protect`` = primary suppression + secondary suppression (Benders over Fischetti–Salazar's
model, :mod:`.secondary`) + the final attack check. ``reprotect`` reuses an earlier pattern: if
the earlier hidden cells together with the new primary secrets already pass the attack, the
pattern is kept as is (no MIP at all, and readers see a stable table); otherwise the earlier
pattern is kept hidden and the optimisation only adds to it. Either way the attack check decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from indicators.domain.secrecy.attack import AttackResult, ProtectionLevel, attack, unprotected
from indicators.domain.secrecy.primary import PrimaryRules, SecretReason, primary_suppression
from indicators.domain.secrecy.secondary import SolverOptions, Suppression, secondary_suppression
from indicators.domain.secrecy.tables import CellKey, TableSet

SECRET_LABEL = "secret statistique"  # noqa: S105 - a label, not a credential
"""All the public ever learns about a hidden cell, whatever the reason."""


class ProtectionFailed(RuntimeError):
    """The final attack check found a primary secret cell recomputable: nothing is published."""


@dataclass(frozen=True)
class Protection:
    """Linked tables with their secret cells (reason kept internally) and the settings used.

    ``suppression`` says how the pattern was found (cost, lower bound, MIP rounds); ``None``
    when :func:`reprotect` kept the previous pattern unchanged.
    """

    tables: TableSet
    secrets: Mapping[CellKey, SecretReason]
    rules: PrimaryRules = field(default_factory=PrimaryRules)
    level: ProtectionLevel = field(default_factory=ProtectionLevel)
    suppression: Suppression | None = None

    @property
    def primary(self) -> frozenset[CellKey]:
        return frozenset(k for k, r in self.secrets.items() if r is not SecretReason.SECONDARY)

    @property
    def suppressed(self) -> frozenset[CellKey]:
        return frozenset(self.secrets)

    def is_secret(self, key: CellKey) -> bool:
        return key in self.secrets

    def published(self) -> dict[CellKey, float | None]:
        """Every stored cell's publishable value, ``None`` for a secret cell (shown as "secret
        statistique", never as 0 nor left out). Structural zeros are not stored: a cell absent
        from the tables is a published 0."""
        return {
            key: None if key in self.secrets else cell.value
            for key, cell in sorted(self.tables.cells.items())
        }

    def audit(self) -> dict[CellKey, AttackResult]:
        """The attack on every primary secret cell under this pattern."""
        return attack(self.tables, self.suppressed, targets=self.primary, level=self.level)


def protect(
    tables: TableSet,
    *,
    rules: PrimaryRules = PrimaryRules(),
    level: ProtectionLevel = ProtectionLevel(),
    options: SolverOptions = SolverOptions(),
) -> Protection:
    """Primary and secondary suppression over all linked tables, then the attack check.

    Raises :class:`ProtectionFailed` if the final check finds an exposed cell (it cannot, by
    construction of the secondary suppression; the check is independent of that construction).
    """
    primary = primary_suppression(tables, rules)
    found = secondary_suppression(tables, primary, level=level, options=options)
    return _checked(tables, primary, found, rules, level)


def reprotect(
    previous: Protection,
    tables: TableSet,
    *,
    options: SolverOptions = SolverOptions(),
    keep_previous: bool = True,
) -> Protection:
    """Protect updated tables (a company's new contribution), starting from ``previous``.

    1. primary suppression on the new values;
    2. candidate = new primary secrets ∪ the previous hidden cells still present; if it passes
       the attack, keep it (stable publication, no optimisation);
    3. else run the secondary suppression with the previous pattern fixed hidden
       (``keep_previous``, so a cell once hidden is not revealed by the next release) or merely
       as a warm start.
    """
    rules, level = previous.rules, previous.level
    primary = primary_suppression(tables, rules)
    previous_hidden = frozenset(k for k in previous.suppressed if k in tables.cells)
    previous_hidden = frozenset(k for k in previous_hidden if not tables.cells[k].is_empty)
    candidate = frozenset(primary) | previous_hidden
    if not unprotected(tables, candidate, targets=primary, level=level):
        return Protection(tables, _label(primary, candidate), rules, level, suppression=None)
    keep = previous_hidden if keep_previous else frozenset()
    found = secondary_suppression(
        tables, primary, level=level, options=options, keep=keep, start=previous_hidden
    )
    return _checked(tables, primary, found, rules, level)


def _label(
    primary: Mapping[CellKey, SecretReason], hidden: frozenset[CellKey]
) -> dict[CellKey, SecretReason]:
    return {key: primary.get(key, SecretReason.SECONDARY) for key in sorted(hidden)}


def _checked(
    tables: TableSet,
    primary: Mapping[CellKey, SecretReason],
    found: Suppression,
    rules: PrimaryRules,
    level: ProtectionLevel,
) -> Protection:
    failures = unprotected(tables, found.hidden, targets=primary, level=level)
    if failures:
        raise ProtectionFailed(f"{len(failures)} secret cells exposed, first {failures[0][0]}")
    return Protection(tables, _label(primary, found.hidden), rules, level, found)
