"""Use cases on code systems: draft, edit, diff, publish (with its event), retire, import.

Shared systems (``tenant_id`` None) are edited by thesaurus editors; a tenant's legacy local
systems by its administrator (the caller passes the tenant from the principal, never from the
request). Published versions are immutable: the database refuses any change (migration 0002),
the checks here only give the user a clearer message first.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common import clock
from cosar_common.errors import Conflict, NotFound, RuleViolation
from cosar_common.events.outbox import OutboxWriter
from cosar_common.events.thesaurus import (
    DIFF_LIST_LIMIT,
    ConceptRef,
    DeprecatedConcept,
    VersionPublished,
)
from cosar_common.events.thesaurus import VersionDiff as EventDiff
from thesaurus.codesystems import repository, schemas
from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion, Concept, VersionStatus
from thesaurus.domain.diff import Change, Diff, diff_versions
from thesaurus.domain.model import (
    CodeSystemData,
    ConceptData,
    ConceptStatus,
    Property,
    validate,
)
from thesaurus.interchange.errors import ImportRejected


def version_schema(system: CodeSystem, version: CodeSystemVersion) -> schemas.Version:
    return schemas.Version(
        code_system=system.name,
        url=system.url,
        title=system.title,
        version=version.version,
        status=version.status,
        based_on=version.based_on,
        concept_count=version.concept_count,
        created_at=version.created_at,
        published_at=version.published_at,
        retired_at=version.retired_at,
    )


def concept_schema(concept: ConceptData) -> schemas.Concept:
    return schemas.Concept(
        code=concept.code,
        display=concept.display,
        parents=list(concept.parents),
        level=concept.level,
        synonyms=list(concept.synonyms),
        status=concept.status.value,
        replaced_by=list(concept.replaced_by),
        properties=[
            schemas.Property(
                code=p.code, value=p.value, valid_from=p.valid_from, valid_to=p.valid_to
            )
            for p in concept.properties
        ],
    )


def import_rejected(exc: ImportRejected) -> RuleViolation:
    """The 422 of a refused file: every problem with where it is (line, path or IRI)."""
    return RuleViolation(
        "Fichier refusé : rien n'a été importé.",
        code="import_rejected",
        errors=[{"field": p.where, "message": p.message} for p in exc.problems],
    )


def _problems_error(problems: Sequence[object]) -> RuleViolation:
    return RuleViolation(
        "Concepts refusés : rien n'a été enregistré.",
        code="invalid_concepts",
        errors=[{"field": "concepts", "message": str(p)} for p in problems],
    )


async def require_system(session: AsyncSession, name: str) -> CodeSystem:
    system = await repository.get_system(session, name=name)
    if system is None:
        raise NotFound(f"Système de codes « {name} » introuvable.", code="unknown_system")
    return system


def unknown_version(system_name: str, version: str | None) -> NotFound:
    """The 404 of a version that does not exist (None: no published version)."""
    label = "publiée" if version is None else version
    return NotFound(
        f"Version {label} du système « {system_name} » introuvable.", code="unknown_version"
    )


async def require_version(
    session: AsyncSession, system: CodeSystem, version: str | None, *, for_update: bool = False
) -> CodeSystemVersion:
    """A given version, or the latest published one when ``version`` is None."""
    found = (
        await repository.latest_published(session, system=system)
        if version is None
        else await repository.get_version(
            session, system=system, version=version, for_update=for_update
        )
    )
    if found is None:
        raise unknown_version(system.name, version)
    return found


def _require_draft(version: CodeSystemVersion) -> None:
    if version.status != VersionStatus.DRAFT.value:
        raise Conflict(
            f"La version {version.version} est {version.status} : elle ne peut plus changer.",
            code="version_not_draft",
        )


def _can_edit(system: CodeSystem, tenant_id: str | None) -> None:
    if system.tenant_id != tenant_id:
        # A shared system edited through the tenant API, or the reverse: the object is not
        # the caller's to edit; do not reveal more than that.
        raise NotFound(f"Système de codes « {system.name} » introuvable.", code="unknown_system")


async def version_concepts(session: AsyncSession, version: CodeSystemVersion) -> list[ConceptData]:
    parents = await repository.parents_by_code(session, version=version)
    return [
        repository.to_data(c, parents.get(c.code, ()))
        for c in await repository.concepts_of(session, version=version)
    ]


async def version_data(session: AsyncSession, name: str, version: str) -> CodeSystemData:
    """Version ``version`` of system ``name`` as the export formats write it (``EXPORTERS``)."""
    system = await require_system(session, name)
    found = await require_version(session, system, version)
    return CodeSystemData(
        name=system.name,
        url=system.url,
        title=system.title,
        version=found.version,
        description=system.description,
        publisher=system.publisher,
        source=system.source,
        licence=system.licence,
        concepts=await version_concepts(session, found),
    )


async def _add_system(
    session: AsyncSession,
    *,
    name: str,
    metadata: schemas.VersionCreate | CodeSystemData,
    tenant_id: str | None,
) -> CodeSystem:
    """A new code system (shared when ``tenant_id`` is None) with the given metadata."""
    if not metadata.url or not metadata.title:
        raise RuleViolation(
            "Un nouveau système de codes demande une URL canonique et un titre.",
            code="missing_metadata",
        )
    system = CodeSystem(
        name=name,
        url=metadata.url,
        title=metadata.title,
        description=metadata.description,
        publisher=metadata.publisher,
        source=metadata.source,
        licence=metadata.licence,
        tenant_id=tenant_id,
    )
    session.add(system)
    await session.flush()
    return system


async def create_draft(
    session: AsyncSession,
    *,
    name: str,
    data: schemas.VersionCreate,
    created_by: str,
    tenant_id: str | None,
) -> schemas.Version:
    system = await repository.get_system(session, name=name)
    if system is None:
        system = await _add_system(session, name=name, metadata=data, tenant_id=tenant_id)
    else:
        _can_edit(system, tenant_id)
        if data.url and system.url != data.url:
            raise RuleViolation(
                f"Le système « {name} » a déjà l'URL canonique {system.url}.", code="url_mismatch"
            )
    if await repository.get_version(session, system=system, version=data.version) is not None:
        raise Conflict(
            f"La version {data.version} de « {name} » existe déjà.", code="version_exists"
        )
    base = await repository.latest_published(session, system=system) if data.from_latest else None
    if data.from_latest and base is None:
        raise RuleViolation("Aucune version publiée à copier.", code="nothing_to_copy")
    concepts = [
        ConceptData(
            code=c.code,
            display=c.display,
            parents=c.all_parents(),
            level=c.level,
            synonyms=tuple(c.synonyms),
            properties=tuple(
                Property(p.code, p.value, p.valid_from, p.valid_to) for p in c.properties
            ),
            source_ref=f"concepts[{i}]",
        )
        for i, c in enumerate(data.concepts)
    ]
    if base is not None and concepts:
        raise RuleViolation(
            "Une copie de la dernière version se modifie concept par concept ensuite.",
            code="copy_with_concepts",
        )
    problems = validate(concepts)
    if problems:
        raise _problems_error(problems)
    version = CodeSystemVersion(
        code_system_id=system.id,
        tenant_id=system.tenant_id,
        version=data.version,
        status=VersionStatus.DRAFT.value,
        based_on=None if base is None else base.version,
        concept_count=0 if base is None else base.concept_count,
        created_by=created_by,
        created_at=clock.system_now(),
    )
    session.add(version)
    await session.flush()
    if base is not None:
        await repository.copy_concepts(session, source=base, target=version)
    else:
        await repository.insert_concepts(session, version=version, concepts=concepts)
        version.concept_count = len(concepts)
    await session.flush()
    return version_schema(system, version)


async def get_version(session: AsyncSession, *, name: str, version: str) -> schemas.Version:
    system = await require_system(session, name)
    return version_schema(system, await require_version(session, system, version))


async def _edit_target(
    session: AsyncSession, name: str, version: str, tenant_id: str | None
) -> tuple[CodeSystem, CodeSystemVersion, list[ConceptData]]:
    system = await require_system(session, name)
    _can_edit(system, tenant_id)
    draft = await require_version(session, system, version, for_update=True)
    _require_draft(draft)
    return system, draft, await version_concepts(session, draft)


async def _replace_concept(
    session: AsyncSession, draft: CodeSystemVersion, concepts: list[ConceptData], new: ConceptData
) -> None:
    """Write one concept of a draft after checking the whole draft stays consistent."""
    others = [c for c in concepts if c.code != new.code]
    problems = validate([*others, new])
    if problems:
        raise _problems_error(problems)
    await repository.delete_concept(session, version=draft, code=new.code)
    await repository.insert_concepts(session, version=draft, concepts=[new])
    draft.concept_count = len(others) + 1
    await session.flush()


async def put_concept(
    session: AsyncSession,
    *,
    name: str,
    version: str,
    code: str,
    data: schemas.ConceptUpdate,
    tenant_id: str | None,
) -> schemas.Concept:
    """Add a concept to a draft, or change one (absent fields keep their value)."""
    _, draft, concepts = await _edit_target(session, name, version, tenant_id)
    current = next((c for c in concepts if c.code == code), None)
    if current is None and not data.display:
        raise RuleViolation("Un nouveau concept demande un libellé.", code="missing_display")
    base = current or ConceptData(code=code, display=data.display or "")
    new = ConceptData(
        code=code,
        display=data.display if data.display is not None else base.display,
        parents=tuple(data.parents) if data.parents is not None else base.parents,
        level=data.level if data.level is not None else base.level,
        synonyms=tuple(data.synonyms) if data.synonyms is not None else base.synonyms,
        status=base.status,
        replaced_by=base.replaced_by,
        properties=(
            tuple(Property(p.code, p.value, p.valid_from, p.valid_to) for p in data.properties)
            if data.properties is not None
            else base.properties
        ),
    )
    await _replace_concept(session, draft, concepts, new)
    return concept_schema(new)


async def deprecate_concept(
    session: AsyncSession,
    *,
    name: str,
    version: str,
    code: str,
    decision: schemas.Deprecation,
    tenant_id: str | None,
) -> schemas.Concept:
    """Deprecate a concept of a draft: never deleted, replaced (or explicitly not)."""
    _, draft, concepts = await _edit_target(session, name, version, tenant_id)
    current = next((c for c in concepts if c.code == code), None)
    if current is None:
        raise NotFound(f"Concept {code} introuvable dans la version {version}.")
    for replacement in decision.replaced_by:
        target = next((c for c in concepts if c.code == replacement), None)
        if target is None or target.status == ConceptStatus.DEPRECATED or replacement == code:
            raise RuleViolation(
                f"Le remplaçant {replacement} doit être un concept actif de la version.",
                code="invalid_replacement",
            )
    new = ConceptData(
        code=current.code,
        display=current.display,
        parents=current.parents,
        level=current.level,
        synonyms=current.synonyms,
        status=ConceptStatus.DEPRECATED,
        replaced_by=tuple(decision.replaced_by),
        properties=current.properties,
    )
    await _replace_concept(session, draft, concepts, new)
    return concept_schema(new)


def _change_schema(change: Change) -> schemas.ConceptChange:
    return schemas.ConceptChange(
        code=change.code,
        display=change.after.display,
        before=None if change.before is None else concept_schema(change.before),
        after=concept_schema(change.after),
    )


async def compare(
    session: AsyncSession, *, name: str, from_version: str | None, to_version: str
) -> schemas.VersionDiff:
    """Diff of any two versions (``from_version`` None: against nothing, all added)."""
    system = await require_system(session, name)
    target = await require_version(session, system, to_version)
    before: list[ConceptData] = []
    if from_version is not None:
        before = await version_concepts(
            session, await require_version(session, system, from_version)
        )
    diff = diff_versions(before, await version_concepts(session, target))
    return schemas.VersionDiff(
        code_system=system.name,
        from_version=from_version,
        to_version=to_version,
        added=[_change_schema(c) for c in diff.added],
        changed=[_change_schema(c) for c in diff.changed],
        deprecated=[_change_schema(c) for c in diff.deprecated],
    )


def _event_diff(diff: Diff) -> EventDiff:
    def ref(change: Change) -> ConceptRef:
        return ConceptRef(code=change.code, display=change.after.display)

    return EventDiff(
        added=[ref(c) for c in diff.added[:DIFF_LIST_LIMIT]],
        changed=[ref(c) for c in diff.changed[:DIFF_LIST_LIMIT]],
        deprecated=[
            DeprecatedConcept(
                code=c.code, display=c.after.display, replaced_by=list(c.after.replaced_by)
            )
            for c in diff.deprecated
        ],
        added_count=len(diff.added),
        changed_count=len(diff.changed),
        deprecated_count=len(diff.deprecated),
        truncated=len(diff.added) > DIFF_LIST_LIMIT or len(diff.changed) > DIFF_LIST_LIMIT,
    )


async def publish(
    session: AsyncSession,
    *,
    name: str,
    version: str,
    outbox: OutboxWriter,
    tenant_id: str | None,
) -> schemas.Version:
    """Publish a draft: immutable from now on; ``thesaurus.version-published`` is emitted."""
    system = await require_system(session, name)
    _can_edit(system, tenant_id)
    draft = await require_version(session, system, version, for_update=True)
    _require_draft(draft)
    previous = await repository.latest_published(session, system=system)
    before = [] if previous is None else await version_concepts(session, previous)
    diff = diff_versions(before, await version_concepts(session, draft))
    draft.concept_count = await repository.count_concepts(session, version_id=draft.id)
    draft.status = VersionStatus.PUBLISHED.value
    draft.published_at = clock.system_now()
    await session.flush()
    await outbox.add(
        session,
        VersionPublished(
            code_system=system.name,
            code_system_url=system.url,
            version=draft.version,
            previous_version=None if previous is None else previous.version,
            concept_count=draft.concept_count,
            diff=_event_diff(diff),
        ),
        tenant_id=system.tenant_id,
    )
    return version_schema(system, draft)


async def retire(session: AsyncSession, *, name: str, version: str) -> schemas.Version:
    system = await require_system(session, name)
    target = await require_version(session, system, version, for_update=True)
    if target.status != VersionStatus.PUBLISHED.value:
        raise Conflict(
            f"Seule une version publiée peut être retirée (celle-ci est {target.status}).",
            code="version_not_published",
        )
    target.status = VersionStatus.RETIRED.value
    target.retired_at = clock.system_now()
    await session.flush()
    return version_schema(system, target)


async def import_code_system(
    session: AsyncSession,
    *,
    data: CodeSystemData,
    created_by: str,
    tenant_id: str | None,
    outbox: OutboxWriter,
) -> schemas.Version:
    """Create (or add a version to) a system from imported data, and publish it.

    Everything is checked before anything is written, and all of it happens in the caller's
    transaction: an import is loaded whole or not at all.
    """
    problems = validate(data.concepts)
    if problems:
        raise _problems_error(problems)
    system = await repository.get_system(session, name=data.name)
    if system is None:
        system = await _add_system(session, name=data.name, metadata=data, tenant_id=tenant_id)
    else:
        _can_edit(system, tenant_id)
    if await repository.get_version(session, system=system, version=data.version) is not None:
        raise Conflict(
            f"La version {data.version} de « {data.name} » existe déjà.", code="version_exists"
        )
    version = CodeSystemVersion(
        code_system_id=system.id,
        tenant_id=tenant_id,
        version=data.version,
        status=VersionStatus.DRAFT.value,
        concept_count=len(data.concepts),
        created_by=created_by,
        created_at=clock.system_now(),
    )
    session.add(version)
    await session.flush()
    await repository.insert_concepts(session, version=version, concepts=data.concepts)
    return await publish(
        session, name=data.name, version=data.version, outbox=outbox, tenant_id=tenant_id
    )


async def concept_detail(
    session: AsyncSession, *, name: str, code: str, version: str | None
) -> tuple[CodeSystem, CodeSystemVersion, Concept, list[str]]:
    system = await require_system(session, name)
    found = await require_version(session, system, version)
    concept = await repository.get_concept(session, version=found, code=code)
    if concept is None:
        raise NotFound(f"Code {code} inconnu dans « {name} » {found.version}.", code="unknown_code")
    parents = (await repository.parents_by_code(session, version=found)).get(concept.code, [])
    return system, found, concept, parents
