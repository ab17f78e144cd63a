"""HTTP API of shared code systems: read, browse, compare, edit drafts, publish, retire."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from cosar_common import vocabulary
from cosar_common.api.params import Offset
from cosar_common.auth import Permission, Principal, PrincipalDep, require
from cosar_common.db.dependencies import OutboxDep, SessionDep
from thesaurus.codesystems import repository, schemas, service

router = APIRouter(prefix="/code-systems", tags=["systèmes de codes"])

# Also the editors of the import/export and FHIR routes.
EditorPrincipal = Annotated[Principal, Depends(require(Permission.THESAURUS_EDIT))]
AdminPrincipal = Annotated[Principal, Depends(require(Permission.THESAURUS_RETIRE))]
SystemName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", examples=[vocabulary.NAF])]
VersionPath = Annotated[
    str,
    Path(
        pattern=schemas.VERSION_PATTERN,
        max_length=50,
        description=schemas.VERSION_DESCRIPTION,
        examples=["1"],
    ),
]
VersionQuery = Annotated[str | None, Query(description="Version ; par défaut la dernière publiée")]


@router.get("", summary="Systèmes de codes visibles")
async def list_code_systems(_: PrincipalDep, session: SessionDep) -> list[schemas.CodeSystem]:
    out = []
    for system in await repository.list_systems(session):
        versions = await repository.list_versions(session, system=system)
        latest = await repository.latest_published(session, system=system)
        out.append(
            schemas.CodeSystem(
                name=system.name,
                url=system.url,
                title=system.title,
                description=system.description,
                publisher=system.publisher,
                source=system.source,
                licence=system.licence,
                tenant_id=system.tenant_id,
                versions=[v.version for v in versions],
                latest_published=None if latest is None else latest.version,
            )
        )
    return out


@router.post(
    "/{name}/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Créer une version brouillon (et le système s'il est nouveau)",
)
async def create_version(
    name: SystemName, data: schemas.VersionCreate, principal: EditorPrincipal, session: SessionDep
) -> schemas.Version:
    return await service.create_draft(
        session, name=name, data=data, created_by=principal.actor, tenant_id=None
    )


@router.get("/{name}/versions", summary="Versions d'un système")
async def list_versions(
    name: SystemName, _: PrincipalDep, session: SessionDep
) -> list[schemas.Version]:
    system = await service.require_system(session, name)
    return [
        service.version_schema(system, v)
        for v in await repository.list_versions(session, system=system)
    ]


@router.get("/{name}/versions/{version}", summary="Lire une version")
async def read_version(
    name: SystemName, version: VersionPath, _: PrincipalDep, session: SessionDep
) -> schemas.Version:
    return await service.get_version(session, name=name, version=version)


@router.get("/{name}/versions/{version}/concepts", summary="Concepts d'une version (paginés)")
async def list_concepts(
    name: SystemName,
    version: VersionPath,
    _: PrincipalDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> list[schemas.Concept]:
    system = await service.require_system(session, name)
    found = await service.require_version(session, system, version)
    concepts = await service.version_concepts(session, found)
    return [service.concept_schema(c) for c in concepts[offset : offset + limit]]


@router.put("/{name}/versions/{version}/concepts/{code}", summary="Ajouter ou modifier un concept")
async def put_concept(
    name: SystemName,
    version: VersionPath,
    code: str,
    data: schemas.ConceptUpdate,
    _: EditorPrincipal,
    session: SessionDep,
) -> schemas.Concept:
    return await service.put_concept(
        session, name=name, version=version, code=code, data=data, tenant_id=None
    )


@router.post(
    "/{name}/versions/{version}/concepts/{code}/deprecate",
    summary="Déprécier un concept (avec son remplaçant, ou sans remplaçant explicitement)",
)
async def deprecate_concept(
    name: SystemName,
    version: VersionPath,
    code: str,
    decision: schemas.Deprecation,
    _: EditorPrincipal,
    session: SessionDep,
) -> schemas.Concept:
    return await service.deprecate_concept(
        session, name=name, version=version, code=code, decision=decision, tenant_id=None
    )


@router.get("/{name}/diff", summary="Comparer deux versions quelconques")
async def diff_versions(
    name: SystemName,
    _: PrincipalDep,
    session: SessionDep,
    to: Annotated[str, Query(description="Version d'arrivée")],
    from_: Annotated[str | None, Query(alias="from", description="Version de départ")] = None,
) -> schemas.VersionDiff:
    return await service.compare(session, name=name, from_version=from_, to_version=to)


@router.post("/{name}/versions/{version}/publish", summary="Publier une version (immuable)")
async def publish_version(
    name: SystemName,
    version: VersionPath,
    _: EditorPrincipal,
    session: SessionDep,
    outbox: OutboxDep,
) -> schemas.Version:
    return await service.publish(session, name=name, version=version, outbox=outbox, tenant_id=None)


@router.post("/{name}/versions/{version}/retire", summary="Retirer une version publiée")
async def retire_version(
    name: SystemName, version: VersionPath, _: AdminPrincipal, session: SessionDep
) -> schemas.Version:
    return await service.retire(session, name=name, version=version)


@router.get("/{name}/concepts/{code}", summary="Un concept et sa place dans la hiérarchie")
async def read_concept(
    name: SystemName, code: str, _: PrincipalDep, session: SessionDep, version: VersionQuery = None
) -> schemas.Hierarchy:
    _system, found, concept, parents = await service.concept_detail(
        session, name=name, code=code, version=version
    )
    return schemas.Hierarchy(
        code=concept.code,
        display=concept.display,
        parents=parents,
        children=await repository.children(session, version=found, code=concept.code),
        ancestors=await repository.ancestors(session, version=found, code=concept.code),
    )


@router.get("/{name}/concepts/{code}/descendants", summary="Tous les descendants d'un concept")
async def read_descendants(
    name: SystemName, code: str, _: PrincipalDep, session: SessionDep, version: VersionQuery = None
) -> list[str]:
    _system, found, concept, _parents = await service.concept_detail(
        session, name=name, code=code, version=version
    )
    return await repository.descendants(session, version=found, code=concept.code)
