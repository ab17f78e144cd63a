"""What the home page says of a DUERP, from the assessment's answers (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DuerpState:
    last_version: int | None
    last_published_at: str | None
    to_update: bool
    overdue_actions: int
    risks_to_rerate: int
    deprecated_codes: int
    work_units: int
    risks: int

    @property
    def headline(self) -> str:
        """One sentence: where this company's DUERP stands."""
        if self.last_version is None:
            return "Aucune version publiée"
        if self.to_update:
            return "À mettre à jour : dernière version publiée il y a plus de 12 mois"
        return f"Version {self.last_version} publiée"

    @property
    def alerts(self) -> list[str]:
        out = []
        if self.overdue_actions:
            out.append(_plural(self.overdue_actions, "action en retard", "actions en retard"))
        if self.risks_to_rerate:
            out.append(
                _plural(self.risks_to_rerate, "risque à recoter", "risques à recoter")
                + " (une action est terminée)"
            )
        if self.deprecated_codes:
            out.append(
                _plural(self.deprecated_codes, "code à remplacer", "codes à remplacer")
                + " (retiré du référentiel)"
            )
        return out


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def duerp_state(duerp: Mapping[str, Any], plan: Mapping[str, Any] | None) -> DuerpState:
    units = duerp.get("work_units") or []
    risks = [risk for unit in units for risk in unit.get("risks") or []]
    return DuerpState(
        last_version=duerp.get("last_version"),
        last_published_at=duerp.get("last_published_at"),
        to_update=bool(duerp.get("to_update")),
        overdue_actions=len((plan or {}).get("overdue") or []),
        risks_to_rerate=sum(1 for risk in risks if risk.get("needs_rerating")),
        deprecated_codes=len(duerp.get("warnings") or []),
        work_units=len(units),
        risks=len(risks),
    )
