"""Read queries of the FHIR operations that the code-system repository does not cover.

Row-level security decides what the caller sees, as everywhere: nothing here filters by tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.domain.codes import normalise_code


@dataclass(frozen=True)
class LookedUpConcept:
    code: str
    display: str
    synonyms: list[str]
    level: int | None
    status: str
    replaced_by: list[str]
    properties: list[dict[str, Any]]
    parents: list[str]
    children: list[str]


@dataclass(frozen=True)
class LookedUp:
    """What ``$lookup`` found: the system, and its version and concept when they exist."""

    system_url: str
    system_name: str
    system_title: str
    version: str | None
    version_status: str | None
    concept: LookedUpConcept | None


# The system (by URL, or by name when ``by_name``: a tenant's own system shadows a shared
# namesake), its version (the latest published one by default), the concept (exact code first,
# then any common writing of it) and its direct parents and children: one round trip.
_LOOKUP = text(
    """
    WITH sys AS (
        SELECT s.id, s.url, s.name, s.title FROM code_system AS s
        WHERE s.url = :ref OR (:by_name AND s.name = :ref)
        ORDER BY s.url = :ref DESC, s.tenant_id NULLS LAST
        LIMIT 1
    ),
    ver AS (
        SELECT v.id, v.version, v.status FROM code_system_version AS v
        WHERE v.code_system_id = (SELECT id FROM sys)
          AND CASE WHEN CAST(:version AS text) IS NULL THEN v.status = 'published'
                   ELSE v.version = CAST(:version AS text) END
        ORDER BY v.published_at DESC
        LIMIT 1
    ),
    con AS (
        SELECT c.code, c.display, c.synonyms, c.level, c.status, c.replaced_by, c.properties
        FROM concept AS c
        WHERE c.version_id = (SELECT id FROM ver)
          AND (c.code = :code OR c.norm_code = :norm_code)
        ORDER BY c.code = :code DESC, c.id
        LIMIT 1
    )
    SELECT sys.url, sys.name, sys.title, ver.version, ver.status AS version_status, con.*,
           ARRAY(SELECT p.parent_code FROM concept_parent AS p
                 WHERE p.version_id = ver.id AND p.code = con.code
                 ORDER BY p.parent_code) AS parents,
           ARRAY(SELECT p.code FROM concept_parent AS p
                 WHERE p.version_id = ver.id AND p.parent_code = con.code
                 ORDER BY p.code) AS children
    FROM sys
    LEFT JOIN ver ON true
    LEFT JOIN con ON true
    """
).columns(properties=JSONB)


async def lookup(
    session: AsyncSession, *, ref: str, by_name: bool, version: str | None, code: str
) -> LookedUp | None:
    """The concept ``code`` of system ``ref``; None when there is no such system."""
    row = (
        await session.execute(
            _LOOKUP,
            {
                "ref": ref,
                "by_name": by_name,
                "version": version,
                "code": code,
                "norm_code": normalise_code(code),
            },
        )
    ).first()
    if row is None:
        return None
    concept = (
        None
        if row.code is None
        else LookedUpConcept(
            code=row.code,
            display=row.display,
            synonyms=list(row.synonyms or ()),
            level=row.level,
            status=row.status,
            replaced_by=list(row.replaced_by or ()),
            properties=list(row.properties or ()),
            parents=list(row.parents),
            children=list(row.children),
        )
    )
    return LookedUp(
        system_url=row.url,
        system_name=row.name,
        system_title=row.title,
        version=row.version,
        version_status=row.version_status,
        concept=concept,
    )
