"""Making a release (read the population, protect jointly, audit, store) and auditing one."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cosar_common.events.inbox import ProcessedEvent
from cosar_common.vocabulary import NAF
from indicators.domain.release.audit import AuditReport, Breach, Mapper, audit_release
from indicators.domain.release.cubes import build_cube, changes
from indicators.domain.release.measures import measure, rate_links
from indicators.domain.release.protect import Margins, ProtectedCube, Reason, Secrecy
from indicators.domain.release.release import (
    Population,
    Progress,
    Protected,
    information_loss,
    protect_release,
)
from indicators.domain.secrecy import PrimaryRules, SolverOptions
from indicators.facts.consumers import CONSUMER
from indicators.releases import latest, store
from indicators.releases.models import Release, ReleaseCell, ReleaseUnit
from indicators.releases.population import read_population
from indicators.releases.workers import workers_for
from indicators.settings import IndicatorsSettings

TABLE_SET = "cubes-1"
"""The version of the table set a release publishes (docs/indicators-releases.md)."""


class ReleaseRejected(RuntimeError):
    """The audit found breaches: nothing was published."""

    def __init__(self, report: AuditReport) -> None:
        super().__init__(f"{len(report.breaches)} breaches: {report.by_kind()}")
        self.report = report


def secrecy_of(settings: IndicatorsSettings) -> Secrecy:
    return Secrecy(
        rules=PrimaryRules(
            min_companies=settings.secrecy_min_companies,
            dominance_k=settings.secrecy_dominance_k,
            min_persons=settings.secrecy_min_persons,
        ),
        margins=Margins(relative=settings.secrecy_protection_relative),
        options=SolverOptions(max_mip_rounds=settings.release_mip_rounds),
    )


def reference_date(year: int, today: date) -> date:
    """ "Données arrêtées au": today during the year, 31 December once it is over."""
    return min(today, date(year, 12, 31))


async def _naf_version(session: AsyncSession) -> str:
    return NAF  # the hierarchy comes from the thesaurus' published NAF rév. 2


def summary(report: AuditReport) -> dict[str, Any]:
    return {
        "breaches": len(report.breaches),
        "by_kind": report.by_kind(),
        "targets": dict(sorted(report.targets.items())),
        "first": [asdict(b) | {"repair": None} for b in report.breaches[:20]],
    }


def loss_summary(protected: Protected) -> dict[str, Any]:
    return {
        level: {
            "cells": loss.cells,
            "hidden": loss.hidden,
            "cell_share": round(loss.cell_share, 4),
            "value_share": round(loss.value_share, 4),
        }
        for level, loss in information_loss(protected.cubes).items()
    }


async def make_release(
    sessions: async_sessionmaker[AsyncSession],
    settings: IndicatorsSettings,
    *,
    year: int,
    today: date,
    made_by: str,
    progress: Progress | None = None,
) -> Release:
    """Compute, protect, audit and store the next release of ``year``; raises
    :class:`ReleaseRejected` (nothing stored) when the audit finds a breach."""
    reference = reference_date(year, today)
    secrecy = secrecy_of(settings)
    async with sessions() as session:
        population = await read_population(session, year, reference)
        previous = await store.latest(session, year)
        before: Population | None = None
        published_before = None
        if previous is not None:
            before = await store.population_of(session, previous)
            published_before = store.published_values(
                await store.stored_cells(session, previous.id)
            )
        events = await session.scalar(
            select(func.count())
            .select_from(ProcessedEvent)
            .where(ProcessedEvent.consumer == CONSUMER)
        )
        naf_version = await _naf_version(session)
    protected = await asyncio.to_thread(
        protect_release,
        population,
        secrecy,
        previous=before,
        previous_published=published_before,
        progress=progress,
        mapper=workers_for(settings.release_workers).map,
    )
    if not protected.audit.ok:
        raise ReleaseRejected(protected.audit)
    return await store_release(
        sessions,
        protected,
        population,
        secrecy,
        year=year,
        reference=reference,
        made_by=made_by,
        naf_version=naf_version,
        previous=previous,
        events=int(events or 0),
    )


async def store_release(
    sessions: async_sessionmaker[AsyncSession],
    protected: Protected,
    population: Population,
    secrecy: Secrecy,
    *,
    year: int,
    reference: date,
    made_by: str,
    naf_version: str,
    previous: Release | None,
    events: int,
) -> Release:
    """Write an audited release once, numbered after the year's latest (the benchmark stores
    its generated release with it too)."""
    assert protected.audit.ok, "a release that fails its audit is never stored"
    release_id = uuid.uuid4()
    async with sessions() as session, session.begin():
        await session.execute(text("LOCK TABLE release IN SHARE ROW EXCLUSIVE MODE"))
        release = Release(
            id=release_id,
            year=year,
            number=await store.next_number(session, year),
            reference_date=reference,
            made_by=made_by,
            naf_version=naf_version,
            parameters={
                "table_set": TABLE_SET,
                "rules": asdict(secrecy.rules),
                "margins": asdict(secrecy.margins),
                "solver": asdict(secrecy.options),
                "measures": sorted(protected.cubes),
                "sections": dict(sorted(population.sections.items())),
                "previous": str(previous.id) if previous else None,
            },
            audit=summary(protected.audit),
            loss=loss_summary(protected),
            events=events,
        )
        session.add(release)
        await session.flush()
        await store.insert_rows(session, ReleaseCell, store.cell_rows(release_id, protected.cubes))
        await store.insert_rows(session, ReleaseUnit, store.unit_rows(release_id, population))
        await latest.announce(session, year)
    latest.LATEST.forget()  # this process at once; the others when the notification arrives
    async with sessions() as session:
        stored = await session.get(Release, release_id)
        assert stored is not None
        return stored


async def audit_stored(
    session: AsyncSession, settings: IndicatorsSettings, release: Release
) -> AuditReport:
    """Recompute the release from the population stored with it, check that the stored
    cells are those values, and attack the stored pattern (with the previous release)."""
    secrecy = secrecy_of(settings)
    population = await store.population_of(session, release)
    cells = await store.stored_cells(session, release.id)
    previous_id = release.parameters.get("previous")
    before: Population | None = None
    published_before = None
    if previous_id:
        earlier = await session.get(Release, uuid.UUID(previous_id))
        assert earlier is not None
        before = await store.population_of(session, earlier)
        published_before = store.published_values(await store.stored_cells(session, earlier.id))
    return await asyncio.to_thread(
        _audit,
        population,
        cells,
        secrecy,
        before,
        published_before,
        workers_for(settings.release_workers).map,
    )


def _audit(
    population: Population,
    cells: dict[str, dict[Any, ReleaseCell]],
    secrecy: Secrecy,
    before: Population | None,
    published_before: dict[str, dict[Any, float]] | None,
    mapper: Mapper = map,
) -> AuditReport:
    report = AuditReport()
    cubes: dict[str, ProtectedCube] = {}
    for name in population.measures:
        cube = build_cube(
            measure(name), population.units, sections=population.sections, sizes=population.sizes
        )
        stored = cells.get(name, {})
        for key, cell in cube.tables.cells.items():
            row = stored.get(key)
            if row is None or (row.value is not None and abs(row.value - cell.value) > 1e-6):
                report.breaches.append(
                    _mismatch(name, key, "cellule absente ou différente de la population")
                )
        for key in stored.keys() - cube.tables.cells.keys():
            report.breaches.append(_mismatch(name, key, "cellule en trop"))
        reasons = {key: Reason(row.reason) for key, row in stored.items() if row.reason}
        moved = changes(cube, before.units, population.units) if before else {}
        cubes[name] = ProtectedCube(cube, reasons, moved)
    report.merge(
        audit_release(
            cubes,
            secrecy,
            previous=published_before,
            links=rate_links(set(cubes)),
            mapper=mapper,
        )
    )
    return report


def _mismatch(name: str, key: Any, detail: str) -> Breach:
    return Breach("integrity", "stored", name, str(key), detail)
