"""The search query. Row-level security decides what the caller sees: ``thesaurus_search``
(migration 0003) answers only for versions the caller may read, and its hits are joined back
to ``concept`` under RLS; nothing here filters by tenant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion, VersionStatus
from thesaurus.search.query import SearchTerms


@dataclass(frozen=True)
class SearchedVersion:
    id: uuid.UUID
    system: str
    system_url: str
    version: str


@dataclass(frozen=True)
class Hit:
    version_id: uuid.UUID
    code: str
    display: str
    level: int | None
    status: str
    rank_class: int
    score: float


async def latest_published_versions(session: AsyncSession) -> list[SearchedVersion]:
    """The latest published version of every system the caller can see."""
    rows = await session.execute(
        select(CodeSystemVersion.id, CodeSystem.name, CodeSystem.url, CodeSystemVersion.version)
        .join(CodeSystem, CodeSystem.id == CodeSystemVersion.code_system_id)
        .where(CodeSystemVersion.status == VersionStatus.PUBLISHED.value)
        .distinct(CodeSystemVersion.code_system_id)
        .order_by(CodeSystemVersion.code_system_id, CodeSystemVersion.published_at.desc())
    )
    return [SearchedVersion(id=r[0], system=r[1], system_url=r[2], version=r[3]) for r in rows]


# One statement: candidates from the index function, joined back to concept (RLS), filtered,
# counted and paged. The LEFT JOIN LATERAL keeps the total when the page is past the end.
_SEARCH = text(
    """
    WITH hits AS (
        SELECT c.id, c.version_id, c.code, c.display, c.level, c.status,
               h.hit_class, h.hit_score
        FROM thesaurus_search(
            CAST(:versions AS uuid[]), :text, :code, :code_prefix, :words, :fuzzy
        ) AS h
        JOIN concept AS c ON c.id = h.hit_id
        WHERE (CAST(:level AS integer) IS NULL OR c.level = CAST(:level AS integer))
          AND (CAST(:active AS boolean) IS NULL
               OR (c.status = 'active') = CAST(:active AS boolean))
    )
    SELECT t.total, p.*
    FROM (SELECT count(*) AS total FROM hits) AS t
    LEFT JOIN LATERAL (
        SELECT * FROM hits
        ORDER BY hit_class, hit_score DESC, length(display), level NULLS LAST, code, id
        LIMIT :limit OFFSET :offset
    ) AS p ON true
    """
)


async def search(
    session: AsyncSession,
    *,
    versions: Sequence[uuid.UUID],
    terms: SearchTerms,
    level: int | None,
    active: bool | None,
    limit: int,
    offset: int,
) -> tuple[int, list[Hit]]:
    """Total number of matching concepts and the requested page, best first."""
    rows = (
        await session.execute(
            _SEARCH,
            {
                "versions": list(versions),
                "text": terms.text,
                "code": terms.code,
                "code_prefix": terms.code_prefix,
                "words": terms.words,
                "fuzzy": terms.fuzzy,
                "level": level,
                "active": active,
                "limit": limit,
                "offset": offset,
            },
        )
    ).all()
    total = int(rows[0].total) if rows else 0
    hits = [
        Hit(
            version_id=row.version_id,
            code=row.code,
            display=row.display,
            level=row.level,
            status=row.status,
            rank_class=int(row.hit_class),
            score=float(row.hit_score),
        )
        for row in rows
        if row.id is not None
    ]
    return total, hits
