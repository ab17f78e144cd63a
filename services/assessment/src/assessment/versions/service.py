"""Published versions of the DUERP: publish, read, verify the chain, compare, export, CSE.

Publishing freezes the open DUERP into a snapshot, seals it (canonical JSON, SHA-256, chained
to the previous version) and, in the same transaction, puts the anonymised aggregates in the
outbox. Versions are never updated or deleted (the database refuses it).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from assessment.domain.aggregates import duerp_published
from assessment.domain.diff import SnapshotDiff, diff_snapshots
from assessment.domain.snapshot import DuerpSnapshot
from assessment.duerp import repository
from assessment.duerp.builder import build_snapshot
from assessment.duerp.service import open_duerp
from assessment.exports import EXPORTERS, ExportInput, VersionHistoryEntry
from assessment.tenancy.service import method_of, settings_of
from assessment.versions.models import CseConsultation, DocumentVersion
from assessment.versions.schemas import CseConsultationIn
from cosar_common import clock
from cosar_common.auth import Principal
from cosar_common.documents import Document
from cosar_common.errors import Conflict, NotFound
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.outbox import OutboxWriter
from cosar_common.integrity import ChainReport, StoredLink, build_link, verify_chain
from cosar_common.thesaurus_client import ThesaurusClient

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
) -> DocumentVersion:
    """Store ``document`` as version ``number``, hashed and chained; never changed after."""
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
    )
    session.add(version)
    await session.flush()
    return version


async def publish(
    session: AsyncSession,
    *,
    company: Company,
    expected: int,
    year: int | None,
    principal: Principal,
    client: ThesaurusClient,
    outbox: OutboxWriter,
) -> DocumentVersion:
    """Publish the open DUERP as the next numbered version and emit its aggregates."""
    duerp = await open_duerp(session, company)
    await repository.bump(session, duerp, expected=expected, actor=principal.actor)
    settings = await settings_of(session, company.tenant_id)
    previous = await latest(session, company.id)
    now = clock.now_utc().replace(microsecond=0)
    number = previous.number + 1 if previous else 1
    snapshot = await build_snapshot(
        session,
        company=company,
        duerp=duerp,
        method=method_of(settings),
        client=client,
        year=year or clock.date_of(now).year,
        number=number,
        published_at=now,
        published_by=principal.actor,
        previous_hash=previous.content_hash if previous else None,
    )
    stale = [
        risk.hazard.display
        for unit in snapshot.work_units
        for risk in unit.risks
        if risk.rating.method != snapshot.method.key
    ]
    if stale:
        raise Conflict(
            "Des risques ont été cotés avec une autre méthode que celle du service "
            f"({snapshot.method.label}) : recotez-les avant de publier ({', '.join(stale)}).",
            code="rating_method_mismatch",
        )
    if not snapshot.work_units:
        raise Conflict(
            "Le document unique ne contient encore aucune unité de travail : rien à publier.",
            code="empty_duerp",
        )
    version = await seal(
        session,
        company=company,
        kind=DUERP,
        document=snapshot,
        number=number,
        previous_hash=snapshot.previous_hash,
        published_at=now,
        published_by=principal.actor,
    )
    units = await repository.work_units(session, duerp.id)
    families = {
        row.hazard_code: row.hazard_family
        for row in await repository.risks(session, [u.id for u in units])
    }
    payload = duerp_published(
        snapshot,
        company_pseudonym=pseudonym(settings.pseudonym_key, company.id),
        family_of=lambda code: families.get(code),
    )
    await outbox.add(session, payload, tenant_id=company.tenant_id)
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
    """Version ``number`` rendered as ``fmt`` (one of ``EXPORTERS``), with the history up to it."""
    versions = [v for v in await versions_of(session, company.id) if v.number <= number]
    if not versions or versions[-1].number != number:
        await get_version(session, company.id, number)  # raises the French 404
    version = versions[-1]
    data = ExportInput(
        snapshot=snapshot_of(version),
        hash=version.content_hash,
        history=[
            VersionHistoryEntry(
                number=v.number,
                published_at=v.published_at,
                published_by=v.published_by,
                hash=v.content_hash,
            )
            for v in versions
        ],
        tenant_name=company.tenant_id,
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
