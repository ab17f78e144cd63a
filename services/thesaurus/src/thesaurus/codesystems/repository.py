"""Queries on code systems. Repositories only ``flush()``; the request commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion, Concept, VersionStatus


async def get_system(session: AsyncSession, *, name: str) -> CodeSystem | None:
    return await session.scalar(select(CodeSystem).where(CodeSystem.name == name))


async def get_version(
    session: AsyncSession, *, system: CodeSystem, version: str, for_update: bool = False
) -> CodeSystemVersion | None:
    query = select(CodeSystemVersion).where(
        CodeSystemVersion.code_system_id == system.id, CodeSystemVersion.version == version
    )
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def latest_published(
    session: AsyncSession, *, system: CodeSystem
) -> CodeSystemVersion | None:
    return await session.scalar(
        select(CodeSystemVersion)
        .where(
            CodeSystemVersion.code_system_id == system.id,
            CodeSystemVersion.status == VersionStatus.PUBLISHED.value,
        )
        .order_by(CodeSystemVersion.published_at.desc())
        .limit(1)
    )


async def concepts_of(session: AsyncSession, *, version: CodeSystemVersion) -> Sequence[Concept]:
    result = await session.scalars(
        select(Concept).where(Concept.version_id == version.id).order_by(Concept.code)
    )
    return result.all()
