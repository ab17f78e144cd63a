"""A tenant's reporting settings: the key of its establishment pseudonyms."""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.db.rows import get_or_create
from reporting.tenancy.models import TenantSettings


async def settings_of(session: AsyncSession, tenant_id: str) -> TenantSettings:
    """The tenant's settings, created with a fresh random key on first use."""
    return await get_or_create(
        session,
        TenantSettings,
        where={"tenant_id": tenant_id},
        defaults=lambda: {"pseudonym_key": secrets.token_bytes(32)},
    )
