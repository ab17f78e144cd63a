"""HTTP API of the fiche d'entreprise (R4624-46): the SPSTI's staff writes and publishes it;
the employer and the CSE read its published versions.

The draft's routes take the company through ``FicheCompanyDep`` (``FICHE_WRITE``), the
published versions' through ``FicheReaderCompanyDep`` (``FICHE_READ``): 404 for a company the
caller may not see, then 403 for a caller without the permission.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from assessment.api.dependencies import (
    FicheCompanyDep,
    FicheReaderCompanyDep,
    VersionReaderPrincipal,
)
from assessment.domain.fiche import FicheSnapshot
from assessment.fiche import service
from assessment.fiche.schemas import FicheDraftIn, FicheDraftView
from assessment.versions import service as versions
from assessment.versions.schemas import VersionSummary
from cosar_common.api.params import VersionNumber
from cosar_common.clock import today
from cosar_common.concurrency import IfMatch
from cosar_common.db.dependencies import OutboxDep, SessionDep
from cosar_common.integrity import ChainReport
from cosar_common.thesaurus_client import ThesaurusDep

router = APIRouter(prefix="/companies/{company_id}/fiche", tags=["fiche d'entreprise"])


@router.get("", summary="Lire la fiche d'entreprise en cours")
async def read_fiche(
    company: FicheCompanyDep,
    session: SessionDep,
    client: ThesaurusDep,
    response: Response,
) -> FicheDraftView:
    data = await service.view(session, company=company, client=client, year=today().year)
    response.headers["ETag"] = f'"{data.lock_version}"'
    return data


@router.put("", summary="Enregistrer observations, expositions et actions recommandées")
async def save_fiche(
    data: FicheDraftIn,
    company: FicheCompanyDep,
    session: SessionDep,
    client: ThesaurusDep,
    expected: IfMatch,
    response: Response,
) -> FicheDraftView:
    await service.save(session, company=company, data=data, expected=expected, client=client)
    view = await service.view(session, company=company, client=client, year=today().year)
    response.headers["ETag"] = f'"{view.lock_version}"'
    return view


@router.post("/versions", status_code=status.HTTP_201_CREATED, summary="Publier la fiche")
async def publish_fiche(
    company: FicheCompanyDep,
    principal: VersionReaderPrincipal,  # FicheCompanyDep checked FICHE_WRITE
    session: SessionDep,
    client: ThesaurusDep,
    outbox: OutboxDep,
    expected: IfMatch,
) -> VersionSummary:
    version = await service.publish(
        session,
        company=company,
        expected=expected,
        principal=principal,
        client=client,
        outbox=outbox,
    )
    return VersionSummary.of(version)


@router.get("/versions", summary="Versions publiées de la fiche")
async def list_fiche_versions(
    company: FicheReaderCompanyDep, session: SessionDep
) -> list[VersionSummary]:
    return [
        VersionSummary.of(v)
        for v in await versions.versions_of(session, company.id, versions.FICHE)
    ]


@router.get("/versions/verify", summary="Vérifier la chaîne d'empreintes des fiches")
async def verify_fiche_chain(company: FicheReaderCompanyDep, session: SessionDep) -> ChainReport:
    return versions.verify(await versions.versions_of(session, company.id, versions.FICHE))


@router.get("/versions/{number}", summary="Lire une version publiée de la fiche")
async def read_fiche_version(
    number: VersionNumber, company: FicheReaderCompanyDep, session: SessionDep
) -> FicheSnapshot:
    version = await versions.get_version(session, company.id, number, versions.FICHE)
    return FicheSnapshot.model_validate_json(version.content)
