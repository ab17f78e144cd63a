"""Queries on code systems. Repositories only ``flush()``; the request commits.

Row-level security already limits what a tenant sees (shared systems + its own); the queries
here never add a tenant filter of their own for reads, and set ``tenant_id`` on writes.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.codesystems.models import (
    CodeSystem,
    CodeSystemVersion,
    Concept,
    ConceptParent,
    VersionStatus,
)
from thesaurus.domain.codes import normalise_code
from thesaurus.domain.model import ConceptData, ConceptStatus, Property


async def get_system(
    session: AsyncSession, *, name: str | None = None, url: str | None = None
) -> CodeSystem | None:
    """A system by name or canonical URL. A tenant's own system shadows a shared namesake."""
    query = select(CodeSystem)
    query = query.where(CodeSystem.url == url) if url else query.where(CodeSystem.name == name)
    rows = (await session.scalars(query.order_by(CodeSystem.tenant_id.nulls_last()))).all()
    return rows[0] if rows else None


@functools.cache
def _find_version_query(
    by_url: bool, by_name: bool, latest: bool
) -> Select[tuple[CodeSystem, CodeSystemVersion]]:
    """Built once per shape: constructing the statement cost more than running it."""
    ref = bindparam("ref", type_=String)
    wanted = (
        CodeSystemVersion.status == VersionStatus.PUBLISHED.value
        if latest
        else CodeSystemVersion.version == bindparam("version", type_=String)
    )
    matches = [CodeSystem.url == ref] if by_url else []
    matches += [CodeSystem.name == ref] if by_name else []
    return (
        select(CodeSystem, CodeSystemVersion)
        .outerjoin(
            CodeSystemVersion, and_(CodeSystemVersion.code_system_id == CodeSystem.id, wanted)
        )
        .where(or_(false(), *matches))
        .order_by(
            # A match by URL first, then the tenant's own system, then the latest version.
            *([(CodeSystem.url == ref).desc()] if by_url and by_name else []),
            CodeSystem.tenant_id.nulls_last(),
            CodeSystemVersion.published_at.desc(),
        )
        .limit(1)
    )


async def find_version(
    session: AsyncSession,
    *,
    ref: str,
    by_url: bool,
    by_name: bool,
    version: str | None,
) -> tuple[CodeSystem | None, CodeSystemVersion | None]:
    """A system and one of its versions in one query (the hot path of every FHIR operation).

    The system whose canonical URL (``by_url``) or else name (``by_name``) is ``ref``; a
    tenant's own system shadows a shared namesake. Its version ``version``, or its latest
    published one when None. (system, None) when the system has no such version.
    """
    query = _find_version_query(by_url, by_name, version is None)
    params = {"ref": ref} if version is None else {"ref": ref, "version": version}
    row = (await session.execute(query, params)).first()
    return (None, None) if row is None else (row[0], row[1])


async def list_systems(session: AsyncSession) -> Sequence[CodeSystem]:
    return (await session.scalars(select(CodeSystem).order_by(CodeSystem.name))).all()


async def get_version(
    session: AsyncSession, *, system: CodeSystem, version: str, for_update: bool = False
) -> CodeSystemVersion | None:
    query = select(CodeSystemVersion).where(
        CodeSystemVersion.code_system_id == system.id, CodeSystemVersion.version == version
    )
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_versions(
    session: AsyncSession, *, system: CodeSystem
) -> Sequence[CodeSystemVersion]:
    return (
        await session.scalars(
            select(CodeSystemVersion)
            .where(CodeSystemVersion.code_system_id == system.id)
            .order_by(CodeSystemVersion.created_at)
        )
    ).all()


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


def concepts_query(version: CodeSystemVersion) -> Select[tuple[Concept]]:
    return select(Concept).where(Concept.version_id == version.id)


async def concepts_of(session: AsyncSession, *, version: CodeSystemVersion) -> Sequence[Concept]:
    return (await session.scalars(concepts_query(version).order_by(Concept.code))).all()


async def get_concept(
    session: AsyncSession, *, version: CodeSystemVersion, code: str
) -> Concept | None:
    exact = await session.scalar(concepts_query(version).where(Concept.code == code))
    if exact is not None:
        return exact
    # Users write codes in several ways (62.01Z, 6201Z): fall back to the normalised form.
    return await session.scalar(
        concepts_query(version).where(Concept.norm_code == normalise_code(code)).limit(1)
    )


async def parents_by_code(
    session: AsyncSession, *, version: CodeSystemVersion
) -> dict[str, list[str]]:
    rows = await session.execute(
        select(ConceptParent.code, ConceptParent.parent_code)
        .where(ConceptParent.version_id == version.id)
        .order_by(ConceptParent.code, ConceptParent.parent_code)
    )
    parents: dict[str, list[str]] = {}
    for code, parent in rows:
        parents.setdefault(code, []).append(parent)
    return parents


def _property_json(prop: Property) -> dict[str, Any]:
    return {
        "code": prop.code,
        "value": prop.value,
        "valid_from": prop.valid_from.isoformat() if prop.valid_from else None,
        "valid_to": prop.valid_to.isoformat() if prop.valid_to else None,
    }


def properties_from_json(raw: list[dict[str, Any]]) -> tuple[Property, ...]:
    return tuple(
        Property(
            code=p["code"],
            value=p["value"],
            valid_from=date.fromisoformat(p["valid_from"]) if p.get("valid_from") else None,
            valid_to=date.fromisoformat(p["valid_to"]) if p.get("valid_to") else None,
        )
        for p in raw
    )


