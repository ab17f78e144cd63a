"""Keep track of the thesaurus versions published (fed by ``thesaurus.version-published``)
and of the codes in use that they deprecated: flagged here, resolved when the code is replaced."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.reference.models import CodeFlag, KnownCodeSystemVersion
from cosar_common import clock
from cosar_common.events import RawEnvelope, VersionPublished


async def record_published_version(
    session: AsyncSession, payload: VersionPublished, envelope: RawEnvelope
) -> None:
    session.add(
        KnownCodeSystemVersion(
            code_system=payload.code_system,
            code_system_url=payload.code_system_url,
            version=payload.version,
            concept_count=payload.concept_count,
            diff=payload.diff.model_dump(mode="json"),
            event_id=envelope.event_id,
            published_at=envelope.occurred_at,
        )
    )
    await session.flush()
    await flag_deprecated_codes(session, payload)


async def flag_deprecated_codes(session: AsyncSession, payload: VersionPublished) -> int:
    """Flag the open DUERPs of every tenant that use a code this version deprecated.

    Published versions are left as they are (they froze the code with its label); the open
    DUERP shows a warning with the suggested replacement until someone changes the code. The
    event belongs to no tenant, so this goes through the one SECURITY DEFINER function made
    for it (migration 0002), which only adds flags.
    """
    if not payload.diff.deprecated:
        return 0
    codes = [{"code": d.code, "replaced_by": d.replaced_by} for d in payload.diff.deprecated]
    flagged = await session.scalar(
        text("SELECT assessment_flag_deprecated_codes(:system, :version, CAST(:codes AS jsonb))"),
        {"system": payload.code_system, "version": payload.version, "codes": json.dumps(codes)},
    )
    return int(flagged or 0)


async def list_known(
    session: AsyncSession, *, code_system: str | None = None
) -> Sequence[KnownCodeSystemVersion]:
    query = select(KnownCodeSystemVersion).order_by(
        KnownCodeSystemVersion.code_system, KnownCodeSystemVersion.published_at
    )
    if code_system:
        query = query.where(KnownCodeSystemVersion.code_system == code_system)
    return (await session.scalars(query)).all()


async def open_flags(session: AsyncSession, company_id: uuid.UUID) -> Sequence[CodeFlag]:
    query = (
        select(CodeFlag)
        .where(CodeFlag.company_id == company_id, CodeFlag.resolved_at.is_(None))
        .order_by(CodeFlag.flagged_at, CodeFlag.code)
    )
    return (await session.scalars(query)).all()


async def resolve_flags(session: AsyncSession, entity_id: uuid.UUID, system: str) -> None:
    """A code was replaced on ``entity_id``: its deprecation warnings are done with."""
    await session.execute(
        update(CodeFlag)
        .where(
            CodeFlag.entity_id == entity_id,
            CodeFlag.code_system == system,
            CodeFlag.resolved_at.is_(None),
        )
        .values(resolved_at=clock.system_now())
    )
