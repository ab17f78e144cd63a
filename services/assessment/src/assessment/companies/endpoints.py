"""HTTP API of member companies."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from assessment.companies import service
from assessment.companies.schemas import Company, CompanyCreate
from cosar_common.auth import Principal, Role, allow
from cosar_common.db.dependencies import SessionDep

router = APIRouter(prefix="/companies", tags=["entreprises"])

StaffPrincipal = Annotated[
    Principal, Depends(allow(Role.SST_ADMIN, Role.SST_PREVENTER, Role.SST_PHYSICIAN))
]
ReaderPrincipal = Annotated[
    Principal,
    Depends(
        allow(
            Role.SST_ADMIN,
            Role.SST_PREVENTER,
            Role.SST_PHYSICIAN,
            Role.EMPLOYER,
            Role.EMPLOYEE_REPRESENTATIVE,
        )
    ),
]


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Enregistrer une entreprise adhérente"
)
async def create_company(
    data: CompanyCreate, principal: StaffPrincipal, session: SessionDep
) -> Company:
    return Company.model_validate(await service.create(session, principal=principal, data=data))


@router.get("", summary="Entreprises visibles par l'utilisateur")
async def list_companies(principal: ReaderPrincipal, session: SessionDep) -> list[Company]:
    companies = await service.list_visible(session, principal=principal)
    return [Company.model_validate(c) for c in companies]


@router.get("/{company_id}", summary="Lire une entreprise")
async def read_company(
    company_id: uuid.UUID, principal: ReaderPrincipal, session: SessionDep
) -> Company:
    return Company.model_validate(
        await service.get(session, principal=principal, company_id=company_id)
    )
