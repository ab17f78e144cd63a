"""Published versions (DUERP and fiche d'entreprise): seal, read, verify the chain, compare,
export, CSE consultations.

A version is sealed once (canonical JSON, SHA-256, chained to the previous version of the same
document) and never updated or deleted (the database refuses it). What is sealed is the
publishing feature's business: ``duerp.publication`` and ``fiche.service`` call :func:`seal`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies import repository as companies
from assessment.companies.models import Company
from assessment.domain.consultation import consultation_date_error, earliest_consultation
from assessment.domain.diff import SnapshotDiff, diff_snapshots
from assessment.domain.snapshot import DuerpSnapshot
from assessment.exports import EXPORTERS, ConsultationEntry, ExportInput, VersionHistoryEntry
from assessment.tenancy.service import display_name_of
from assessment.versions.models import CseConsultation, DocumentVersion
from assessment.versions.schemas import CseConsultationIn
from cosar_common.auth import Principal
from cosar_common.clock import date_of
from cosar_common.documents import Document
from cosar_common.errors import Conflict, NotFound, RuleViolation
from cosar_common.integrity import ChainReport, StoredLink, build_link, verify_chain

DUERP = "duerp"
FICHE = "fiche"


async def versions_of(
    session: AsyncSession, company_id: uuid.UUID, kind: str = DUERP
) -> Sequence[DocumentVersion]:
    query = (
        select(DocumentVersion)
        .where(DocumentVersion.company_id == company_id, DocumentVersion.kind == kind)
        .order_by(DocumentVersion.number)
    )
    return (await session.scalars(query)).all()


async def latest(
    session: AsyncSession, company_id: uuid.UUID, kind: str = DUERP
) -> DocumentVersion | None:
    query = (
        select(DocumentVersion)
        .where(DocumentVersion.company_id == company_id, DocumentVersion.kind == kind)
        .order_by(DocumentVersion.number.desc())
        .limit(1)
    )
    return await session.scalar(query)


async def get_version(
    session: AsyncSession, company_id: uuid.UUID, number: int, kind: str = DUERP
) -> DocumentVersion:
    found = await session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.company_id == company_id,
            DocumentVersion.kind == kind,
            DocumentVersion.number == number,
        )
    )
    if found is None:
        raise NotFound(f"Version {number} introuvable.")
    return found


def snapshot_of(version: DocumentVersion) -> DuerpSnapshot:
    return DuerpSnapshot.model_validate_json(version.content)


async def seal(
    session: AsyncSession,
    *,
    company: Company,
    kind: str,
    document: BaseModel,
    number: int,
    previous_hash: str | None,
    published_at: datetime,
    published_by: str,
    published_by_name: str | None = None,
) -> DocumentVersion:
    """Store ``document`` as version ``number``, hashed and chained; never changed after.

    ``published_by_name`` (the publisher's full name, printed by the exports) is stored beside
    the hashed content, not in it: the chain's rules stay those of the versions already sealed.
    """
    link = build_link(number, document, previous_hash)
    version = DocumentVersion(
        tenant_id=company.tenant_id,
        company_id=company.id,
        kind=kind,
        number=number,
        content=link.content,
        content_hash=link.stored_hash,
        previous_hash=previous_hash,
        published_at=published_at,
        published_by=published_by,
        published_by_name=published_by_name,
    )
    session.add(version)
    await session.flush()
    return version


def verify(versions: Sequence[DocumentVersion]) -> ChainReport:
    links = [
        StoredLink(v.number, v.previous_hash, bytes(v.content), v.content_hash) for v in versions
    ]
    return verify_chain(links)


async def diff(
    session: AsyncSession, *, company_id: uuid.UUID, from_number: int, to_number: int
) -> SnapshotDiff:
    old = snapshot_of(await get_version(session, company_id, from_number))
    new = snapshot_of(await get_version(session, company_id, to_number))
    return diff_snapshots(old, new)


async def export(session: AsyncSession, *, company: Company, number: int, fmt: str) -> Document:
    """Version ``number`` rendered as ``fmt`` (one of ``EXPORTERS``), with the history up to it
    and the CSE's consultation on it: a consultation recorded later gives a new rendering of the
    same version, whose stored content and hash do not change."""
    versions = [v for v in await versions_of(session, company.id) if v.number <= number]
    if not versions or versions[-1].number != number:
        await get_version(session, company.id, number)  # raises the French 404
    version = versions[-1]
    consultation = await session.scalar(
        select(CseConsultation).where(CseConsultation.version_id == version.id)
    )
    data = ExportInput(
        snapshot=snapshot_of(version),
        hash=version.content_hash,
        history=[
            VersionHistoryEntry(
                number=v.number,
                published_at=v.published_at,
                published_by=v.published_by,
                published_by_name=v.published_by_name,
                hash=v.content_hash,
            )
            for v in versions
        ],
        tenant_name=await display_name_of(session, company.tenant_id),
        consultation=ConsultationEntry(
            consulted_on=consultation.consulted_on,
            opinion=consultation.opinion,
            proposals=consultation.proposals,
            recorded_by=consultation.recorded_by,
            recorded_by_name=consultation.recorded_by_name,
            recorded_at=consultation.recorded_at,
        )
        if consultation is not None
        else None,
    )
    return EXPORTERS.render(fmt, data, name=f"DUERP-{company.siret}-v{number}")


async def record_consultation(
    session: AsyncSession,
    *,
    company: Company,
    number: int,
    data: CseConsultationIn,
    principal: Principal,
    today: date,
) -> CseConsultation:
    version = await get_version(session, company.id, number)
    previous = await get_version(session, company.id, number - 1) if version.number > 1 else None
    earliest = earliest_consultation(
        date_of(version.published_at),
        date_of(previous.published_at) if previous is not None else None,
    )
    refused = consultation_date_error(data.consulted_on, earliest=earliest, today=today)
    if refused is not None:
        raise RuleViolation(
            refused,
            code="invalid_consultation_date",
            errors=[{"field": "body.consulted_on", "message": refused}],
        )
    existing = await session.scalar(
        select(CseConsultation).where(CseConsultation.version_id == version.id)
    )
    if existing is not None:
        raise Conflict(
            "La consultation du CSE sur cette version est déjà enregistrée.",
            code="consultation_exists",
        )
    consultation = CseConsultation(
        tenant_id=company.tenant_id,
        company_id=company.id,
        version_id=version.id,
        consulted_on=data.consulted_on,
        opinion=data.opinion,
        proposals=data.proposals,
        recorded_by=principal.actor,
        recorded_by_name=principal.display_name,
    )
    session.add(consultation)
    await session.flush()
    return consultation


async def consultations(
    session: AsyncSession, company_id: uuid.UUID
) -> dict[uuid.UUID, CseConsultation]:
    rows = await session.scalars(
        select(CseConsultation).where(CseConsultation.company_id == company_id)
    )
    return {c.version_id: c for c in rows}


async def last_versions(
    session: AsyncSession, *, principal: Principal
) -> Sequence[tuple[Company, int | None, datetime | None]]:
    """Each visible company with the number and date of its last DUERP version (if any)."""
    last = (
        select(
            DocumentVersion.company_id,
            func.max(DocumentVersion.number).label("number"),
            func.max(DocumentVersion.published_at).label("published_at"),
        )
        .where(DocumentVersion.kind == DUERP)
        .group_by(DocumentVersion.company_id)
        .subquery()
    )
    query = (
        companies.visible(principal)
        .add_columns(last.c.number, last.c.published_at)
        .outerjoin(last, last.c.company_id == Company.id)
        .order_by(Company.name)
    )
    return [(row[0], row[1], row[2]) for row in await session.execute(query)]
