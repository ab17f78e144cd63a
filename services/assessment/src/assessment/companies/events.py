"""The company-registered aggregate: the indicators' denominators (no name, no SIRET)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from assessment.tenancy.service import settings_of
from cosar_common.events.aggregates import pseudonym, size_band
from cosar_common.events.assessment import CompanyRegistered
from cosar_common.events.outbox import OutboxWriter


async def emit_registered(
    session: AsyncSession, *, outbox: OutboxWriter, company: Company, today: date
) -> None:
    key = (await settings_of(session, company.tenant_id)).pseudonym_key
    payload = CompanyRegistered(
        company=pseudonym(key, company.id),
        naf_code=company.naf_code,
        size_band=size_band(company.headcount),
        headcount=company.headcount,
        registered_on=today,
    )
    await outbox.add(session, payload, tenant_id=company.tenant_id)
