"""Applying the aggregate events to the star schema: idempotent, newest version wins.

Each handler runs in the consumer's transaction, with the inbox claim of the event: applied
at most once. A newer version of a company's DUERP for the same year replaces its rows; an
older one arriving late (a replay, a re-sent message) changes nothing.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.events import RawEnvelope
from cosar_common.events.assessment import CompanyRegistered, DuerpPublished, FichePublished
from cosar_common.events.reporting import ReportFinalised
from cosar_common.events.thesaurus import VersionPublished
from cosar_common.thesaurus_client import ThesaurusClient
from cosar_common.vocabulary import NAF
from indicators.facts.models import (
    AccidentFact,
    DuerpContribution,
    HazardFact,
    MemberCompany,
    NafLevels,
    PenibiliteFact,
)


async def ensure_naf_levels(session: AsyncSession, client: ThesaurusClient, code: str) -> None:
    """Record the section, division, group and class of a NAF sub-class (thesaurus hierarchy)."""
    if await session.get(NafLevels, code) is not None:
        return
    chain = [code]
    current = code
    while True:
        concept = await client.lookup(NAF, current)
        if concept is None or not concept.parents:
            break
        current = concept.parents[0]
        chain.append(current)
    # sub-class, class, group, division, section (NAF rév. 2 has five levels)
    if len(chain) != 5:
        raise ValueError(f"NAF code {code} is not a sub-class of the thesaurus: {chain}")
    await session.execute(
        insert(NafLevels)
        .values(
            code=code,
            class_code=chain[1],
            group_code=chain[2],
            division=chain[3],
            section=chain[4],
        )
        .on_conflict_do_nothing()
    )


async def company_registered(
    session: AsyncSession,
    payload: CompanyRegistered,
    envelope: RawEnvelope,
    client: ThesaurusClient,
) -> None:
    assert envelope.tenant_id is not None
    await ensure_naf_levels(session, client, payload.naf_code)
    values = {
        "tenant_id": envelope.tenant_id,
        "company": payload.company,
        "naf_code": payload.naf_code,
        "size_band": payload.size_band,
        "headcount": payload.headcount,
        "registered_on": payload.registered_on,
    }
    statement = insert(MemberCompany).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[MemberCompany.tenant_id, MemberCompany.company],
            set_={k: statement.excluded[k] for k in ("naf_code", "size_band", "headcount")},
        )
    )


async def duerp_published(
    session: AsyncSession,
    payload: DuerpPublished,
    envelope: RawEnvelope,
    client: ThesaurusClient,
) -> None:
    tenant = envelope.tenant_id
    assert tenant is not None
    key = {"tenant_id": tenant, "company": payload.company, "year": payload.year}
    stored = await session.get(DuerpContribution, key)
    if stored is not None and stored.version > payload.version:
        return  # an older version arriving late: the newer one stays
    await ensure_naf_levels(session, client, payload.naf_code)
    await session.execute(
        delete(HazardFact).where(
            HazardFact.tenant_id == tenant,
            HazardFact.company == payload.company,
            HazardFact.year == payload.year,
            HazardFact.source == "duerp",
        )
    )
    await session.execute(
        delete(PenibiliteFact).where(
            PenibiliteFact.tenant_id == tenant,
            PenibiliteFact.company == payload.company,
            PenibiliteFact.year == payload.year,
        )
    )
    values = {
        **key,
        "version": payload.version,
        "published_on": payload.published_on,
        "naf_code": payload.naf_code,
        "size_band": payload.size_band,
        "headcount": payload.headcount,
        "work_units": payload.work_units,
        "work_units_serious": payload.work_units_major_or_important,
        "actions_due": payload.actions.due,
        "actions_done_on_time": payload.actions.done_on_time,
        "jobs": {job.pcs: job.count for job in payload.jobs},
    }
    statement = insert(DuerpContribution).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                DuerpContribution.tenant_id,
                DuerpContribution.company,
                DuerpContribution.year,
            ],
            set_={k: statement.excluded[k] for k in values if k not in key},
        )
    )
    if payload.hazards:
        await session.execute(
            insert(HazardFact),
            [
                {
                    **key,
                    "hazard_code": h.code,
                    "source": "duerp",
                    "version": payload.version,
                    "family": h.family,
                    "exposed_headcount": h.exposed_headcount,
                    "priority": h.priority,
                    "pcs_codes": list(h.pcs_codes),
                    "exposed_by_pcs": {j.pcs: j.count for j in h.exposed_by_pcs},
                }
                for h in payload.hazards
            ],
        )
    if payload.penibilite:
        await session.execute(
            insert(PenibiliteFact),
            [
                {**key, "factor": p.factor, "above_threshold": p.above_threshold}
                for p in payload.penibilite
            ],
        )


async def fiche_published(
    session: AsyncSession,
    payload: FichePublished,
    envelope: RawEnvelope,
    client: ThesaurusClient,
) -> None:
    tenant = envelope.tenant_id
    assert tenant is not None
    await ensure_naf_levels(session, client, payload.naf_code)
    key = {"tenant_id": tenant, "company": payload.company, "year": payload.year}
    stored = await session.scalar(
        select(func.max(HazardFact.version)).where(
            HazardFact.tenant_id == tenant,
            HazardFact.company == payload.company,
            HazardFact.year == payload.year,
            HazardFact.source == "fiche",
        )
    )
    if stored is not None and stored > payload.version:
        return  # an older fiche arriving late
    await session.execute(
        delete(HazardFact).where(
            HazardFact.tenant_id == tenant,
            HazardFact.company == payload.company,
            HazardFact.year == payload.year,
            HazardFact.source == "fiche",
        )
    )
    if payload.exposures:
        await session.execute(
            insert(HazardFact),
            [
                {
                    **key,
                    "hazard_code": e.code,
                    "source": "fiche",
                    "version": payload.version,
                    "family": e.code.split(".")[0],
                    "exposed_headcount": e.exposed_headcount,
                    "priority": None,
                    "pcs_codes": [],
                }
                for e in payload.exposures
            ],
        )


async def report_finalised(
    session: AsyncSession,
    payload: ReportFinalised,
    envelope: RawEnvelope,
    client: ThesaurusClient,
) -> None:
    tenant = envelope.tenant_id
    assert tenant is not None
    key = {"tenant_id": tenant, "establishment": payload.establishment, "year": payload.year}
    stored = await session.get(AccidentFact, key)
    if stored is not None and stored.revision > payload.revision:
        return
    await ensure_naf_levels(session, client, payload.naf_code)
    values = {
        **key,
        "revision": payload.revision,
        "naf_code": payload.naf_code,
        "size_band": payload.size_band,
        "headcount": payload.headcount,
        "hours_worked": payload.hours_worked,
        "accidents_with_time_off": payload.accidents.work_with_time_off,
        "days_lost": payload.days_lost,
    }
    statement = insert(AccidentFact).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[AccidentFact.tenant_id, AccidentFact.establishment, AccidentFact.year],
            set_={k: statement.excluded[k] for k in values if k not in key},
        )
    )


async def thesaurus_version(
    session: AsyncSession,
    payload: VersionPublished,
    envelope: RawEnvelope,
    client: ThesaurusClient,
) -> None:
    """A new NAF version: forget the recorded levels of its deprecated codes."""
    if payload.code_system != NAF or not payload.diff.deprecated:
        return
    codes = [d.code for d in payload.diff.deprecated]
    await session.execute(delete(NafLevels).where(NafLevels.code.in_(codes)))
    del client, envelope


async def state_digest(session: AsyncSession) -> dict[str, list[tuple[object, ...]]]:
    """Every fact row, sorted: what a rebuild must reproduce exactly."""
    out: dict[str, list[tuple[object, ...]]] = {}
    for model in (MemberCompany, DuerpContribution, HazardFact, PenibiliteFact, AccidentFact):
        columns = [c for c in model.__table__.columns]
        rows = (await session.execute(select(*columns))).all()
        out[model.__tablename__] = sorted(tuple(r) for r in rows)
    return out
