"""HTTP API of published DUERP versions: publish, read, verify the chain, diff, export, CSE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from assessment.api.dependencies import (
    CompanyDep,
    VersionReaderPrincipal,
    WriterPrincipal,
)
from assessment.domain.diff import SnapshotDiff
from assessment.domain.snapshot import DuerpSnapshot
from assessment.duerp import publication
from assessment.exports import EXPORTERS
from assessment.versions import service
from assessment.versions.schemas import (
    CseConsultation,
    CseConsultationIn,
    PublishRequest,
    VersionSummary,
)
from cosar_common.api.params import VersionNumber
from cosar_common.auth import Permission, Principal, require
from cosar_common.clock import today
from cosar_common.concurrency import IfMatch
from cosar_common.db.dependencies import OutboxDep, SessionDep
from cosar_common.integrity import ChainReport
from cosar_common.thesaurus_client import ThesaurusDep

router = APIRouter(prefix="/companies/{company_id}/duerp/versions", tags=["versions du DUERP"])

# The CSE records its opinion; the employer may record it for the CSE too.
CsePrincipal = Annotated[Principal, Depends(require(Permission.CSE_OPINION_RECORD))]

if TYPE_CHECKING:
    ExportFormat = str
else:
    ExportFormat = EXPORTERS.format_type()


@router.post("", status_code=status.HTTP_201_CREATED, summary="Publier une version (immuable)")
async def publish(
    company: CompanyDep,
    principal: WriterPrincipal,
    session: SessionDep,
    client: ThesaurusDep,
    outbox: OutboxDep,
    expected: IfMatch,
    response: Response,
    body: PublishRequest | None = None,
) -> VersionSummary:
    version = await publication.publish(
        session,
        company=company,
        expected=expected,
        year=body.year if body else None,
        confirm_unchanged=body.confirm_unchanged if body else False,
        principal=principal,
        client=client,
        outbox=outbox,
    )
    response.headers["ETag"] = f'"{expected + 1}"'
    return VersionSummary.of(version)


@router.get("", summary="Versions publiées, avec la consultation du CSE")
async def list_versions(
    company: CompanyDep, _: VersionReaderPrincipal, session: SessionDep
) -> list[VersionSummary]:
    consultations = await service.consultations(session, company.id)
    return [
        VersionSummary.of(v, consultations.get(v.id))
        for v in await service.versions_of(session, company.id)
    ]


@router.get("/verify", summary="Vérifier la chaîne d'empreintes des versions")
async def verify(
    company: CompanyDep, _: VersionReaderPrincipal, session: SessionDep
) -> ChainReport:
    return service.verify(await service.versions_of(session, company.id))


@router.get("/diff", summary="Comparer deux versions quelconques")
async def diff(
    company: CompanyDep,
    _: VersionReaderPrincipal,
    session: SessionDep,
    from_: Annotated[VersionNumber, Query(alias="from")],
    to: VersionNumber,
) -> SnapshotDiff:
    return await service.diff(session, company_id=company.id, from_number=from_, to_number=to)


@router.get(
    "/{number}",
    response_model=DuerpSnapshot,
    summary="Lire une version publiée (document complet)",
)
async def read_version(
    number: VersionNumber, company: CompanyDep, _: VersionReaderPrincipal, session: SessionDep
) -> Response:
    version = await service.get_version(session, company.id, number)
    # The stored canonical JSON is the version itself: answer it byte for byte.
    return Response(bytes(version.content), media_type="application/json")


@router.get("/{number}/export.{fmt}", summary=f"Exporter une version : {EXPORTERS.listed()}")
async def export(
    number: VersionNumber,
    fmt: ExportFormat,
    company: CompanyDep,
    _: VersionReaderPrincipal,
    session: SessionDep,
) -> Response:
    document = await service.export(session, company=company, number=number, fmt=fmt)
    return document.response()


@router.post(
    "/{number}/cse-consultation",
    status_code=status.HTTP_201_CREATED,
    summary="Enregistrer la consultation du CSE sur une version",
)
async def record_consultation(
    number: VersionNumber,
    data: CseConsultationIn,
    company: CompanyDep,
    principal: CsePrincipal,
    session: SessionDep,
) -> CseConsultation:
    consultation = await service.record_consultation(
        session, company=company, number=number, data=data, principal=principal, today=today()
    )
    return CseConsultation.model_validate(consultation)
