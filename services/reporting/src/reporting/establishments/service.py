"""Establishments: registered from a member company the caller may see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.auth import Principal
from cosar_common.errors import Conflict, NotFound
from reporting.clients import AssessmentClient
from reporting.establishments.models import Establishment


def _visible(principal: Principal) -> Select[tuple[Establishment]]:
    """RLS keeps other tenants out; employers see only their companies' establishments."""
    query = select(Establishment).where(Establishment.tenant_id == principal.tenant_id)
    if principal.is_company_scoped:
        query = query.where(Establishment.company_id.in_(principal.company_ids))
    return query


async def register(
    session: AsyncSession,
    *,
    principal: Principal,
    company_id: uuid.UUID,
    token: str,
    assessment: AssessmentClient,
) -> Establishment:
    assert principal.tenant_id is not None
    if not principal.may_see_company(company_id):
        raise NotFound("Entreprise introuvable.", code="company_not_found")
    company = await assessment.company(company_id, token=token)
    existing = await session.scalar(
        select(Establishment).where(Establishment.company_id == company_id)
    )
    if existing is not None:
        raise Conflict("Cet établissement est déjà enregistré.", code="establishment_exists")
    establishment = Establishment(
        tenant_id=principal.tenant_id,
        company_id=company.id,
        company_pseudonym=company.pseudonym,
        name=company.name,
        siret=company.siret,
        naf_code=company.naf_code,
    )
    session.add(establishment)
    await session.flush()
    return establishment


async def get(
    session: AsyncSession, *, principal: Principal, establishment_id: uuid.UUID
) -> Establishment:
    found = await session.scalar(_visible(principal).where(Establishment.id == establishment_id))
    if found is None:
        raise NotFound("Établissement introuvable.")
    return found


async def list_visible(session: AsyncSession, *, principal: Principal) -> Sequence[Establishment]:
    return (await session.scalars(_visible(principal).order_by(Establishment.name))).all()
