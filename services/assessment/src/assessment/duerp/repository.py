"""Queries of the open DUERP. RLS hides other tenants and, for employer tokens, other
companies; callers reach the DUERP through a company they were allowed to see first."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.duerp.models import (
    Action,
    Duerp,
    DuerpRows,
    PenibiliteExposure,
    Risk,
    RiskRatingChange,
    WorkUnit,
)
from cosar_common import clock
from cosar_common.concurrency import take_lock
from cosar_common.db.rows import get_or_create


async def duerp_of(session: AsyncSession, *, tenant_id: str, company_id: uuid.UUID) -> Duerp:
    """The company's open DUERP, created empty on first use."""
    return await get_or_create(
        session,
        Duerp,
        where={"company_id": company_id},
        defaults=lambda: {"id": uuid.uuid4(), "tenant_id": tenant_id, "lock_version": 1},
    )


async def bump(session: AsyncSession, duerp: Duerp, *, expected: int, actor: str) -> int:
    """Take the DUERP's optimistic lock (the version the writer read is ``expected``)."""
    return await take_lock(
        session,
        duerp,
        expected=expected,
        conflict=(
            "Le document unique a été modifié entre-temps par quelqu'un d'autre : rechargez-le "
            "puis refaites votre modification."
        ),
        values={"updated_at": clock.system_now(), "updated_by": actor},
    )


async def work_units(session: AsyncSession, duerp_id: uuid.UUID) -> Sequence[WorkUnit]:
    query = (
        select(WorkUnit)
        .where(WorkUnit.duerp_id == duerp_id, WorkUnit.archived_at.is_(None))
        .order_by(WorkUnit.created_at, WorkUnit.name)
    )
    return (await session.scalars(query)).all()


async def risks(session: AsyncSession, work_unit_ids: Sequence[uuid.UUID]) -> Sequence[Risk]:
    query = (
        select(Risk)
        .where(Risk.work_unit_id.in_(work_unit_ids), Risk.archived_at.is_(None))
        .order_by(Risk.created_at, Risk.hazard_code)
    )
    return (await session.scalars(query)).all()


async def exposures(
    session: AsyncSession, work_unit_ids: Sequence[uuid.UUID]
) -> Sequence[PenibiliteExposure]:
    query = (
        select(PenibiliteExposure)
        .where(PenibiliteExposure.work_unit_id.in_(work_unit_ids))
        .order_by(PenibiliteExposure.factor_code, PenibiliteExposure.threshold_code)
    )
    return (await session.scalars(query)).all()


async def actions(session: AsyncSession, duerp_id: uuid.UUID) -> Sequence[Action]:
    query = select(Action).where(Action.duerp_id == duerp_id).order_by(Action.created_at)
    return (await session.scalars(query)).all()


async def load_rows(
    session: AsyncSession, duerp_id: uuid.UUID, *, with_actions: bool = True
) -> DuerpRows:
    """The open DUERP's live work units with their risks and exposures (and its actions)."""
    units = await work_units(session, duerp_id)
    ids = [u.id for u in units]
    return DuerpRows(
        work_units=units,
        risks=await risks(session, ids) if ids else [],
        exposures=await exposures(session, ids) if ids else [],
        actions=await actions(session, duerp_id) if with_actions else [],
    )


Owned = TypeVar("Owned", WorkUnit, Risk, Action)


async def get_in_company(
    session: AsyncSession, model: type[Owned], *, company_id: uuid.UUID, object_id: uuid.UUID
) -> Owned | None:
    return await session.scalar(
        select(model).where(model.id == object_id, model.company_id == company_id)
    )


async def rating_history(session: AsyncSession, risk_id: uuid.UUID) -> Sequence[RiskRatingChange]:
    query = (
        select(RiskRatingChange)
        .where(RiskRatingChange.risk_id == risk_id)
        .order_by(RiskRatingChange.changed_at, RiskRatingChange.id)
    )
    return (await session.scalars(query)).all()
