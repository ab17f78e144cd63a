"""Action-plan events for the reporting service (pseudonymous ids, codes, dates; no text)."""

from __future__ import annotations

from datetime import date
from typing import Literal, cast

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from assessment.duerp.models import Action, Risk
from assessment.tenancy.service import settings_of
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.assessment import ActionState, ActionStatusChanged, PriorityLevel
from cosar_common.events.outbox import OutboxWriter

MeasureKindLiteral = Literal["intrinsic", "collective", "individual", "instructions"]


async def emit_status_changed(
    session: AsyncSession,
    *,
    outbox: OutboxWriter,
    company: Company,
    action: Action,
    previous: str | None,
    today: date,
) -> None:
    settings = await settings_of(session, company.tenant_id)
    risk = await session.get(Risk, action.risk_id) if action.risk_id else None
    payload = ActionStatusChanged(
        company=pseudonym(settings.pseudonym_key, company.id),
        action=pseudonym(settings.pseudonym_key, action.id),
        measure_kind=cast(MeasureKindLiteral, action.measure_kind),
        hazard_code=risk.hazard_code if risk else None,
        priority=cast(PriorityLevel, risk.priority) if risk else None,
        previous_status=cast(ActionState, previous) if previous else None,
        status=cast(ActionState, action.status),
        deadline=action.deadline,
        done_on=action.done_on,
        changed_on=today,
    )
    await outbox.add(session, payload, tenant_id=company.tenant_id)
