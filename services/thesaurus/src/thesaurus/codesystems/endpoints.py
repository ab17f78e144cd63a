"""HTTP API of code systems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from cosar_common.auth import Principal, PrincipalDep, Role, allow
from cosar_common.db.dependencies import OutboxDep, SessionDep
from thesaurus.codesystems import service
from thesaurus.codesystems.schemas import Version, VersionCreate

router = APIRouter(prefix="/code-systems", tags=["systèmes de codes"])

EditorPrincipal = Annotated[Principal, Depends(allow(Role.THESAURUS_EDITOR))]
SystemName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", examples=["naf-rev2"])]


@router.post(
    "/{name}/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Créer une version brouillon (et le système s'il est nouveau)",
)
async def create_version(
    name: SystemName, data: VersionCreate, principal: EditorPrincipal, session: SessionDep
) -> Version:
    return await service.create_draft(session, name=name, data=data, principal=principal)


@router.post("/{name}/versions/{version}/publish", summary="Publier une version (immuable)")
async def publish_version(
    name: SystemName, version: str, _: EditorPrincipal, session: SessionDep, outbox: OutboxDep
) -> Version:
    return await service.publish(session, name=name, version=version, outbox=outbox)


@router.get("/{name}/versions/{version}", summary="Lire une version")
async def read_version(
    name: SystemName, version: str, _: PrincipalDep, session: SessionDep
) -> Version:
    return await service.get(session, name=name, version=version)
