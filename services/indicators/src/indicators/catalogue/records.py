"""Reading the contributions of an indicator from the star schema, for one year and filters.

The SQL is assembled from fixed fragments (column names chosen from the tables below, never
from the request); every value a user gives is a bound parameter.
"""

# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from indicators.catalogue.compute import Contribution
from indicators.catalogue.definitions import Breakdown, IndicatorDefinition


@dataclass(frozen=True)
class Filters:
    year: int
    naf: str | None = None  # a code at any NAF level: section C, division 10, 10.71C…
    size_band: str | None = None
    hazard_family: str | None = None
    hazard: str | None = None
    factor: str | None = None
    pcs: str | None = None
    tenant: str | None = None  # a tenant's own scope


GROUP_COLUMN = {
    Breakdown.NAF_SECTION: "n.section",
    Breakdown.NAF_DIVISION: "n.division",
    Breakdown.SIZE_BAND: "{size}",
}


def _where(filters: Filters, size: str, params: dict[str, Any]) -> str:
    clauses = []
    if filters.naf:
        clauses.append(
            "(n.section = :naf OR n.division = :naf OR n.group_code = :naf"
            " OR n.class_code = :naf OR n.code = :naf)"
        )
        params["naf"] = filters.naf
    if filters.size_band:
        clauses.append(f"{size} = :size_band")
        params["size_band"] = filters.size_band
    if filters.tenant:
        clauses.append("t.tenant_id = :tenant")
        params["tenant"] = filters.tenant
    return "".join(f" AND {c}" for c in clauses)


def _group(breakdown: Breakdown, size: str) -> str:
    return GROUP_COLUMN[breakdown].format(size=size)


