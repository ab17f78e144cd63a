"""HTTP API of the sector library and of a company's suggested hazards."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from assessment.api.dependencies import CompanyDep, WriterPrincipal
from assessment.library import service
from assessment.library.schemas import LibraryEntry, ProposalIn, Review
from cosar_common.auth import Permission, Principal, require
from cosar_common.db.dependencies import SessionDep
from cosar_common.thesaurus_client import ThesaurusDep

router = APIRouter(tags=["bibliothèque sectorielle"])

ReaderPrincipal = Annotated[Principal, Depends(require(Permission.LIBRARY_READ))]
ProposerPrincipal = Annotated[Principal, Depends(require(Permission.LIBRARY_PROPOSE))]
EditorPrincipal = Annotated[Principal, Depends(require(Permission.LIBRARY_REVIEW))]


@router.get(
    "/companies/{company_id}/duerp/suggestions",
    summary="Dangers typiques du secteur de l'entreprise (d'après son code NAF)",
)
async def suggestions(
    company: CompanyDep, _: WriterPrincipal, session: SessionDep
) -> list[LibraryEntry]:
    rows = await service.suggestions(session, naf_code=company.naf_code)
    return [LibraryEntry.model_validate(r) for r in rows]


@router.get("/library", summary="Bibliothèque sectorielle régionale")
async def listing(
    principal: ReaderPrincipal,
    session: SessionDep,
    naf_division: str | None = None,
    status: str | None = None,
) -> list[LibraryEntry]:
    rows = await service.listing(session, principal=principal, division=naf_division, status=status)
    return [LibraryEntry.model_validate(r) for r in rows]


@router.post(
    "/library/proposals",
    status_code=status.HTTP_201_CREATED,
    summary="Proposer un danger typique pour un secteur",
)
async def propose(
    data: ProposalIn, principal: ProposerPrincipal, session: SessionDep, client: ThesaurusDep
) -> LibraryEntry:
    entry = await service.propose(session, principal=principal, data=data, client=client)
    return LibraryEntry.model_validate(entry)


@router.post("/library/proposals/{entry_id}/review", summary="Publier ou refuser une proposition")
async def review(
    entry_id: uuid.UUID, data: Review, principal: EditorPrincipal, session: SessionDep
) -> LibraryEntry:
    entry = await service.review(session, principal=principal, entry_id=entry_id, data=data)
    return LibraryEntry.model_validate(entry)
