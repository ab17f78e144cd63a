"""Demo data: the fictitious SPSTI and member companies of ``deploy/demo/demo-data.json``.

Each tenant's ``name`` becomes its display name in this service's settings (printed by the
DUERP exports): there is no tenant registry yet; the directory service will own the names and
announce them by events later.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

from sqlalchemy import select

from assessment.companies.models import Company
from assessment.companies.service import emit_registered
from assessment.domain.siret import siren_of
from assessment.tenancy.service import set_display_name
from cosar_common import clock
from cosar_common.db import TenantContext, make_engine, make_session_factory, transaction
from cosar_common.events.outbox import OutboxWriter


async def load_demo(database_url: str, demo_file: Path) -> int:
    """Record each demo tenant's name and create the demo companies that do not exist yet;
    return how many companies were created."""
    data = json.loads(await asyncio.to_thread(demo_file.read_text, encoding="utf-8"))
    engine = make_engine(database_url, pool_size=2, application_name="assessment-demo")
    factory = make_session_factory(engine)
    created = 0
    outbox = OutboxWriter(producer="assessment")
    today = clock.today()
    try:
        for tenant in data["tenants"]:
            context = TenantContext.system(tenant["tenant_id"])
            async with transaction(factory, context) as session:
                if tenant.get("name"):
                    await set_display_name(
                        session, tenant_id=tenant["tenant_id"], name=tenant["name"]
                    )
                for item in tenant["companies"]:
                    company_id = uuid.UUID(item["id"])
                    if await session.scalar(select(Company.id).where(Company.id == company_id)):
                        continue
                    company = Company(
                        id=company_id,
                        tenant_id=tenant["tenant_id"],
                        name=item["name"],
                        siret=item["siret"],
                        siren=siren_of(item["siret"]),
                        address=item.get("city", ""),
                        naf_code=item["naf"],
                        headcount=item["headcount"],
                        has_cse=item["headcount"] >= 11,
                    )
                    session.add(company)
                    await session.flush()
                    # Relayed once the service runs: the indicators count the member companies.
                    await emit_registered(session, outbox=outbox, company=company, today=today)
                    created += 1
    finally:
        await engine.dispose()
    return created
