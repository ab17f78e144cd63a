"""HTTP API of establishments."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from cosar_common.db.dependencies import SessionDep
from reporting.dependencies import AssessmentDep, ReportPrincipal, TokenDep
from reporting.establishments import service
from reporting.establishments.schemas import Establishment, EstablishmentCreate

router = APIRouter(prefix="/establishments", tags=["établissements"])


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Enregistrer un établissement (entreprise)"
)
async def register(
    data: EstablishmentCreate,
    principal: ReportPrincipal,
    session: SessionDep,
    token: TokenDep,
    assessment: AssessmentDep,
) -> Establishment:
    found = await service.register(
        session,
        principal=principal,
        company_id=data.company_id,
        token=token,
        assessment=assessment,
    )
    return Establishment.model_validate(found)


@router.get("", summary="Établissements visibles")
async def listing(principal: ReportPrincipal, session: SessionDep) -> list[Establishment]:
    return [
        Establishment.model_validate(e)
        for e in await service.list_visible(session, principal=principal)
    ]


@router.get("/{establishment_id}", summary="Lire un établissement")
async def read(
    establishment_id: uuid.UUID, principal: ReportPrincipal, session: SessionDep
) -> Establishment:
    found = await service.get(session, principal=principal, establishment_id=establishment_id)
    return Establishment.model_validate(found)
