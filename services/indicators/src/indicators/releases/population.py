"""A year's population, read from the star schema: one unit per company and source.

- ``members``: every member company known to its service (DUERP coverage): ``members`` = 1,
  ``covered`` = 1 when a DUERP version was published in the 12 months before the reference date;
- ``duerp``: the companies with a DUERP contribution for the year: employees, work units,
  actions, exposed employees (any hazard, and per hazard family: the largest exposed headcount
  among the company's hazards of that family), one count per hazard present, employees above
  each pénibilité factor's C2P threshold;
- ``reports``: the establishments' finalised annual reports: accidents with time off, days lost,
  hours worked, agents.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.duerp_update import oldest_up_to_date
from indicators.domain.release.cubes import Unit
from indicators.domain.release.measures import (
    C2P_BY_FACTOR,
    COMPANIES_BY_HAZARD,
    EXPOSED_BY_FAMILY,
)
from indicators.domain.release.release import Population


async def read_population(session: AsyncSession, year: int, reference: date) -> Population:
    units: list[Unit] = []
    since = oldest_up_to_date(reference)
    members = await session.execute(
        text(
            "SELECT m.tenant_id, m.company, n.division, m.size_band,"
            " EXISTS (SELECT 1 FROM duerp_contribution c WHERE c.tenant_id = m.tenant_id"
            "   AND c.company = m.company AND c.published_on >= :since"
            "   AND c.published_on <= :ref)"
            " FROM member_company m JOIN naf_levels n ON n.code = m.naf_code"
            " WHERE m.registered_on <= :ref ORDER BY 1, 2"
        ),
        {"since": since, "ref": reference},
    )
    for tenant, company, division, size, covered in members.all():
        values = {"members": 1.0, "covered": 1.0 if covered else 0.0}
        units.append(Unit(tenant, company, division, size, values, "members"))

    extra: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    hazards = await session.execute(
        text(
            "SELECT tenant_id, company, hazard_code, family, exposed_headcount FROM hazard_fact"
            " WHERE year = :year AND source = 'duerp'"
        ),
        {"year": year},
    )
    for tenant, company, hazard, family, exposed in hazards.all():
        values = extra[tenant, company]
        values[COMPANIES_BY_HAZARD + hazard] = 1.0
        values["exposed"] = max(values.get("exposed", 0.0), float(exposed))
        if family:
            name = EXPOSED_BY_FAMILY + family
            values[name] = max(values.get(name, 0.0), float(exposed))
    c2p = await session.execute(
        text(
            "SELECT tenant_id, company, factor, above_threshold FROM penibilite_fact"
            " WHERE year = :year"
        ),
        {"year": year},
    )
    for tenant, company, factor, above in c2p.all():
        extra[tenant, company][C2P_BY_FACTOR + factor] = float(above)
    duerp = await session.execute(
        text(
            "SELECT t.tenant_id, t.company, n.division, t.size_band, t.headcount, t.work_units,"
            " t.work_units_serious, t.actions_due, t.actions_done_on_time"
            " FROM duerp_contribution t JOIN naf_levels n ON n.code = t.naf_code"
            " WHERE t.year = :year ORDER BY 1, 2"
        ),
        {"year": year},
    )
    for tenant, company, division, size, headcount, units_, serious, due, on_time in duerp.all():
        values = {
            "employees": float(headcount),
            "exposed": 0.0,
            "work_units": float(units_),
            "serious_units": float(serious),
            "actions_due": float(due),
            "actions_on_time": float(on_time),
            **extra.get((tenant, company), {}),
        }
        units.append(Unit(tenant, company, division, size, values, "duerp"))

    reports = await session.execute(
        text(
            "SELECT t.tenant_id, t.establishment, n.division, t.size_band,"
            " t.accidents_with_time_off, t.days_lost, t.hours_worked, t.headcount"
            " FROM accident_fact t JOIN naf_levels n ON n.code = t.naf_code"
            " WHERE t.year = :year ORDER BY 1, 2"
        ),
        {"year": year},
    )
    for tenant, establishment, division, size, accidents, days, hours, agents in reports.all():
        values = {
            "accidents": float(accidents),
            "days_lost": float(days),
            "hours": float(hours),
            "agents": float(agents),
        }
        units.append(Unit(tenant, establishment, division, size, values, "reports"))
    sections = await session.execute(text("SELECT DISTINCT division, section FROM naf_levels"))
    return Population(tuple(units), {str(d): str(s) for d, s in sections.all()})
