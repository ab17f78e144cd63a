"""Keep track of the thesaurus versions published (fed by ``thesaurus.version-published``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.reference.models import KnownCodeSystemVersion
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


async def list_known(
    session: AsyncSession, *, code_system: str | None = None
) -> Sequence[KnownCodeSystemVersion]:
    query = select(KnownCodeSystemVersion).order_by(
        KnownCodeSystemVersion.code_system, KnownCodeSystemVersion.published_at
    )
    if code_system:
        query = query.where(KnownCodeSystemVersion.code_system == code_system)
    return (await session.scalars(query)).all()
