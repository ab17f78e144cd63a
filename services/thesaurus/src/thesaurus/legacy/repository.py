"""Queries of the legacy-mapping feature (RLS keeps every tenant to its own rows)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion
from thesaurus.conceptmaps.models import ConceptMap, ConceptMapElement


async def get_map(
    session: AsyncSession, *, source: CodeSystem, target: CodeSystem
) -> ConceptMap | None:
    return await session.scalar(
        select(ConceptMap).where(
            ConceptMap.source_system == source.url, ConceptMap.target_system == target.url
        )
    )


async def elements(
    session: AsyncSession, *, concept_map: ConceptMap
) -> Sequence[ConceptMapElement]:
    return (
        await session.scalars(
            select(ConceptMapElement)
            .where(ConceptMapElement.map_id == concept_map.id)
            .order_by(ConceptMapElement.source_code, ConceptMapElement.id)
        )
    ).all()


async def replace_elements(
    session: AsyncSession,
    *,
    concept_map: ConceptMap,
    source_code: str,
    new: Sequence[ConceptMapElement],
) -> None:
    await session.execute(
        delete(ConceptMapElement).where(
            ConceptMapElement.map_id == concept_map.id,
            ConceptMapElement.source_code == source_code,
        )
    )
    session.add_all(new)
    await session.flush()


_SUGGEST = text(
    """
    SELECT code, display,
           similarity(thesaurus_fold(display), thesaurus_fold(:label)) AS score
    FROM concept
    WHERE version_id = :version AND status = 'active'
      AND thesaurus_fold(display) % thesaurus_fold(:label)
    ORDER BY score DESC, level DESC NULLS LAST, code
    LIMIT :limit
    """
)


async def suggest(
    session: AsyncSession, *, target: CodeSystemVersion, label: str, limit: int
) -> list[tuple[str, str, float]]:
    """Shared concepts whose label resembles ``label`` (trigram similarity, accent-blind)."""
    # A loose threshold: a suggestion list is for a person to choose from.
    await session.execute(text("SET LOCAL pg_trgm.similarity_threshold = 0.2"))
    rows = await session.execute(_SUGGEST, {"version": target.id, "label": label, "limit": limit})
    return [(row.code, row.display, float(row.score)) for row in rows]