async def contributions(
    session: AsyncSession,
    definition: IndicatorDefinition,
    breakdown: Breakdown,
    filters: Filters,
    *,
    today: date,
) -> list[Contribution]:
    params: dict[str, Any] = {"year": filters.year}
    if definition.code == "duerp-coverage":
        reference = min(today, date(filters.year, 12, 31))
        params |= {"ref": reference, "since": reference - timedelta(days=365)}
        sql = (
            f"SELECT t.tenant_id, t.company, {_group(breakdown, 't.size_band')} AS grp,"
            " (EXISTS (SELECT 1 FROM duerp_contribution c WHERE c.tenant_id = t.tenant_id"
            "   AND c.company = t.company AND c.published_on > :since"
            "   AND c.published_on <= :ref))::int AS num, 1 AS den"
            " FROM member_company t JOIN naf_levels n ON n.code = t.naf_code WHERE true"
            + _where(filters, "t.size_band", params)
        )
    elif definition.source == "reports":
        num, den = {
            "tf": ("accidents_with_time_off", "hours_worked"),
            "tg": ("days_lost", "hours_worked"),
            "if": ("accidents_with_time_off", "headcount"),
        }[definition.code]
        sql = (
            f"SELECT t.tenant_id, t.establishment, {_group(breakdown, 't.size_band')} AS grp,"
            f" t.{num} AS num, t.{den} AS den"
            " FROM accident_fact t JOIN naf_levels n ON n.code = t.naf_code WHERE t.year = :year"
            + _where(filters, "t.size_band", params)
        )
    elif definition.code == "frequent-hazards":
        sql = (
            "SELECT t.tenant_id, t.company, h.hazard_code AS grp, 1 AS num, 0 AS den"
            " FROM duerp_contribution t JOIN naf_levels n ON n.code = t.naf_code"
            " JOIN hazard_fact h ON h.tenant_id = t.tenant_id AND h.company = t.company"
            "  AND h.year = t.year AND h.source = 'duerp'"
            " WHERE t.year = :year"
            + _hazard_where(filters, params)
            + _where(filters, "t.size_band", params)
        )
    elif definition.code == "c2p-exposed":
        group = "p.factor" if breakdown is Breakdown.FACTOR else _group(breakdown, "t.size_band")
        sql = (
            f"SELECT t.tenant_id, t.company, {group} AS grp, p.above_threshold AS num, 0 AS den"
            " FROM duerp_contribution t JOIN naf_levels n ON n.code = t.naf_code"
            " JOIN penibilite_fact p ON p.tenant_id = t.tenant_id AND p.company = t.company"
            "  AND p.year = t.year WHERE t.year = :year"
            + (" AND p.factor = :factor" if filters.factor else "")
            + _where(filters, "t.size_band", params)
        )
        if filters.factor:
            params["factor"] = filters.factor
    elif definition.code == "exposure-prevalence" and breakdown is Breakdown.PCS:
        # By profession: exposed employees of that profession / its employees. A company
        # sits under several professions, so its rows stay one per company (see below).
        sql = (
            "SELECT t.tenant_id, t.company, j.key AS grp,"
            " COALESCE((SELECT max((h.exposed_by_pcs ->> j.key)::int) FROM hazard_fact h"
            "  WHERE h.tenant_id = t.tenant_id AND h.company = t.company AND h.year = t.year"
            "  AND h.source = 'duerp'" + _hazard_where(filters, params) + "), 0) AS num,"
            " j.value::int AS den"
            " FROM duerp_contribution t JOIN naf_levels n ON n.code = t.naf_code"
            " CROSS JOIN LATERAL jsonb_each_text(t.jobs) AS j"
            " WHERE t.year = :year" + _where(filters, "t.size_band", params)
        )
        rows = (await session.execute(text(sql), params)).all()
        return [
            Contribution(
                tenant=row[0],
                group=row[2],
                companies=1,
                numerator=float(row[3]),
                numerator_max=float(row[3]),
                denominator=float(row[4]),
                denominator_max=float(row[4]),
                company=row[1],
            )
            for row in rows
        ]
    elif definition.code == "exposure-prevalence":
        sql = (
            f"SELECT t.tenant_id, t.company, {_group(breakdown, 't.size_band')} AS grp,"
            " COALESCE((SELECT max(h.exposed_headcount) FROM hazard_fact h"
            "  WHERE h.tenant_id = t.tenant_id AND h.company = t.company AND h.year = t.year"
            "  AND h.source = 'duerp'" + _hazard_where(filters, params) + "), 0) AS num,"
            " t.headcount AS den"
            " FROM duerp_contribution t JOIN naf_levels n ON n.code = t.naf_code"
            " WHERE t.year = :year" + _where(filters, "t.size_band", params)
        )
    else:
        num, den = {
            "serious-work-units": ("work_units_serious", "work_units"),
            "actions-on-time": ("actions_done_on_time", "actions_due"),
        }[definition.code]
        sql = (
            f"SELECT t.tenant_id, t.company, {_group(breakdown, 't.size_band')} AS grp,"
            f" t.{num} AS num, t.{den} AS den"
            " FROM duerp_contribution t JOIN naf_levels n ON n.code = t.naf_code"
            " WHERE t.year = :year" + _where(filters, "t.size_band", params)
        )
    # Aggregated per finest cell in the database: companies never leave it one by one.
    leaves = (
        "SELECT x.tenant_id, x.grp, count(*), sum(x.num), max(x.num), sum(x.den), max(x.den)"
        f" FROM ({sql}) AS x(tenant_id, company, grp, num, den) GROUP BY x.tenant_id, x.grp"
    )
    rows = (await session.execute(text(leaves), params)).all()
    return [
        Contribution(
            tenant=row[0],
            group=row[1],
            companies=int(row[2]),
            numerator=float(row[3]),
            numerator_max=float(row[4]),
            denominator=float(row[5]),
            denominator_max=float(row[6]),
        )
        for row in rows
    ]


def _hazard_where(filters: Filters, params: dict[str, Any]) -> str:
    clauses = ""
    if filters.hazard:
        clauses += " AND h.hazard_code = :hazard"
        params["hazard"] = filters.hazard
    if filters.hazard_family:
        clauses += " AND h.family = :hazard_family"
        params["hazard_family"] = filters.hazard_family
    if filters.pcs:
        clauses += " AND :pcs = ANY(h.pcs_codes)"
        params["pcs"] = filters.pcs
    return clauses


async def naf_sections(session: AsyncSession) -> dict[str, str]:
    """Division → section, for the divisions present."""
    rows = await session.execute(text("SELECT DISTINCT division, section FROM naf_levels"))
    return {division: section for division, section in rows.all()}
