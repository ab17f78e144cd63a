"""A tenant's legacy code systems (seed 000): import the local thesaurus, map it to the shared
systems with help from label similarity, follow the coverage, translate local codes.

The tenant always comes from the caller's token. Local systems, their versions, concepts and
maps carry the tenant id; row-level security hides them from every other tenant, and this
module additionally answers 404 for anything that is not the caller's own.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.auth import Principal
from cosar_common.errors import NotFound, RuleViolation
from cosar_common.events.outbox import OutboxWriter
from thesaurus.codesystems import repository as cs_repository
from thesaurus.codesystems import schemas as cs_schemas
from thesaurus.codesystems import service as cs_service
from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion
from thesaurus.conceptmaps.models import ConceptMap, ConceptMapElement, Relationship
from thesaurus.interchange.csv_format import parse_csv
from thesaurus.interchange.errors import ImportRejected
from thesaurus.legacy import repository, schemas
from thesaurus.reference import BASE_URL


def local_url(tenant_id: str, name: str) -> str:
    return f"{BASE_URL}/tenant/{tenant_id}/{name}"


def _tenant(principal: Principal) -> str:
    assert principal.tenant_id is not None  # the routes only admit tenant roles
    return principal.tenant_id


async def import_csv(
    session: AsyncSession,
    *,
    principal: Principal,
    name: str,
    version: str,
    title: str | None,
    content: bytes,
    outbox: OutboxWriter,
) -> cs_schemas.Version:
    """Import (whole or not at all) a version of a local code system from CSV."""
    tenant_id = _tenant(principal)
    existing = await cs_repository.get_system(session, name=name)
    if existing is not None and existing.tenant_id is None:
        raise RuleViolation(
            f"« {name} » est le nom d'un système partagé : choisissez un autre nom.",
            code="name_taken",
        )
    try:
        data = parse_csv(
            content,
            name=name,
            url=existing.url if existing else local_url(tenant_id, name),
            title=title or (existing.title if existing else f"Thésaurus local {name}"),
            version=version,
        )
    except ImportRejected as exc:
        raise cs_service.import_rejected(exc) from exc
    return await cs_service.import_code_system(
        session,
        data=data,
        created_by=principal.actor,
        tenant_id=tenant_id,
        outbox=outbox,
    )


async def _local(
    session: AsyncSession, principal: Principal, name: str
) -> tuple[CodeSystem, CodeSystemVersion]:
    system = await cs_repository.get_system(session, name=name)
    if system is None or system.tenant_id != _tenant(principal):
        raise NotFound(f"Thésaurus local « {name} » introuvable.", code="unknown_system")
    return system, await cs_service.require_version(session, system, None)


async def _shared(session: AsyncSession, ref: str) -> tuple[CodeSystem, CodeSystemVersion]:
    system = await cs_repository.get_system(
        session, url=ref if "://" in ref else None, name=None if "://" in ref else ref
    )
    if system is None or system.tenant_id is not None:
        raise NotFound(f"Système partagé « {ref} » introuvable.", code="unknown_system")
    return system, await cs_service.require_version(session, system, None)


async def _map_for(
    session: AsyncSession, tenant_id: str, source: CodeSystem, target: CodeSystem, create: bool
) -> ConceptMap | None:
    concept_map = await repository.get_map(session, source=source, target=target)
    if concept_map is None and create:
        concept_map = ConceptMap(
            tenant_id=tenant_id,
            name=f"{source.name}-vers-{target.name}",
            url=f"{source.url}/map/{target.name}",
            title=f"{source.title} → {target.title}",
            source_system=source.url,
            target_system=target.url,
        )
        session.add(concept_map)
        await session.flush()
    return concept_map


async def put_mapping(
    session: AsyncSession, *, principal: Principal, name: str, code: str, data: schemas.MappingPut
) -> schemas.Mapping:
    source, source_version = await _local(session, principal, name)
    concept = await cs_repository.get_concept(session, version=source_version, code=code)
    if concept is None:
        raise NotFound(f"Code local {code} introuvable.", code="unknown_code")
    target, target_version = await _shared(session, data.target_system)
    for item in data.targets:
        if item.relationship is Relationship.NOT_RELATED:
            continue
        if (
            item.code is None
            or await cs_repository.get_concept(session, version=target_version, code=item.code)
            is None
        ):
            raise RuleViolation(
                f"Code {item.code!r} inconnu dans « {target.name} ».", code="unknown_target_code"
            )
    concept_map = await _map_for(session, _tenant(principal), source, target, create=True)
    assert concept_map is not None
    await repository.replace_elements(
        session,
        concept_map=concept_map,
        source_code=concept.code,
        new=[
            ConceptMapElement(
                tenant_id=concept_map.tenant_id,
                map_id=concept_map.id,
                source_code=concept.code,
                target_code=item.code,
                relationship=item.relationship.value,
                comment=item.comment,
                created_by=principal.actor,
            )
            for item in data.targets
        ],
    )
    return schemas.Mapping(
        source_code=concept.code,
        source_display=concept.display,
        target_system=target.name,
        targets=data.targets,
    )


async def suggestions(
    session: AsyncSession, *, principal: Principal, name: str, code: str, target: str, limit: int
) -> list[schemas.Suggestion]:
    _, source_version = await _local(session, principal, name)
    concept = await cs_repository.get_concept(session, version=source_version, code=code)
    if concept is None:
        raise NotFound(f"Code local {code} introuvable.", code="unknown_code")
    _, target_version = await _shared(session, target)
    rows = await repository.suggest(
        session, target=target_version, label=concept.display, limit=limit
    )
    return [schemas.Suggestion(code=c, display=d, score=round(s, 3)) for c, d, s in rows]


async def coverage(
    session: AsyncSession, *, principal: Principal, name: str, target: str
) -> schemas.Coverage:
    source, source_version = await _local(session, principal, name)
    target_system, _ = await _shared(session, target)
    codes = [c.code for c in await cs_repository.concepts_of(session, version=source_version)]
    concept_map = await _map_for(session, _tenant(principal), source, target_system, create=False)
    found = (
        [] if concept_map is None else await repository.elements(session, concept_map=concept_map)
    )
    mapped = {e.source_code for e in found}
    by_relationship: dict[str, int] = {}
    for element in found:
        by_relationship[element.relationship] = by_relationship.get(element.relationship, 0) + 1
    covered = len([c for c in codes if c in mapped])
    return schemas.Coverage(
        code_system=source.name,
        target_system=target_system.name,
        total=len(codes),
        mapped=covered,
        percent_mapped=round(100 * covered / len(codes), 1) if codes else 0.0,
        by_relationship=by_relationship,
        unmapped=[c for c in codes if c not in mapped],
    )


async def translate(
    session: AsyncSession, *, principal: Principal, name: str, code: str, target: str
) -> schemas.Mapping:
    source, source_version = await _local(session, principal, name)
    concept = await cs_repository.get_concept(session, version=source_version, code=code)
    if concept is None:
        raise NotFound(f"Code local {code} introuvable.", code="unknown_code")
    target_system, _ = await _shared(session, target)
    concept_map = await _map_for(session, _tenant(principal), source, target_system, create=False)
    found = (
        [] if concept_map is None else await repository.elements(session, concept_map=concept_map)
    )
    return schemas.Mapping(
        source_code=concept.code,
        source_display=concept.display,
        target_system=target_system.name,
        targets=[
            schemas.MappingTarget(
                code=e.target_code, relationship=Relationship(e.relationship), comment=e.comment
            )
            for e in found
            if e.source_code == concept.code
        ],
    )
