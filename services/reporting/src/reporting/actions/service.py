"""Action-plan states from the assessment's events, and the report's part IV 4.3 from them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.events import RawEnvelope
from cosar_common.events.assessment import ActionStatusChanged
from reporting.actions.models import ActionState
from reporting.domain.vocabulary import ActionState as ReportActionState

MEASURES = {
    "intrinsic": "Prévention intrinsèque",
    "collective": "Protection collective",
    "individual": "Protection individuelle",
    "instructions": "Consignes",
}


async def record(
    session: AsyncSession, payload: ActionStatusChanged, envelope: RawEnvelope
) -> None:
    """Keep the latest state of each action (events of one tenant arrive in order)."""
    assert envelope.tenant_id is not None
    values = {
        "tenant_id": envelope.tenant_id,
        "action": payload.action,
        "company": payload.company,
        "measure_kind": payload.measure_kind,
        "hazard_code": payload.hazard_code,
        "priority": payload.priority,
        "status": payload.status,
        "deadline": payload.deadline,
        "done_on": payload.done_on,
        "changed_on": payload.changed_on,
        "event_id": envelope.event_id,
    }
    statement = insert(ActionState).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[ActionState.action],
            set_={k: statement.excluded[k] for k in values if k not in ("action", "tenant_id")},
        )
    )


async def actions_of_year(
    session: AsyncSession, *, company_pseudonym: str, year: int
) -> Sequence[ActionState]:
    """Done during ``year``, or still open on 31 December of it."""
    rows = await session.scalars(
        select(ActionState)
        .where(ActionState.company == company_pseudonym)
        .order_by(ActionState.deadline, ActionState.action)
    )
    end = date(year, 12, 31)
    kept = []
    for row in rows:
        done_in_year = row.status == "done" and row.done_on is not None and row.done_on.year == year
        still_open = row.status in ("planned", "in_progress") and row.changed_on <= end
        if done_in_year or still_open:
            kept.append(row)
    return kept


def as_programme_actions(rows: Sequence[ActionState]) -> list[dict[str, str | None]]:
    """Pre-filled IV.4.3 lines: the measure and the hazard (codes); the writer adds words."""
    lines = []
    for row in rows:
        done = row.status == "done"
        hazard = f" — danger {row.hazard_code}" if row.hazard_code else ""
        lines.append(
            {
                "title": f"{MEASURES.get(row.measure_kind, row.measure_kind)}{hazard}",
                "state": (ReportActionState.DONE if done else ReportActionState.OPEN).value,
                "completed_on": row.done_on.isoformat() if done and row.done_on else None,
                "source_action": row.action,
            }
        )
    return lines