def to_data(concept: Concept, parents: Sequence[str]) -> ConceptData:
    return ConceptData(
        code=concept.code,
        display=concept.display,
        parents=tuple(parents),
        level=concept.level,
        synonyms=tuple(concept.synonyms or ()),
        status=ConceptStatus(concept.status),
        replaced_by=tuple(concept.replaced_by or ()),
        properties=properties_from_json(concept.properties or []),
    )


async def insert_concepts(
    session: AsyncSession,
    *,
    version: CodeSystemVersion,
    concepts: Sequence[ConceptData],
    chunk: int = 5000,
) -> None:
    """Bulk insert (executemany) of concepts and their parent edges into a draft version."""
    rows = [
        {
            "version_id": version.id,
            "tenant_id": version.tenant_id,
            "code": c.code,
            "norm_code": normalise_code(c.code),
            "display": c.display,
            "level": c.level,
            "synonyms": list(c.synonyms),
            "status": c.status.value,
            "replaced_by": list(c.replaced_by),
            "properties": [_property_json(p) for p in c.properties],
        }
        for c in concepts
    ]
    edges = [
        {
            "version_id": version.id,
            "tenant_id": version.tenant_id,
            "code": c.code,
            "parent_code": parent,
        }
        for c in concepts
        for parent in dict.fromkeys(c.parents)
    ]
    for start in range(0, len(rows), chunk):
        await session.execute(insert(Concept), rows[start : start + chunk])
    for start in range(0, len(edges), chunk):
        await session.execute(insert(ConceptParent), edges[start : start + chunk])


async def delete_concept(session: AsyncSession, *, version: CodeSystemVersion, code: str) -> None:
    """Remove a concept from a draft (to write it again); the database refuses it elsewhere."""
    await session.execute(
        delete(ConceptParent).where(
            ConceptParent.version_id == version.id, ConceptParent.code == code
        )
    )
    await session.execute(
        delete(Concept).where(Concept.version_id == version.id, Concept.code == code)
    )


async def copy_concepts(
    session: AsyncSession, *, source: CodeSystemVersion, target: CodeSystemVersion
) -> None:
    """A new draft starts as a copy of the version it is based on (in the database)."""
    await session.execute(
        text(
            "INSERT INTO concept (version_id, tenant_id, code, norm_code, display, level, "
            "synonyms, status, replaced_by, properties) "
            "SELECT :target, :tenant, code, norm_code, display, level, synonyms, status, "
            "replaced_by, properties FROM concept WHERE version_id = :source"
        ),
        {"target": target.id, "tenant": target.tenant_id, "source": source.id},
    )
    await session.execute(
        text(
            "INSERT INTO concept_parent (version_id, tenant_id, code, parent_code) "
            "SELECT :target, :tenant, code, parent_code FROM concept_parent "
            "WHERE version_id = :source"
        ),
        {"target": target.id, "tenant": target.tenant_id, "source": source.id},
    )


async def count_concepts(session: AsyncSession, *, version_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Concept).where(Concept.version_id == version_id)
    )
    return int(count or 0)


# --- hierarchy -------------------------------------------------------------------------------

_ANCESTORS = text(
    """
    WITH RECURSIVE up(code, depth) AS (
        SELECT parent_code, 1 FROM concept_parent WHERE version_id = :v AND code = :code
        UNION
        SELECT p.parent_code, up.depth + 1 FROM concept_parent p
        JOIN up ON p.code = up.code WHERE p.version_id = :v AND up.depth < 50
    )
    SELECT code, min(depth) AS depth FROM up GROUP BY code ORDER BY depth DESC, code
    """
)

_DESCENDANTS = text(
    """
    WITH RECURSIVE down(code, depth) AS (
        SELECT code, 1 FROM concept_parent WHERE version_id = :v AND parent_code = :code
        UNION
        SELECT p.code, down.depth + 1 FROM concept_parent p
        JOIN down ON p.parent_code = down.code WHERE p.version_id = :v AND down.depth < 50
    )
    SELECT code, min(depth) AS depth FROM down GROUP BY code ORDER BY depth, code
    """
)


async def ancestors(session: AsyncSession, *, version: CodeSystemVersion, code: str) -> list[str]:
    """Codes from the root down to the concept's parent (nearest last)."""
    rows = await session.execute(_ANCESTORS, {"v": version.id, "code": code})
    return [row.code for row in rows]


async def descendants(session: AsyncSession, *, version: CodeSystemVersion, code: str) -> list[str]:
    rows = await session.execute(_DESCENDANTS, {"v": version.id, "code": code})
    return [row.code for row in rows]


async def children(session: AsyncSession, *, version: CodeSystemVersion, code: str) -> list[str]:
    rows = await session.scalars(
        select(ConceptParent.code)
        .where(ConceptParent.version_id == version.id, ConceptParent.parent_code == code)
        .order_by(ConceptParent.code)
    )
    return list(rows)


async def roots(session: AsyncSession, *, version: CodeSystemVersion) -> list[str]:
    has_parent = select(ConceptParent.code).where(ConceptParent.version_id == version.id)
    rows = await session.scalars(
        select(Concept.code)
        .where(Concept.version_id == version.id, Concept.code.not_in(has_parent))
        .order_by(Concept.code)
    )
    return list(rows)
