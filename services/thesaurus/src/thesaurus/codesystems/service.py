"""Use cases on code systems: draft a version, publish it (with its diff, through the outbox)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.auth import Principal
from cosar_common.errors import Conflict, NotFound, RuleViolation
from cosar_common.events.outbox import OutboxWriter
from cosar_common.events.thesaurus import (
    ConceptRef,
    DeprecatedConcept,
    VersionDiff,
    VersionPublished,
)
from thesaurus.codesystems import repository
from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion, Concept, VersionStatus
from thesaurus.codesystems.schemas import Version, VersionCreate
from thesaurus.domain.diff import ConceptState, diff_versions


def to_schema(system: CodeSystem, version: CodeSystemVersion) -> Version:
    return Version(
        code_system=system.name,
        url=system.url,
        title=system.title,
        version=version.version,
        status=version.status,
        concept_count=version.concept_count,
        created_at=version.created_at,
        published_at=version.published_at,
    )


async def create_draft(
    session: AsyncSession, *, name: str, data: VersionCreate, principal: Principal
) -> Version:
    system = await repository.get_system(session, name=name)
    if system is None:
        system = CodeSystem(name=name, url=data.url, title=data.title)
        session.add(system)
        await session.flush()
    elif system.url != data.url:
        raise RuleViolation(
            f"Le système « {name} » a déjà l'URL canonique {system.url}.", code="url_mismatch"
        )
    if await repository.get_version(session, system=system, version=data.version) is not None:
        raise Conflict(
            f"La version {data.version} de « {name} » existe déjà.", code="version_exists"
        )
    codes = [c.code for c in data.concepts]
    if len(codes) != len(set(codes)):
        raise RuleViolation("Codes en double dans la version.", code="duplicate_codes")
    version = CodeSystemVersion(
        code_system_id=system.id,
        version=data.version,
        status=VersionStatus.DRAFT.value,
        concept_count=len(codes),
        created_by=principal.username or principal.subject,
        created_at=datetime.now(UTC),
    )
    session.add(version)
    await session.flush()
    session.add_all(
        Concept(version_id=version.id, code=c.code, display=c.display, parent_code=c.parent_code)
        for c in data.concepts
    )
    await session.flush()
    return to_schema(system, version)


async def get(session: AsyncSession, *, name: str, version: str) -> Version:
    system = await repository.get_system(session, name=name)
    found = (
        None
        if system is None
        else await repository.get_version(session, system=system, version=version)
    )
    if system is None or found is None:
        raise NotFound(f"Version {version} du système « {name} » introuvable.")
    return to_schema(system, found)


def _states(concepts: list[Concept]) -> list[ConceptState]:
    return [
        ConceptState(
            code=c.code,
            display=c.display,
            parent_code=c.parent_code,
            status=c.status,
            replaced_by=tuple(c.replaced_by or ()),
        )
        for c in concepts
    ]


async def publish(
    session: AsyncSession, *, name: str, version: str, outbox: OutboxWriter
) -> Version:
    """Publish a draft: it becomes immutable, and ``thesaurus.version-published`` is emitted."""
    system = await repository.get_system(session, name=name)
    draft = (
        None
        if system is None
        else await repository.get_version(session, system=system, version=version, for_update=True)
    )
    if system is None or draft is None:
        raise NotFound(f"Version {version} du système « {name} » introuvable.")
    if draft.status != VersionStatus.DRAFT.value:
        raise Conflict(
            f"La version {version} est déjà {draft.status} : elle ne peut plus changer.",
            code="version_not_draft",
        )
    previous = await repository.latest_published(session, system=system)
    before = (
        [] if previous is None else list(await repository.concepts_of(session, version=previous))
    )
    after = list(await repository.concepts_of(session, version=draft))
    diff = diff_versions(_states(before), _states(after))
    draft.status = VersionStatus.PUBLISHED.value
    draft.published_at = datetime.now(UTC)
    await session.flush()
    await outbox.add(
        session,
        VersionPublished(
            code_system=system.name,
            code_system_url=system.url,
            version=draft.version,
            previous_version=None if previous is None else previous.version,
            concept_count=draft.concept_count,
            diff=VersionDiff(
                added=[ConceptRef(code=c.code, display=c.display) for c in diff.added],
                changed=[ConceptRef(code=c.code, display=c.display) for c in diff.changed],
                deprecated=[
                    DeprecatedConcept(
                        code=c.code, display=c.display, replaced_by=list(c.replaced_by)
                    )
                    for c in diff.deprecated
                ],
            ),
        ),
        tenant_id=None,  # shared reference data: belongs to no tenant
    )
    return to_schema(system, draft)
