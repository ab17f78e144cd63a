"""What to check before publishing a DUERP version (pure): the warnings the person confirms.

Computed from the open DUERP the publish page already fetches (``GET /companies/{id}/duerp``,
``assessment.duerp.schemas.DuerpView``). None of them forbids publishing — the assessment decides
that — but each must be confirmed by a checkbox before the portal sends the publication:

- a major risk with no open action due within its deadline (2 months, seed 003: « priorité
  majeure, action à entreprendre rapidement au maximum dans les 2 mois »);
- a risk with no existing measure and no action;
- a work unit without any risk;
- nothing changed since the last version (the assessment's ``unchanged_since_last_version``):
  confirming it sends ``confirm_unchanged`` with the publication.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cosar_common import clock

MAJOR = "major"
MAJOR_DEADLINE_MONTHS = 2  # when the rating gives none
OPEN_STATUSES = frozenset({"planned", "in_progress"})

MAJOR_LATE = "major_late"
NO_MEASURE = "no_measure"
EMPTY_UNIT = "empty_unit"
UNCHANGED = "unchanged"
#: The order the page lists them in.
KEYS = (MAJOR_LATE, NO_MEASURE, EMPTY_UNIT, UNCHANGED)


def field_name(key: str) -> str:
    """The form's checkbox for a warning: ``confirm_major_late``…"""
    return f"confirm_{key}"


@dataclass(frozen=True)
class ChecklistWarning:
    key: str
    title: str
    items: tuple[str, ...]
    confirmation: str  # the checkbox's label

    @property
    def field(self) -> str:
        return field_name(self.key)


@dataclass(frozen=True)
class Checklist:
    warnings: tuple[ChecklistWarning, ...]

    @property
    def unchanged(self) -> bool:
        return any(w.key == UNCHANGED for w in self.warnings)

    def missing(self, fields: Mapping[str, str]) -> list[ChecklistWarning]:
        """The warnings whose checkbox is not ticked in the submitted form."""
        return [w for w in self.warnings if not fields.get(w.field)]

    def confirmed(self, fields: Mapping[str, str]) -> frozenset[str]:
        return frozenset(w.key for w in self.warnings if fields.get(w.field))


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, on the last day of a shorter month
    (31 December + 2 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _day(value: Any) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _caption(unit: Mapping[str, Any], risk: Mapping[str, Any]) -> str:
    hazard = risk.get("hazard") or {}
    return f"{unit.get('name')} — {hazard.get('display') or hazard.get('code') or 'risque'}"


def _late_major(
    unit: Mapping[str, Any],
    risk: Mapping[str, Any],
    actions: Sequence[Mapping[str, Any]],
    today: date,
) -> str | None:
    rating = risk.get("rating") or {}
    if rating.get("priority") != MAJOR:
        return None
    months = rating.get("deadline_months") or MAJOR_DEADLINE_MONTHS
    limit = add_months(today, int(months))
    open_actions = [a for a in actions if a.get("status") in OPEN_STATUSES]
    deadlines = sorted(d for d in (_day(a.get("deadline")) for a in open_actions) if d)
    if deadlines and deadlines[0] <= limit:
        return None
    if deadlines:
        why = f"première échéance le {clock.fr_date(deadlines[0])}, au-delà de {months} mois"
    elif open_actions:
        why = "action prévue sans échéance"
    else:
        why = "aucune action prévue ou en cours"
    return f"{_caption(unit, risk)} : {why}"


def publish_checklist(duerp: Mapping[str, Any], today: date) -> Checklist:
    """The warnings to confirm before publishing ``duerp`` (the API's open DUERP) on ``today``."""
    actions_of: dict[str, list[Mapping[str, Any]]] = {}
    for action in duerp.get("actions") or ():
        if action.get("risk_id"):
            actions_of.setdefault(str(action["risk_id"]), []).append(action)
    late: list[str] = []
    bare: list[str] = []
    empty: list[str] = []
    for unit in duerp.get("work_units") or ():
        risks = unit.get("risks") or []
        if not risks:
            empty.append(str(unit.get("name")))
        for risk in risks:
            actions = actions_of.get(str(risk.get("id")), [])
            reason = _late_major(unit, risk, actions, today)
            if reason:
                late.append(reason)
            live = [a for a in actions if a.get("status") != "abandoned"]
            if not risk.get("measures") and not live:
                bare.append(_caption(unit, risk))
    warnings = []
    if late:
        warnings.append(
            ChecklistWarning(
                MAJOR_LATE,
                _plural(
                    len(late),
                    "risque majeur sans action dans les 2 mois",
                    "risques majeurs sans action dans les 2 mois",
                ),
                tuple(late),
                "Je publie en connaissance de cause : une priorité majeure demande une action "
                "dans les 2 mois.",
            )
        )
    if bare:
        warnings.append(
            ChecklistWarning(
                NO_MEASURE,
                _plural(
                    len(bare),
                    "risque sans mesure existante ni action",
                    "risques sans mesure existante ni action",
                ),
                tuple(bare),
                "Je confirme que ces risques n'ont ni mesure de prévention ni action prévue.",
            )
        )
    if empty:
        warnings.append(
            ChecklistWarning(
                EMPTY_UNIT,
                _plural(
                    len(empty), "unité de travail sans risque", "unités de travail sans risque"
                ),
                tuple(empty),
                "Je confirme que ces unités de travail ne présentent aucun risque à évaluer.",
            )
        )
    if duerp.get("unchanged_since_last_version") and duerp.get("last_version"):
        warnings.append(
            ChecklistWarning(
                UNCHANGED,
                f"Rien n'a changé depuis la version {duerp['last_version']}",
                (),
                "J'ai revu le document unique et il reste à jour : je publie une version "
                "identique à la précédente (revue annuelle sans changement).",
            )
        )
    return Checklist(tuple(warnings))
