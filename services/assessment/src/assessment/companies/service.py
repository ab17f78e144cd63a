"""Use cases on member companies.

Registering a company, or changing its sector or headcount, puts the company-registered
aggregate (the indicators' denominators: no name, no SIRET) in the outbox, in the same
transaction as the write.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies import repository
from assessment.companies.models import Company
from assessment.companies.schemas import CompanyCreate, CompanyUpdate
from assessment.domain.siret import InvalidSiret, normalise_siret, siren_of
from assessment.reference.service import resolve_flags
from assessment.tenancy.service import settings_of
from cosar_common import clock
from cosar_common.auth import Principal
from cosar_common.errors import Conflict, NotFound, RuleViolation
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.assessment import CompanyRegistered
from cosar_common.events.outbox import OutboxWriter
from cosar_common.thesaurus_client import ThesaurusClient, require_code
from cosar_common.vocabulary import NAF, size_band


async def _naf(client: ThesaurusClient, code: str) -> str:
    concept = await require_code(client, NAF, code, field="body.naf_code")
    if concept.value("level") not in (None, 5):
        raise RuleViolation(
            f"Le code NAF d'une entreprise est une sous-classe (ex. 10.71C), pas « {code} ».",
            code="naf_not_subclass",
            errors=[{"field": "body.naf_code", "message": "Sous-classe NAF attendue."}],
        )
    return concept.code


async def emit_registered(
    session: AsyncSession, *, outbox: OutboxWriter, company: Company, today: date
) -> None:
    """Put the company-registered aggregate of ``company`` in the outbox."""
    key = (await settings_of(session, company.tenant_id)).pseudonym_key
    payload = CompanyRegistered(
        company=pseudonym(key, company.id),
        naf_code=company.naf_code,
        size_band=size_band(company.headcount),
        headcount=company.headcount,
        registered_on=today,
    )
    await outbox.add(session, payload, tenant_id=company.tenant_id)


async def create(
    session: AsyncSession,
    *,
    principal: Principal,
    data: CompanyCreate,
    client: ThesaurusClient,
    outbox: OutboxWriter,
    today: date,
) -> Company:
    """Register a member company in the caller's tenant (the tenant comes from the token)."""
    assert principal.tenant_id is not None  # guaranteed by the route's roles
    try:
        siret = normalise_siret(data.siret)
    except InvalidSiret as exc:
        raise RuleViolation(
            str(exc), code="invalid_siret", errors=[{"field": "body.siret", "message": str(exc)}]
        ) from exc
    naf_code = await _naf(client, data.naf_code)
    if await repository.get_by_siret(session, tenant_id=principal.tenant_id, siret=siret):
        raise Conflict("Une entreprise avec ce SIRET est déjà adhérente.", code="siret_exists")
    company = Company(
        tenant_id=principal.tenant_id,
        name=data.name,
        siret=siret,
        siren=siren_of(siret),
        address=data.address,
        naf_code=naf_code,
        headcount=data.headcount,
        has_cse=data.has_cse,
    )
    session.add(company)
    await session.flush()
    await emit_registered(session, outbox=outbox, company=company, today=today)
    return company


async def get(session: AsyncSession, *, principal: Principal, company_id: uuid.UUID) -> Company:
    """The company if the caller may see it; 404 otherwise (another tenant's id included)."""
    company = await repository.get(session, principal=principal, company_id=company_id)
    if company is None:
        raise NotFound("Entreprise introuvable.")
    return company


async def update(
    session: AsyncSession,
    *,
    principal: Principal,
    company_id: uuid.UUID,
    data: CompanyUpdate,
    client: ThesaurusClient,
    outbox: OutboxWriter,
    today: date,
) -> Company:
    """Change a company's description (an employer only its own; staff their tenant's).

    A new sector or headcount is announced again to the indicators.
    """
    company = await get(session, principal=principal, company_id=company_id)
    if data.naf_code is not None and data.naf_code != company.naf_code:
        company.naf_code = await _naf(client, data.naf_code)
        await resolve_flags(session, company.id, NAF)
    for name in ("name", "address", "headcount", "has_cse"):
        value = getattr(data, name)
        if value is not None:
            setattr(company, name, value)
    company.updated_at = clock.system_now()
    await session.flush()
    if data.naf_code is not None or data.headcount is not None:
        await emit_registered(session, outbox=outbox, company=company, today=today)
    return company


async def list_visible(session: AsyncSession, *, principal: Principal) -> Sequence[Company]:
    return await repository.list_visible(session, principal=principal)
