"""Company queries. RLS already hides other tenants; the company filter for employer tokens is
applied here too, so the rule reads in one place and holds even without the database policy."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from cosar_common.auth import Principal


def visible(principal: Principal) -> Select[tuple[Company]]:
    """The companies ``principal`` may see, as a query to refine (versions.last_versions too)."""
    query = select(Company).where(Company.tenant_id == principal.tenant_id)
    if principal.is_company_scoped:
        query = query.where(Company.id.in_(principal.company_ids))
    return query


async def get(
    session: AsyncSession, *, principal: Principal, company_id: uuid.UUID
) -> Company | None:
    return await session.scalar(visible(principal).where(Company.id == company_id))


async def list_visible(session: AsyncSession, *, principal: Principal) -> Sequence[Company]:
    return (await session.scalars(visible(principal).order_by(Company.name))).all()


async def get_by_siret(session: AsyncSession, *, tenant_id: str, siret: str) -> Company | None:
    return await session.scalar(
        select(Company).where(Company.tenant_id == tenant_id, Company.siret == siret)
    )
