"""HTTP API of a tenant's legacy code systems (its SPSTI administrator maps them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, status

from cosar_common.auth import Permission, Principal, require
from cosar_common.db.dependencies import OutboxDep, SessionDep
from thesaurus.codesystems import schemas as cs_schemas
from thesaurus.codesystems.endpoints import VersionPath
from thesaurus.legacy import schemas, service

router = APIRouter(prefix="/tenant/code-systems", tags=["thésaurus locaux"])

AdminPrincipal = Annotated[Principal, Depends(require(Permission.LOCAL_CODES_MAP))]
StaffPrincipal = Annotated[Principal, Depends(require(Permission.LOCAL_CODES_READ))]
LocalName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", examples=["amt-risques"])]
Target = Annotated[str, Query(description="Système partagé cible (nom ou URL canonique)")]


@router.post(
    "/{name}/versions/{version}/import",
    status_code=status.HTTP_201_CREATED,
    summary="Importer une version du thésaurus local (CSV code,label[,parent])",
)
async def import_local(
    name: LocalName,
    version: VersionPath,
    principal: AdminPrincipal,
    session: SessionDep,
    outbox: OutboxDep,
    content: Annotated[bytes, Body(media_type="text/csv")],
    title: str | None = None,
) -> cs_schemas.Version:
    return await service.import_csv(
        session,
        principal=principal,
        name=name,
        version=version,
        title=title,
        content=content,
        outbox=outbox,
    )


@router.put("/{name}/mappings/{code}", summary="Définir la correspondance d'un code local")
async def put_mapping(
    name: LocalName,
    code: str,
    data: schemas.MappingPut,
    principal: AdminPrincipal,
    session: SessionDep,
) -> schemas.Mapping:
    return await service.put_mapping(session, principal=principal, name=name, code=code, data=data)


@router.get("/{name}/mappings/{code}/suggestions", summary="Codes partagés aux libellés proches")
async def suggestions(
    name: LocalName,
    code: str,
    target: Target,
    principal: StaffPrincipal,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[schemas.Suggestion]:
    return await service.suggestions(
        session, principal=principal, name=name, code=code, target=target, limit=limit
    )


@router.get("/{name}/coverage", summary="Couverture des correspondances")
async def coverage(
    name: LocalName, target: Target, principal: StaffPrincipal, session: SessionDep
) -> schemas.Coverage:
    return await service.coverage(session, principal=principal, name=name, target=target)


@router.get("/{name}/translate", summary="Traduire un code local en codes partagés")
async def translate(
    name: LocalName, code: str, target: Target, principal: StaffPrincipal, session: SessionDep
) -> schemas.Mapping:
    return await service.translate(
        session, principal=principal, name=name, code=code, target=target
    )
