"""A tenant's reporting settings: the key of its establishment pseudonyms."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.tenancy.models import TenantSettings


async def settings_of(session: AsyncSession, tenant_id: str) -> TenantSettings:
    """The tenant's settings, created with a fresh random key on first use."""
    found = await session.scalar(
        select(TenantSettings).where(TenantSettings.tenant_id == tenant_id)
    )
    if found is not None:
        return found
    await session.execute(
        insert(TenantSettings)
        .values(tenant_id=tenant_id, pseudonym_key=secrets.token_bytes(32))
        .on_conflict_do_nothing()
    )
    found = await session.scalar(
        select(TenantSettings).where(TenantSettings.tenant_id == tenant_id)
    )
    assert found is not None
    return found
