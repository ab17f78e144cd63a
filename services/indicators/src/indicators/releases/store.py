"""Writing a release once, reading it back (cells to serve, population to audit)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from indicators.domain.release.cubes import NAF, SIZE, TENANT, Unit
from indicators.domain.release.protect import ProtectedCube
from indicators.domain.release.release import Population
from indicators.domain.secrecy import TOTAL, CellKey, cell_key
from indicators.releases.models import REGION, Release, ReleaseCell, ReleaseUnit

_BATCH = 5000


def coordinates(key: CellKey) -> tuple[str, str, str]:
    """A cell's (tenant, naf, size) columns; a total is the empty string."""
    return tuple(  # type: ignore[return-value]
        "" if (code := key.code(dim)) == TOTAL else code for dim in (TENANT, NAF, SIZE)
    )


def key_of(measure: str, tenant: str, naf: str, size: str) -> CellKey:
    return cell_key(measure, {TENANT: tenant or TOTAL, NAF: naf or TOTAL, SIZE: size or TOTAL})


def cell_rows(release_id: uuid.UUID, cubes: Mapping[str, ProtectedCube]) -> list[dict[str, Any]]:
    rows = []
    for name, pc in sorted(cubes.items()):
        for key, cell in sorted(pc.cube.tables.cells.items()):
            tenant, naf, size = coordinates(key)
            reason = pc.reasons.get(key)
            rows.append(
                {
                    "release_id": release_id,
                    "measure": name,
                    "tenant": tenant,
                    "naf": naf,
                    "size": size,
                    "value": None if reason else cell.value,
                    "own_value": cell.value if tenant != REGION else None,
                    "reason": None if reason is None else reason.value,
                    "companies": pc.cube.companies.get(key, 0),
                }
            )
    return rows


def unit_rows(release_id: uuid.UUID, population: Population) -> list[dict[str, Any]]:
    return [
        {
            "release_id": release_id,
            "source": unit.source,
            "tenant": unit.tenant,
            "company": unit.company,
            "division": unit.division,
            "size": unit.size,
            "contributions": dict(unit.values),
        }
        for unit in population.units
    ]


async def insert_rows(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _BATCH):
        await session.execute(insert(table), list(rows[start : start + _BATCH]))


async def next_number(session: AsyncSession, year: int) -> int:
    found = await session.scalar(select(func.max(Release.number)).where(Release.year == year))
    return int(found or 0) + 1


async def latest(session: AsyncSession, year: int) -> Release | None:
    return await session.scalar(
        select(Release).where(Release.year == year).order_by(Release.number.desc()).limit(1)
    )


async def releases(session: AsyncSession, year: int | None = None) -> list[Release]:
    query = select(Release).order_by(Release.year.desc(), Release.number.desc())
    if year is not None:
        query = query.where(Release.year == year)
    return list((await session.scalars(query)).all())


async def population_of(session: AsyncSession, release: Release) -> Population:
    rows = await session.execute(
        select(ReleaseUnit)
        .where(ReleaseUnit.release_id == release.id)
        .order_by(ReleaseUnit.source, ReleaseUnit.tenant, ReleaseUnit.company)
    )
    units = tuple(
        Unit(r.tenant, r.company, r.division, r.size, dict(r.contributions), r.source)
        for r in rows.scalars()
    )
    return Population(units, dict(release.parameters["sections"]))


async def stored_cells(
    session: AsyncSession, release_id: uuid.UUID
) -> dict[str, dict[CellKey, ReleaseCell]]:
    rows = await session.scalars(select(ReleaseCell).where(ReleaseCell.release_id == release_id))
    cells: dict[str, dict[CellKey, ReleaseCell]] = {}
    for row in rows:
        cells.setdefault(row.measure, {})[key_of(row.measure, row.tenant, row.naf, row.size)] = row
    return cells


def published_values(
    cells: Mapping[str, Mapping[CellKey, ReleaseCell]],
) -> dict[str, dict[CellKey, float]]:
    return {
        name: {key: row.value for key, row in found.items() if row.value is not None}
        for name, found in cells.items()
    }
