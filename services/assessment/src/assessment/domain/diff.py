"""What changed between two published versions of a DUERP.

Work units, risks and actions are matched by id, so a renamed work unit is "changed", not
removed and added. Changed fields are given as text (before, after) for display; re-ratings
keep both rating snapshots whole. Lists are sorted so that the same two versions always give
the same diff: work units by name, risks by work unit name then hazard code, actions by title,
with the id last.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from assessment.domain.snapshot import (
    ActionSnapshot,
    CodedValue,
    DuerpSnapshot,
    MeasureSnapshot,
    PenibiliteExposureSnapshot,
    RatingSnapshot,
    RiskSnapshot,
    WorkUnitSnapshot,
)

M = TypeVar("M", bound=BaseModel)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class FieldChange(_Frozen):
    name: str
    before: str
    after: str


class WorkUnitRef(_Frozen):
    id: uuid.UUID
    name: str


class WorkUnitChange(_Frozen):
    id: uuid.UUID
    name: str
    changes: list[FieldChange]


class RiskRef(_Frozen):
    id: uuid.UUID
    work_unit_id: uuid.UUID
    work_unit_name: str
    hazard_code: str
    hazard_display: str


class RiskRerating(_Frozen):
    risk: RiskRef
    before: RatingSnapshot
    after: RatingSnapshot


class RiskChange(_Frozen):
    risk: RiskRef
    changes: list[FieldChange]


class ActionRef(_Frozen):
    id: uuid.UUID
    title: str
    risk_id: uuid.UUID | None = None


class ActionChange(_Frozen):
    id: uuid.UUID
    title: str
    changes: list[FieldChange]


class DiffCounts(_Frozen):
    work_units_added: int
    work_units_removed: int
    work_units_changed: int
    risks_added: int
    risks_removed: int
    risks_rerated: int
    risks_changed: int
    actions_added: int
    actions_removed: int
    actions_changed: int


class SnapshotDiff(_Frozen):
    old_number: int
    new_number: int
    method_changed: bool
    work_units_added: list[WorkUnitRef]
    work_units_removed: list[WorkUnitRef]
    work_units_changed: list[WorkUnitChange]
    risks_added: list[RiskRef]
    risks_removed: list[RiskRef]
    risks_rerated: list[RiskRerating]
    risks_changed: list[RiskChange]
    actions_added: list[ActionRef]
    actions_removed: list[ActionRef]
    actions_changed: list[ActionChange]
    counts: DiffCounts

    @property
    def is_empty(self) -> bool:
        """True when nothing at all changed between the two versions."""
        return not self.method_changed and not any(self.counts.model_dump().values())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, CodedValue):
        return f"{value.code} {value.display}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _measures(measures: Sequence[MeasureSnapshot]) -> str:
    return "; ".join(f"{m.kind.value}: {m.description}" for m in measures)


def _jobs(jobs: Sequence[CodedValue]) -> str:
    return "; ".join(sorted(_text(job) for job in jobs))


def _penibilite(exposures: Sequence[PenibiliteExposureSnapshot]) -> str:
    parts = [
        f"{e.factor.code} intensity_reached={_text(e.intensity_reached)} "
        f"duration={_text(e.yearly_duration)} threshold={_text(e.threshold_value)} "
        f"exposed={e.exposed_headcount} above={_text(e.above_threshold)}"
        for e in exposures
    ]
    return "; ".join(sorted(parts))


def _changes(
    old: M, new: M, fields: Sequence[str], render: dict[str, Callable[[Any], str]]
) -> list[FieldChange]:
    """The fields whose values differ, rendered as text (``render`` overrides ``_text``)."""
    changes: list[FieldChange] = []
    for name in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            show = render.get(name, _text)
            changes.append(FieldChange(name=name, before=show(before), after=show(after)))
    return changes


_UNIT_FIELDS = ("name", "kind", "description", "headcount", "jobs", "penibilite")
_UNIT_RENDER: dict[str, Callable[[Any], str]] = {"jobs": _jobs, "penibilite": _penibilite}
_RISK_FIELDS = ("hazard", "situations", "damages", "measures", "exposed_headcount")
_RISK_RENDER: dict[str, Callable[[Any], str]] = {"measures": _measures}
_ACTION_FIELDS = tuple(name for name in ActionSnapshot.model_fields if name != "id")


def _risks(snapshot: DuerpSnapshot) -> dict[uuid.UUID, tuple[WorkUnitSnapshot, RiskSnapshot]]:
    return {risk.id: (unit, risk) for unit in snapshot.work_units for risk in unit.risks}


def _risk_ref(unit: WorkUnitSnapshot, risk: RiskSnapshot) -> RiskRef:
    return RiskRef(
        id=risk.id,
        work_unit_id=unit.id,
        work_unit_name=unit.name,
        hazard_code=risk.hazard.code,
        hazard_display=risk.hazard.display,
    )


def _risk_key(ref: RiskRef) -> tuple[str, str, str]:
    return (ref.work_unit_name, ref.hazard_code, str(ref.id))


def _diff_units(
    old: DuerpSnapshot, new: DuerpSnapshot
) -> tuple[list[WorkUnitRef], list[WorkUnitRef], list[WorkUnitChange]]:
    old_units = {u.id: u for u in old.work_units}
    new_units = {u.id: u for u in new.work_units}
    added = [WorkUnitRef(id=u.id, name=u.name) for i, u in new_units.items() if i not in old_units]
    removed = [
        WorkUnitRef(id=u.id, name=u.name) for i, u in old_units.items() if i not in new_units
    ]
    changed: list[WorkUnitChange] = []
    for unit_id in old_units.keys() & new_units.keys():
        before, after = old_units[unit_id], new_units[unit_id]
        changes = _changes(before, after, _UNIT_FIELDS, _UNIT_RENDER)
        if changes:
            changed.append(WorkUnitChange(id=unit_id, name=after.name, changes=changes))
    return added, removed, changed


def _diff_risks(
    old: DuerpSnapshot, new: DuerpSnapshot
) -> tuple[list[RiskRef], list[RiskRef], list[RiskRerating], list[RiskChange]]:
    old_risks, new_risks = _risks(old), _risks(new)
    added = [_risk_ref(*new_risks[i]) for i in new_risks.keys() - old_risks.keys()]
    removed = [_risk_ref(*old_risks[i]) for i in old_risks.keys() - new_risks.keys()]
    rerated: list[RiskRerating] = []
    changed: list[RiskChange] = []
    for risk_id in old_risks.keys() & new_risks.keys():
        (old_unit, before), (new_unit, after) = old_risks[risk_id], new_risks[risk_id]
        ref = _risk_ref(new_unit, after)
        if before.rating != after.rating:
            rerated.append(RiskRerating(risk=ref, before=before.rating, after=after.rating))
        changes = _changes(before, after, _RISK_FIELDS, _RISK_RENDER)
        if old_unit.id != new_unit.id:
            changes.append(FieldChange(name="work_unit", before=old_unit.name, after=new_unit.name))
        if changes:
            changed.append(RiskChange(risk=ref, changes=changes))
    return added, removed, rerated, changed


def _action_ref(action: ActionSnapshot) -> ActionRef:
    return ActionRef(id=action.id, title=action.title, risk_id=action.risk_id)


def _diff_actions(
    old: DuerpSnapshot, new: DuerpSnapshot
) -> tuple[list[ActionRef], list[ActionRef], list[ActionChange]]:
    old_actions = {a.id: a for a in old.actions}
    new_actions = {a.id: a for a in new.actions}
    added = [_action_ref(a) for i, a in new_actions.items() if i not in old_actions]
    removed = [_action_ref(a) for i, a in old_actions.items() if i not in new_actions]
    changed: list[ActionChange] = []
    for action_id in old_actions.keys() & new_actions.keys():
        before, after = old_actions[action_id], new_actions[action_id]
        changes = _changes(before, after, _ACTION_FIELDS, {})
        if changes:
            changed.append(ActionChange(id=action_id, title=after.title, changes=changes))
    return added, removed, changed


def diff_snapshots(old: DuerpSnapshot, new: DuerpSnapshot) -> SnapshotDiff:
    """Compare two versions of the same company's DUERP, ``old`` first."""
    units_added, units_removed, units_changed = _diff_units(old, new)
    risks_added, risks_removed, rerated, risks_changed = _diff_risks(old, new)
    actions_added, actions_removed, actions_changed = _diff_actions(old, new)

    def by_name(item: WorkUnitRef | WorkUnitChange) -> tuple[str, str]:
        return (item.name, str(item.id))

    def by_title(item: ActionRef | ActionChange) -> tuple[str, str]:
        return (item.title, str(item.id))

    units_added.sort(key=by_name)
    units_removed.sort(key=by_name)
    units_changed.sort(key=by_name)
    risks_added.sort(key=_risk_key)
    risks_removed.sort(key=_risk_key)
    rerated.sort(key=lambda r: _risk_key(r.risk))
    risks_changed.sort(key=lambda r: _risk_key(r.risk))
    actions_added.sort(key=by_title)
    actions_removed.sort(key=by_title)
    actions_changed.sort(key=by_title)
    counts = DiffCounts(
        work_units_added=len(units_added),
        work_units_removed=len(units_removed),
        work_units_changed=len(units_changed),
        risks_added=len(risks_added),
        risks_removed=len(risks_removed),
        risks_rerated=len(rerated),
        risks_changed=len(risks_changed),
        actions_added=len(actions_added),
        actions_removed=len(actions_removed),
        actions_changed=len(actions_changed),
    )
    return SnapshotDiff(
        old_number=old.number,
        new_number=new.number,
        method_changed=old.method != new.method,
        work_units_added=units_added,
        work_units_removed=units_removed,
        work_units_changed=units_changed,
        risks_added=risks_added,
        risks_removed=risks_removed,
        risks_rerated=rerated,
        risks_changed=risks_changed,
        actions_added=actions_added,
        actions_removed=actions_removed,
        actions_changed=actions_changed,
        counts=counts,
    )
