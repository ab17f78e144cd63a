"""HTTP API of member companies."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel

from assessment.api.dependencies import (
    CompanyManagerPrincipal,
    VersionReaderPrincipal,
    WriterPrincipal,
)
from assessment.companies import service
from assessment.companies.schemas import Company, CompanyCreate, CompanyToUpdate, CompanyUpdate
from assessment.tenancy.service import settings_of
from assessment.versions.service import last_versions
from cosar_common import clock
from cosar_common.clock import today
from cosar_common.db.dependencies import OutboxDep, SessionDep
from cosar_common.duerp_update import is_up_to_date
from cosar_common.events.aggregates import pseudonym
from cosar_common.thesaurus_client import ThesaurusDep

router = APIRouter(prefix="/companies", tags=["entreprises"])


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Enregistrer une entreprise adhérente"
)
async def create_company(
    data: CompanyCreate,
    principal: CompanyManagerPrincipal,
    session: SessionDep,
    client: ThesaurusDep,
    outbox: OutboxDep,
) -> Company:
    company = await service.create(
        session, principal=principal, data=data, client=client, outbox=outbox, today=today()
    )
    return Company.model_validate(company)


@router.get("", summary="Entreprises visibles par l'utilisateur")
async def list_companies(principal: VersionReaderPrincipal, session: SessionDep) -> list[Company]:
    companies = await service.list_visible(session, principal=principal)
    return [Company.model_validate(c) for c in companies]


@router.get(
    "/to-update",
    summary="Entreprises dont le document unique n'a pas été mis à jour depuis 12 mois",
)
async def companies_to_update(
    principal: CompanyManagerPrincipal, session: SessionDep
) -> list[CompanyToUpdate]:
    rows = await last_versions(session, principal=principal)
    on = today()
    return [
        CompanyToUpdate(
            id=company.id, name=company.name, last_version=number, last_published_at=published_at
        )
        for company, number, published_at in rows
        if not is_up_to_date(clock.date_of(published_at) if published_at else None, on)
    ]


@router.get("/{company_id}", summary="Lire une entreprise")
async def read_company(
    company_id: uuid.UUID, principal: VersionReaderPrincipal, session: SessionDep
) -> Company:
    return Company.model_validate(
        await service.get(session, principal=principal, company_id=company_id)
    )


@router.patch("/{company_id}", summary="Modifier une entreprise (employeur : la sienne)")
async def update_company(
    company_id: uuid.UUID,
    data: CompanyUpdate,
    principal: WriterPrincipal,
    session: SessionDep,
    client: ThesaurusDep,
    outbox: OutboxDep,
) -> Company:
    company = await service.update(
        session,
        principal=principal,
        company_id=company_id,
        data=data,
        client=client,
        outbox=outbox,
        today=today(),
    )
    return Company.model_validate(company)


class CompanyPseudonym(BaseModel):
    company_id: uuid.UUID
    pseudonym: str


@router.get(
    "/{company_id}/pseudonym",
    summary="Pseudonyme de l'entreprise dans les événements (pour le service des bilans)",
)
async def company_pseudonym(
    company_id: uuid.UUID, principal: WriterPrincipal, session: SessionDep
) -> CompanyPseudonym:
    """The keyed pseudonym that names this company in the assessment's events.

    The reporting service asks it, with the caller's own token, when an establishment is
    registered: so the action-plan events (pseudonymous) can be matched to the report, and
    only by someone allowed to see the company.
    """
    company = await service.get(session, principal=principal, company_id=company_id)
    settings = await settings_of(session, company.tenant_id)
    return CompanyPseudonym(
        company_id=company.id, pseudonym=pseudonym(settings.pseudonym_key, company.id)
    )
