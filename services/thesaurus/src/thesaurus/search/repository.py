"""The search query. Row-level security decides what the caller sees: ``thesaurus_search_page``
(migration 0005) answers only for versions the caller may read, and the page it returns is
joined back to ``concept`` under RLS; nothing here filters by tenant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.search.query import SearchTerms


@dataclass(frozen=True)
class Hit:
    system: str
    system_url: str
    version: str
    code: str
    display: str
    level: int | None
    status: str
    rank_class: int
    score: float


# One statement: the versions searched (given, or the latest published version of every
# system the caller can see), the total and the page from the index function, and the page's
# concepts read back from ``concept`` (RLS). The LEFT JOINs keep the total when the page is
# past the end.
_SEARCH = text(
    """
    WITH searched AS MATERIALIZED (
        SELECT DISTINCT ON (v.code_system_id) v.id, s.name, s.url, v.version
        FROM code_system_version AS v
        JOIN code_system AS s ON s.id = v.code_system_id
        WHERE CASE WHEN CAST(:versions AS uuid[]) IS NULL THEN v.status = 'published'
                   ELSE v.id = ANY(CAST(:versions AS uuid[])) END
        ORDER BY v.code_system_id, v.published_at DESC
    )
    SELECT p.total, p.hit_class, p.hit_score, c.code, c.display, c.level, c.status,
           v.name, v.url, v.version
    FROM thesaurus_search_page(
        ARRAY(SELECT id FROM searched), :text, :code, :code_prefix, :words, :fuzzy,
        :fuzzy_below, :level, :active, :limit, :offset
    ) AS p
    LEFT JOIN concept AS c ON c.id = p.hit_id
    LEFT JOIN searched AS v ON v.id = c.version_id
    ORDER BY p.hit_position
    """
)


async def search(
    session: AsyncSession,
    *,
    versions: Sequence[uuid.UUID] | None,
    terms: SearchTerms,
    fuzzy_below: int,
    level: int | None,
    active: bool | None,
    limit: int,
    offset: int,
) -> tuple[int, list[Hit]]:
    """Total number of matching concepts and the requested page, best first.

    ``versions`` None searches the latest published version of every visible system. Close
    spellings (``terms.fuzzy``) are searched only when codes, labels and words find fewer
    than ``fuzzy_below`` concepts.
    """
    rows = (
        await session.execute(
            _SEARCH,
            {
                "versions": None if versions is None else list(versions),
                "text": terms.text,
                "code": terms.code,
                "code_prefix": terms.code_prefix,
                "words": terms.words,
                "fuzzy": terms.fuzzy,
                "fuzzy_below": fuzzy_below,
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
            system=row.name,
            system_url=row.url,
            version=row.version,
            code=row.code,
            display=row.display,
            level=row.level,
            status=row.status,
            rank_class=int(row.hit_class),
            score=float(row.hit_score),
        )
        for row in rows
        if row.code is not None
    ]
    return total, hits
