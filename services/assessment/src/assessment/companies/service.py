"""Use cases on member companies."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies import repository
from assessment.companies.models import Company
from assessment.companies.schemas import CompanyCreate
from assessment.domain.siret import InvalidSiret, normalise_siret, siren_of
from cosar_common.auth import Principal
from cosar_common.errors import Conflict, NotFound, RuleViolation


async def create(session: AsyncSession, *, principal: Principal, data: CompanyCreate) -> Company:
    """Register a member company in the caller's tenant (the tenant comes from the token)."""
    assert principal.tenant_id is not None  # guaranteed by the route's roles
    try:
        siret = normalise_siret(data.siret)
    except InvalidSiret as exc:
        raise RuleViolation(
            str(exc), code="invalid_siret", errors=[{"field": "body.siret", "message": str(exc)}]
        ) from exc
    if await repository.get_by_siret(session, tenant_id=principal.tenant_id, siret=siret):
        raise Conflict("Une entreprise avec ce SIRET est déjà adhérente.", code="siret_exists")
    company = Company(
        tenant_id=principal.tenant_id,
        name=data.name,
        siret=siret,
        siren=siren_of(siret),
        naf_code=data.naf_code,
        headcount=data.headcount,
        has_cse=data.has_cse,
    )
    session.add(company)
    await session.flush()
    return company


async def get(session: AsyncSession, *, principal: Principal, company_id: uuid.UUID) -> Company:
    """The company if the caller may see it; 404 otherwise (another tenant's id included)."""
    company = await repository.get(session, principal=principal, company_id=company_id)
    if company is None:
        raise NotFound("Entreprise introuvable.")
    return company


async def list_visible(session: AsyncSession, *, principal: Principal) -> Sequence[Company]:
    return await repository.list_visible(session, principal=principal)
