"""HTTP API of establishments."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from cosar_common.db.dependencies import SessionDep
from reporting.actions.service import actions_of_year, as_programme_actions
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


@router.get(
    "/{establishment_id}/plan-actions",
    summary="Actions du plan de l'entreprise pour une année (réalisées, ou en cours au 31/12)",
)
async def plan_actions(
    establishment_id: uuid.UUID,
    principal: ReportPrincipal,
    session: SessionDep,
    year: Annotated[int, Query(ge=1989, le=2200)],
) -> list[dict[str, str | None]]:
    """What part IV 4.3 of a new report is pre-filled with (from the assessment's events)."""
    found = await service.get(session, principal=principal, establishment_id=establishment_id)
    rows = await actions_of_year(session, company_pseudonym=found.company_pseudonym, year=year)
    return as_programme_actions(rows)
