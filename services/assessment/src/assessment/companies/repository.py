"""Company queries. RLS already hides other tenants; the company filter for employer tokens is
applied here too, so the rule reads in one place and holds even without the database policy."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from cosar_common.auth import Principal


def _visible(principal: Principal) -> Select[tuple[Company]]:
    query = select(Company).where(Company.tenant_id == principal.tenant_id)
    if principal.is_company_scoped:
        query = query.where(Company.id.in_(principal.company_ids))
    return query


async def get(
    session: AsyncSession, *, principal: Principal, company_id: uuid.UUID
) -> Company | None:
    return await session.scalar(_visible(principal).where(Company.id == company_id))


async def list_visible(session: AsyncSession, *, principal: Principal) -> Sequence[Company]:
    return (await session.scalars(_visible(principal).order_by(Company.name))).all()


async def get_by_siret(session: AsyncSession, *, tenant_id: str, siret: str) -> Company | None:
    return await session.scalar(
        select(Company).where(Company.tenant_id == tenant_id, Company.siret == siret)
    )


async def last_versions(
    session: AsyncSession, *, principal: Principal
) -> Sequence[tuple[Company, int | None, datetime | None]]:
    """Each visible company with the number and date of its last DUERP version (if any)."""
    from assessment.versions.models import DocumentVersion

    last = (
        select(
            DocumentVersion.company_id,
            func.max(DocumentVersion.number).label("number"),
            func.max(DocumentVersion.published_at).label("published_at"),
        )
        .where(DocumentVersion.kind == "duerp")
        .group_by(DocumentVersion.company_id)
        .subquery()
    )
    query = (
        _visible(principal)
        .add_columns(last.c.number, last.c.published_at)
        .outerjoin(last, last.c.company_id == Company.id)
        .order_by(Company.name)
    )
    return [(row[0], row[1], row[2]) for row in await session.execute(query)]
