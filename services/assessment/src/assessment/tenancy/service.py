"""A tenant's settings: its rating method and the key of its company pseudonyms."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.domain.rating import DEFAULT_METHOD, RatingError, RatingMethod, get_method
from assessment.domain.snapshot import MethodBand
from assessment.tenancy.models import TenantSettings
from cosar_common.db.rows import get_or_create
from cosar_common.errors import RuleViolation


async def settings_of(session: AsyncSession, tenant_id: str) -> TenantSettings:
    """The tenant's settings, created with the defaults (and a fresh random key) if absent."""
    return await get_or_create(
        session,
        TenantSettings,
        where={"tenant_id": tenant_id},
        defaults=lambda: {
            "rating_method": DEFAULT_METHOD,
            "bands": [],
            "pseudonym_key": secrets.token_bytes(32),
        },
    )


async def display_name_of(session: AsyncSession, tenant_id: str) -> str:
    """The SPSTI's name as documents print it, or its id when no name is known yet.

    Read only (no settings row is created by an export). The name is set by the demo loader
    today; the directory service will own it later.
    """
    name = await session.scalar(
        select(TenantSettings.display_name).where(TenantSettings.tenant_id == tenant_id)
    )
    return name or tenant_id


async def set_display_name(session: AsyncSession, *, tenant_id: str, name: str) -> None:
    """Record the SPSTI's name (from the demo data until the directory announces tenants)."""
    settings = await settings_of(session, tenant_id)
    if settings.display_name != name:
        settings.display_name = name
        await session.flush()


def method_of(settings: TenantSettings) -> RatingMethod:
    method = get_method(settings.rating_method)
    if settings.bands:
        method = method.with_bands([MethodBand.model_validate(b) for b in settings.bands])
    return method


async def rating_method(session: AsyncSession, tenant_id: str) -> RatingMethod:
    return method_of(await settings_of(session, tenant_id))


async def set_rating_method(
    session: AsyncSession,
    *,
    tenant_id: str,
    key: str,
    bands: list[MethodBand] | None,
    actor: str,
) -> RatingMethod:
    """Change the tenant's method (applies to ratings made from now on; published versions
    keep the method they were made with)."""
    settings = await settings_of(session, tenant_id)
    try:
        method = get_method(key)
        if bands:
            method = method.with_bands(bands)
    except RatingError as exc:
        raise rating_violation(exc) from exc
    settings.rating_method = key
    settings.bands = [b.model_dump(mode="json") for b in bands or []]
    settings.updated_by = actor
    await session.flush()
    return method


def rating_violation(exc: RatingError) -> RuleViolation:
    field = f"body.rating.{exc.field}" if exc.field else "body.rating"
    return RuleViolation(
        exc.message, code=exc.code, errors=[{"field": field, "message": exc.message}]
    )
